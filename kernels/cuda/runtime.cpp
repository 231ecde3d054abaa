// CUDA runtime services: device discovery, the caching allocator, copies, the
// one stream and error checking (see runtime.h).
#include "kernels/cuda/runtime.h"

#include <cuda_runtime_api.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "kernels/cuda/check.h"

namespace nova::cuda {
namespace {

std::string error_text(cudaError_t code) {
  std::ostringstream os;
  os << cudaGetErrorName(code) << " (" << static_cast<int>(code)
     << "): " << cudaGetErrorString(code);
  return os.str();
}

// ---------------------------------------------------------------------------
// Caching allocator.
//
// Requests are rounded up to a bucket size: multiples of 512 bytes below
// 1 MiB, multiples of 2 MiB above. Freed blocks stay cached (never split or
// merged) and a request takes the smallest cached block that fits, provided it
// wastes at most half of the block, so a steady state of identical requests
// never reaches cudaMalloc. Every kernel runs on the one stream, so a block
// freed on the host can be handed out again at once: the next user's work is
// ordered after the previous user's on that stream.

constexpr size_t kSmallRound = 512;
constexpr size_t kLargeRound = size_t(2) << 20;
constexpr size_t kSmallLimit = size_t(1) << 20;
// Beyond this no device has the memory, and rounding must not overflow.
constexpr size_t kMaxRequest = size_t(1) << 62;

size_t round_request(size_t bytes) {
  if (bytes == 0) bytes = 1;
  if (bytes < kSmallLimit) return (bytes + kSmallRound - 1) / kSmallRound * kSmallRound;
  return (bytes + kLargeRound - 1) / kLargeRound * kLargeRound;
}

class CachingAllocator {
 public:
  void* allocate(size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (bytes > kMaxRequest) throw_out_of_memory(bytes, bytes);
    size_t size = round_request(bytes);
    void* ptr = take_cached(size);  // may raise size to the cached block's
    if (!ptr) ptr = malloc_with_retry(bytes, size);
    in_use_[ptr] = size;
    stats_.bytes_in_use += size;
    if (stats_.bytes_in_use > stats_.peak_bytes_in_use) {
      stats_.peak_bytes_in_use = stats_.bytes_in_use;
    }
    return ptr;
  }

  void release(void* ptr) {
    if (!ptr) return;
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = in_use_.find(ptr);
    if (it == in_use_.end()) {
      // Called from destructors: report rather than throw.
      std::fprintf(stderr, "nova: device_free of a pointer the allocator did not hand out: %p\n",
                   ptr);
      return;
    }
    const size_t size = it->second;
    in_use_.erase(it);
    stats_.bytes_in_use -= size;
    cached_.emplace(size, ptr);
    stats_.bytes_cached += size;
  }

  void empty() {
    std::lock_guard<std::mutex> lock(mutex_);
    free_cached();
  }

  MemoryStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

 private:
  // Smallest cached block of at least `size` bytes wasting at most half of it;
  // on success `size` becomes the block's size.
  void* take_cached(size_t& size) {
    const auto it = cached_.lower_bound(size);
    if (it == cached_.end() || it->first / 2 > size) return nullptr;
    void* ptr = it->second;
    size = it->first;
    stats_.bytes_cached -= size;
    cached_.erase(it);
    return ptr;
  }

  void* malloc_with_retry(size_t asked, size_t size) {
    void* ptr = nullptr;
    cudaError_t err = cudaMalloc(&ptr, size);
    ++stats_.cuda_malloc_calls;
    if (err == cudaErrorMemoryAllocation) {
      cudaGetLastError();  // clear it, or the next launch check would report it
      free_cached();
      err = cudaMalloc(&ptr, size);
      ++stats_.cuda_malloc_calls;
      if (err == cudaErrorMemoryAllocation) {
        cudaGetLastError();
        throw_out_of_memory(asked, size);
      }
    }
    if (err != cudaSuccess) {
      cudaGetLastError();
      throw std::runtime_error("cudaMalloc of " + std::to_string(size) +
                               " bytes failed: " + error_text(err));
    }
    return ptr;
  }

  void free_cached() {
    if (cached_.empty()) return;
    // Queued kernels may still read a cached block (freed on the host, not yet
    // on the device): wait for them before returning memory to the driver.
    cudaDeviceSynchronize();
    for (const auto& [size, ptr] : cached_) cudaFree(ptr);
    cudaGetLastError();
    cached_.clear();
    stats_.bytes_cached = 0;
  }

