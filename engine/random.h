// Seeded random numbers from the counter-based Philox stream shared by the
// CPU and CUDA backends: a Generator is a seed plus an offset that each draw
// advances by the number of elements drawn, so the same seed gives the same
// numbers on either device.
#pragma once

#include <cstdint>

#include "engine/tensor.h"

namespace nova {

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) : seed_(seed) {}
  uint64_t seed() const { return seed_; }
  uint64_t offset() const { return offset_; }
  void set_offset(uint64_t offset) { offset_ = offset; }
  // Reserves n counters and returns the first.
  uint64_t advance(uint64_t n) {
    const uint64_t first = offset_;
    offset_ += n;
    return first;
  }

 private:
  uint64_t seed_;
  uint64_t offset_ = 0;
};

Tensor uniform(const Shape& shape, Generator& gen, double lo = 0.0, double hi = 1.0,
               DType dtype = DType::Float32, Device device = Device::CPU);
Tensor normal(const Shape& shape, Generator& gen, double mean = 0.0, double std = 1.0,
              DType dtype = DType::Float32, Device device = Device::CPU);

// A generator's seed and offset in a float64 [4] tensor (as 32-bit halves,
// which float64 holds exactly), for checkpoints: write it before saving,
// read it back after loading.
void write_generator_state(const Generator& gen, Tensor& state);
Generator read_generator_state(const Tensor& state);

// In-place fills of an existing tensor (initializers, noise buffers).
void fill_uniform_(Tensor& t, Generator& gen, double lo, double hi);
void fill_normal_(Tensor& t, Generator& gen, double mean, double std);

}  // namespace nova
