// CPU random fills from the shared Philox stream: element i uses counter
// offset + i, so the CUDA backend produces the same numbers.
#pragma once

#include <cstdint>

namespace nova::kernels::cpu {

// Uniform in [lo, hi).
template <typename T>
void random_uniform(T* out, int64_t n, uint64_t seed, uint64_t offset, T lo, T hi);

template <typename T>
void random_normal(T* out, int64_t n, uint64_t seed, uint64_t offset, T mean, T std);

// Dropout mask: 0 with probability p, else 1 / (1 - p) (inverted dropout).
template <typename T>
void dropout_mask(T* mask, int64_t n, uint64_t seed, uint64_t offset, T p);

}  // namespace nova::kernels::cpu
