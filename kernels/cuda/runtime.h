// CUDA runtime services for the engine: device discovery, the caching
// allocator, copies, the one stream, and error checking. Only plain C++ types
// cross this header, so the engine compiles without CUDA headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace nova::cuda {

// True when a CUDA device answers. Any error from cudaGetDeviceCount (no
// driver, no device) means false; the result is cached after the first call.
bool device_available();

// Name, compute capability and memory of device 0, for logs and results.
std::string device_description();

// Caching allocator: size-bucketed, best fit, reuses freed blocks so a
// steady-state training step calls cudaMalloc no more. On out-of-memory it
// frees the cache and retries once, then throws std::runtime_error saying how
// many bytes were asked and how many are free.
void* device_alloc(size_t bytes);
void device_free(void* ptr);

struct MemoryStats {
  size_t bytes_in_use = 0;  // handed out to tensors now
  size_t bytes_cached = 0;  // held by the allocator, free for reuse
  size_t peak_bytes_in_use = 0;
  uint64_t cuda_malloc_calls = 0;  // lets a test prove the steady state mallocs nothing
};
MemoryStats memory_stats();
void empty_cache();

// Copies on the one stream; the device-to-host copy waits for it to finish.
void copy_host_to_device(void* dst, const void* src, size_t bytes);
void copy_device_to_host(void* dst, const void* src, size_t bytes);
void copy_device_to_device(void* dst, const void* src, size_t bytes);

// The one stream every kernel is launched on (a cudaStream_t, as void*).
void* stream_handle();
void synchronize();

// Throws std::runtime_error naming expr, file and line when code is an error.
// After a launch with NOVA_CUDA_SYNC=1 in the environment, also synchronizes
// so an asynchronous fault is reported at the kernel that caused it.
void check_cuda(int code, const char* expr, const char* file, int line);
void check_launch(const char* kernel, const char* file, int line);
// Launches checked by check_launch since the program started (each of our
// kernels and each cuBLAS call), for benchmarks' kernels per iteration.
int64_t launches();

}  // namespace nova::cuda
