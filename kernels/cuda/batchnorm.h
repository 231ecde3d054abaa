// CUDA batch normalization over (n, c, hw) views: the twins of
// kernels/cpu/batchnorm.h (float, device pointers, plus the stream). Same
// semantics: biased variance to normalize, unbiased for the running estimate;
// null gamma reads as 1, null beta as 0; save_*, running_*, grad_gamma and
// grad_beta may be null. Per-channel statistics are fixed-order double sums
// (no atomics), so results are bit-identical from run to run.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "kernels/common/shapes.h"

namespace nova::kernels::cuda {

void batch_norm_forward_train(float* out,           // (n, c, hw)
                              float* save_mean,     // (c)
                              float* save_invstd,   // (c)
                              float* running_mean,  // (c) or nullptr
                              float* running_var,   // (c) or nullptr
                              const float* in,      // (n, c, hw)
                              const float* gamma,   // (c)
                              const float* beta,    // (c)
                              const BatchNormShape& s, float momentum, float eps,
                              cudaStream_t stream);

void batch_norm_forward_eval(float* out,                 // (n, c, hw)
                             const float* in,            // (n, c, hw)
                             const float* gamma,         // (c)
                             const float* beta,          // (c)
                             const float* running_mean,  // (c)
                             const float* running_var,   // (c)
                             const BatchNormShape& s, float eps, cudaStream_t stream);

void batch_norm_backward(float* grad_in,         // (n, c, hw)
                         float* grad_gamma,      // (c) or nullptr
                         float* grad_beta,       // (c) or nullptr
                         const float* grad_out,  // (n, c, hw)
                         const float* in,        // (n, c, hw)
                         const float* gamma,     // (c)
                         const float* mean,      // (c)
                         const float* invstd,    // (c)
                         const BatchNormShape& s, bool training, cudaStream_t stream);

}  // namespace nova::kernels::cuda
