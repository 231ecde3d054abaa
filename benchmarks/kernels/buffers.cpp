#include "benchmarks/kernels/buffers.h"

#include <stdexcept>
#include <utility>

#include "kernels/cpu/random.h"
#ifdef NOVA_WITH_CUDA
#include "kernels/cuda/runtime.h"
#endif

namespace nova::bench {

BufferSet::~BufferSet() {
#ifdef NOVA_WITH_CUDA
  for (void* p : device_) cuda::device_free(p);
#endif
}

// Philox streams from the CPU kernels: reproducible and fast enough to fill
// the 64M-element cases (std::mt19937 took seconds per row there).
float* BufferSet::random(int64_t n, float lo, float hi) {
  std::vector<float> values(static_cast<size_t>(n));
  kernels::cpu::random_uniform(values.data(), n, next_seed_++, 0, lo, hi);
  return upload(std::move(values));
}

float* BufferSet::filled(int64_t n, float value) {
  return upload(std::vector<float>(static_cast<size_t>(n), value));
}

float* BufferSet::upload(std::vector<float> values) {
  if (backend_ == Backend::Cpu) {
    host_.push_back(std::move(values));  // moving keeps the data where it is
    return host_.back().data();
  }
#ifdef NOVA_WITH_CUDA
  const size_t bytes = sizeof(float) * values.size();
  void* p = cuda::device_alloc(bytes);
  device_.push_back(p);
  cuda::copy_host_to_device(p, values.data(), bytes);
  return static_cast<float*>(p);
#else
  throw std::logic_error("device buffers in a build without CUDA");
#endif
}

}  // namespace nova::bench
