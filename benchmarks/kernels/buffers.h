// The arrays of one prepared kernel call, in host or device memory, filled
// with reproducible random values. A Call keeps its BufferSet alive.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "benchmarks/kernels/implementation.h"

namespace nova::bench {

class BufferSet {
 public:
  explicit BufferSet(Backend backend) : backend_(backend) {}
  ~BufferSet();
  BufferSet(const BufferSet&) = delete;
  BufferSet& operator=(const BufferSet&) = delete;

  // n floats uniform in (lo, hi]; each array draws from its own seed.
  float* random(int64_t n, float lo = -1.0f, float hi = 1.0f);
  float* zeros(int64_t n) { return filled(n, 0.0f); }
  float* filled(int64_t n, float value);

 private:
  float* upload(std::vector<float> values);

  Backend backend_;
  uint64_t next_seed_ = 1;
  std::vector<std::vector<float>> host_;  // Backend::Cpu
  std::vector<void*> device_;             // Backend::Cuda
};

inline std::shared_ptr<BufferSet> make_buffers(Backend backend) {
  return std::make_shared<BufferSet>(backend);
}

// A Call running `kernel` that keeps the buffers it points into alive.
template <typename Kernel>
Call keeping(std::shared_ptr<BufferSet> buffers, Kernel kernel) {
  return [buffers = std::move(buffers), kernel] { kernel(); };
}

}  // namespace nova::bench
