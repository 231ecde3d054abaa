// CPU reference batch normalization over (n, c, hw) views (BatchNorm1d on 2-d
// inputs has hw = 1). PyTorch semantics: biased variance to normalize,
// unbiased variance for the running estimate, running = (1 - momentum) *
// running + momentum * batch statistic.
#pragma once

#include <cstdint>

#include "kernels/common/shapes.h"

namespace nova::kernels::cpu {

// Training mode: normalizes with batch statistics, saves mean and 1/sqrt(var +
// eps) for the backward pass, and updates the running statistics when the
// pointers are non-null.
template <typename T>
void batch_norm_forward_train(T* out,           // (n, c, hw)
                              T* save_mean,     // (c)
                              T* save_invstd,   // (c)
                              T* running_mean,  // (c) or nullptr
                              T* running_var,   // (c) or nullptr
                              const T* in,      // (n, c, hw)
                              const T* gamma,   // (c)
                              const T* beta,    // (c)
                              const BatchNormShape& s, T momentum, T eps);

// Evaluation mode: normalizes with the running statistics.
template <typename T>
void batch_norm_forward_eval(T* out,                 // (n, c, hw)
                             const T* in,            // (n, c, hw)
                             const T* gamma,         // (c)
                             const T* beta,          // (c)
                             const T* running_mean,  // (c)
                             const T* running_var,   // (c)
                             const BatchNormShape& s, T eps);

// Backward of either mode. `mean` and `invstd` are the saved batch statistics
// (training) or running_mean and 1/sqrt(running_var + eps) (evaluation); in
// evaluation mode the statistics are constants, so grad_in is simply
// grad_out * gamma * invstd. Outputs are overwritten; grad_gamma and grad_beta
// may be null when not needed.
template <typename T>
void batch_norm_backward(T* grad_in,         // (n, c, hw)
                         T* grad_gamma,      // (c) or nullptr
                         T* grad_beta,       // (c) or nullptr
                         const T* grad_out,  // (n, c, hw)
                         const T* in,        // (n, c, hw)
                         const T* gamma,     // (c)
                         const T* mean,      // (c)
                         const T* invstd,    // (c)
                         const BatchNormShape& s, bool training);

}  // namespace nova::kernels::cpu
