// CUDA optimizer steps: the twins of kernels/cpu/optim.h (float, device
// pointers, plus the stream), each one fused kernel updating in place.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "kernels/cpu/optim.h"  // AdamParams, SgdParams

namespace nova::kernels::cuda {

using cpu::AdamParams;
using cpu::SgdParams;

// torch.optim.Adam (L2 weight decay added to the gradient, not AdamW).
void adam_step(float* param, float* exp_avg, float* exp_avg_sq, const float* grad, int64_t n,
               const AdamParams& p, cudaStream_t stream);

// torch.optim.SGD with momentum (dampening 0, no Nesterov); momentum_buf may be
// null when p.momentum == 0.
void sgd_step(float* param, float* momentum_buf, const float* grad, int64_t n, const SgdParams& p,
              cudaStream_t stream);

}  // namespace nova::kernels::cuda