  [[noreturn]] void throw_out_of_memory(size_t asked, size_t rounded) {
    size_t free_bytes = 0, total_bytes = 0;
    if (cudaMemGetInfo(&free_bytes, &total_bytes) != cudaSuccess) cudaGetLastError();
    std::ostringstream os;
    os << "CUDA out of memory: asked for " << asked << " bytes (" << rounded << " rounded), "
       << free_bytes << " bytes free of " << total_bytes << " on the device; Nova holds "
       << stats_.bytes_in_use << " bytes in use and " << stats_.bytes_cached << " cached";
    throw std::runtime_error(os.str());
  }

  std::mutex mutex_;
  std::multimap<size_t, void*> cached_;       // size -> block, free for reuse
  std::unordered_map<void*, size_t> in_use_;  // block -> size
  MemoryStats stats_;
};

CachingAllocator& allocator() {
  // Never destroyed: tensors freed during static destruction must still find it.
  static CachingAllocator* instance = new CachingAllocator();
  return *instance;
}

bool sync_after_launch() {
  static const bool on = [] {
    const char* v = std::getenv("NOVA_CUDA_SYNC");
    return v != nullptr && std::strcmp(v, "0") != 0 && v[0] != '\0';
  }();
  return on;
}

}  // namespace

bool device_available() {
  static const bool available = [] {
    int count = 0;
    const cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess) {
      cudaGetLastError();
      return false;
    }
    return count > 0;
  }();
  return available;
}

std::string device_description() {
  if (!device_available()) return "no CUDA device";
  int device = 0;
  NOVA_CUDA_CHECK(cudaGetDevice(&device));
  cudaDeviceProp prop{};
  NOVA_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  std::ostringstream os;
  os.precision(1);
  os << std::fixed << prop.name << " (sm_" << prop.major << prop.minor << ", "
     << static_cast<double>(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0) << " GiB, "
     << prop.multiProcessorCount << " SMs)";
  return os.str();
}

void* device_alloc(size_t bytes) { return allocator().allocate(bytes); }

void device_free(void* ptr) { allocator().release(ptr); }

MemoryStats memory_stats() { return allocator().stats(); }

void empty_cache() { allocator().empty(); }

void* stream_handle() {
  static cudaStream_t stream = [] {
    cudaStream_t s = nullptr;
    NOVA_CUDA_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    return s;
  }();
  return stream;
}

void synchronize() {
  NOVA_CUDA_CHECK(cudaStreamSynchronize(static_cast<cudaStream_t>(stream_handle())));
}

// Host-to-device copies return once the source may be reused: the copy is
// queued on the one stream and then waited for, as host memory here is
// pageable and callers free it right after.
void copy_host_to_device(void* dst, const void* src, size_t bytes) {
  if (bytes == 0) return;
  const auto stream = static_cast<cudaStream_t>(stream_handle());
  NOVA_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, stream));
  NOVA_CUDA_CHECK(cudaStreamSynchronize(stream));
}

void copy_device_to_host(void* dst, const void* src, size_t bytes) {
  if (bytes == 0) return;
  const auto stream = static_cast<cudaStream_t>(stream_handle());
  NOVA_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, stream));
  NOVA_CUDA_CHECK(cudaStreamSynchronize(stream));
}

void copy_device_to_device(void* dst, const void* src, size_t bytes) {
  if (bytes == 0) return;
  const auto stream = static_cast<cudaStream_t>(stream_handle());
  NOVA_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, stream));
}

void check_cuda(int code, const char* expr, const char* file, int line) {
  if (code == static_cast<int>(cudaSuccess)) return;
  const auto err = static_cast<cudaError_t>(code);
  cudaGetLastError();  // a non-sticky error must not be reported twice
  std::ostringstream os;
  os << "CUDA error " << error_text(err) << " in " << expr << " at " << file << ":" << line;
  throw std::runtime_error(os.str());
}

namespace {
std::atomic<int64_t> launch_counter{0};
}  // namespace

int64_t launches() { return launch_counter.load(std::memory_order_relaxed); }

void check_launch(const char* kernel, const char* file, int line) {
  launch_counter.fetch_add(1, std::memory_order_relaxed);
  cudaError_t err = cudaGetLastError();
  if (err == cudaSuccess && sync_after_launch()) {
    // Any stream: a kernel may have been queued on a caller's stream.
    err = cudaDeviceSynchronize();
    if (err == cudaSuccess) err = cudaGetLastError();
  }
  if (err == cudaSuccess) return;
  std::ostringstream os;
  os << "CUDA error " << error_text(err) << " in kernel " << kernel << " at " << file << ":"
     << line;
  if (!sync_after_launch()) os << " (set NOVA_CUDA_SYNC=1 to locate asynchronous faults)";
  throw std::runtime_error(os.str());
}

}  // namespace nova::cuda
