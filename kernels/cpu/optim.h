// CPU optimizer steps, updating parameters in place.
#pragma once

#include <cstdint>

namespace nova::kernels::cpu {

struct AdamParams {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
  int64_t step = 1;  // 1-based step count, for bias correction
};

// torch.optim.Adam (L2 weight decay added to the gradient, not AdamW).
template <typename T>
void adam_step(T* param, T* exp_avg, T* exp_avg_sq, const T* grad, int64_t n, const AdamParams& p);

struct SgdParams {
  double lr = 1e-2, momentum = 0.0, weight_decay = 0.0;
  bool first_step = true;  // the momentum buffer starts as the gradient, as in PyTorch
};

// torch.optim.SGD with momentum (dampening 0, no Nesterov).
template <typename T>
void sgd_step(T* param, T* momentum_buf, const T* grad, int64_t n, const SgdParams& p);

}  // namespace nova::kernels::cpu
