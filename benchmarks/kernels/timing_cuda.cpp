#include <cuda_runtime_api.h>

#include <chrono>
#include <utility>

#include "benchmarks/kernels/timing.h"
#include "kernels/cuda/check.h"
#include "kernels/cuda/runtime.h"

namespace nova::bench {
namespace {

cudaStream_t runtime_stream() { return static_cast<cudaStream_t>(cuda::stream_handle()); }

// A device buffer twice the L2 size; writing it evicts whatever a previous
// repetition left in the cache.
struct L2Flush {
  void* buffer = nullptr;
  size_t bytes = 0;
  L2Flush() {
    int device = 0, l2_bytes = 0;
    NOVA_CUDA_CHECK(cudaGetDevice(&device));
    NOVA_CUDA_CHECK(cudaDeviceGetAttribute(&l2_bytes, cudaDevAttrL2CacheSize, device));
    bytes = 2 * static_cast<size_t>(l2_bytes > 0 ? l2_bytes : (64 << 20));
    buffer = cuda::device_alloc(bytes);
  }
  void run() const { NOVA_CUDA_CHECK(cudaMemsetAsync(buffer, 0, bytes, runtime_stream())); }
};

struct EventPair {
  cudaEvent_t start = nullptr, stop = nullptr;
  EventPair() {
    NOVA_CUDA_CHECK(cudaEventCreate(&start));
    NOVA_CUDA_CHECK(cudaEventCreate(&stop));
  }
  ~EventPair() {
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
  }
  EventPair(const EventPair&) = delete;
  EventPair& operator=(const EventPair&) = delete;
};

}  // namespace

Timing time_on_cuda(const Call& call, double min_seconds) {
  constexpr int kMinRepetitions = 10;
  using Clock = std::chrono::steady_clock;
  static const L2Flush flush;
  static const EventPair events;
  const cudaStream_t stream = runtime_stream();
  call();  // warm-up: module loading, the allocator's first blocks, cuDNN/cuBLAS set-up
  NOVA_CUDA_CHECK(cudaStreamSynchronize(stream));
  std::vector<double> times_ms;
  const auto start = Clock::now();
  while (static_cast<int>(times_ms.size()) < kMinRepetitions ||
         std::chrono::duration<double>(Clock::now() - start).count() < min_seconds) {
    flush.run();
    NOVA_CUDA_CHECK(cudaEventRecord(events.start, stream));
    call();
    NOVA_CUDA_CHECK(cudaEventRecord(events.stop, stream));
    NOVA_CUDA_CHECK(cudaEventSynchronize(events.stop));
    float ms = 0.0f;
    NOVA_CUDA_CHECK(cudaEventElapsedTime(&ms, events.start, events.stop));
    times_ms.push_back(ms);
  }
  NOVA_CUDA_CHECK(cudaGetLastError());
  return summarize(std::move(times_ms));
}

}  // namespace nova::bench
