// CUDA random fills: the twins of kernels/cpu/random.h (float, device
// pointers, plus the stream). Element i uses the Philox counter offset + i
// (kernels/common/philox.h), so the CPU and CUDA backends draw the same
// numbers: uniform fills and dropout masks bit for bit, normal fills to a few
// ulps (the device's logf and cosf round differently from the host's).
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace nova::kernels::cuda {

// Uniform in [lo, hi).
void random_uniform(float* out, int64_t n, uint64_t seed, uint64_t offset, float lo, float hi,
                    cudaStream_t stream);

void random_normal(float* out, int64_t n, uint64_t seed, uint64_t offset, float mean, float std,
                   cudaStream_t stream);

// Dropout mask: 0 with probability p, else 1 / (1 - p) (inverted dropout).
void dropout_mask(float* mask, int64_t n, uint64_t seed, uint64_t offset, float p,
                  cudaStream_t stream);

}  // namespace nova::kernels::cuda
