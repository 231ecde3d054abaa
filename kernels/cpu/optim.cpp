// CPU optimizer steps (torch.optim.Adam and torch.optim.SGD, single-tensor
// path). Scalars derived from the hyper-parameters are computed in double.
#include "kernels/cpu/optim.h"

#include <cmath>

namespace nova::kernels::cpu {
namespace {

constexpr int64_t kParallelMin = int64_t(1) << 15;

}  // namespace

// g = grad + wd * param; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
// param -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps),
// which is PyTorch's order of operations for lr * m_hat / (sqrt(v_hat) + eps).
template <typename T>
void adam_step(T* param, T* exp_avg, T* exp_avg_sq, const T* grad, int64_t n, const AdamParams& p) {
  const double beta1 = p.beta1, beta2 = p.beta2;
  const double step = static_cast<double>(p.step);
  const double bias_correction1 = 1.0 - std::pow(beta1, step);
  const double bias_correction2_sqrt = std::sqrt(1.0 - std::pow(beta2, step));
  const T step_size = static_cast<T>(static_cast<double>(p.lr) / bias_correction1);
  const T b1 = static_cast<T>(beta1), b2 = static_cast<T>(beta2);
  const T one_minus_b1 = static_cast<T>(1.0 - beta1), one_minus_b2 = static_cast<T>(1.0 - beta2);
  const T bc2_sqrt = static_cast<T>(bias_correction2_sqrt);
  const T eps = static_cast<T>(p.eps), wd = static_cast<T>(p.weight_decay);
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) {
    const T g = grad[i] + wd * param[i];
    const T m = b1 * exp_avg[i] + one_minus_b1 * g;
    const T v = b2 * exp_avg_sq[i] + one_minus_b2 * g * g;
    exp_avg[i] = m;
    exp_avg_sq[i] = v;
    param[i] -= step_size * m / (std::sqrt(v) / bc2_sqrt + eps);
  }
}

// g = grad + wd * param; with momentum: buf = g on the first step, else
// momentum * buf + g, and param -= lr * buf; without: param -= lr * g (the
// buffer, which may then be null, is not touched).
template <typename T>
void sgd_step(T* param, T* momentum_buf, const T* grad, int64_t n, const SgdParams& p) {
  const T lr = static_cast<T>(p.lr), momentum = static_cast<T>(p.momentum);
  const T wd = static_cast<T>(p.weight_decay);
  const bool use_momentum = p.momentum != 0.0f;
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) {
    const T g = grad[i] + wd * param[i];
    T direction = g;
    if (use_momentum) {
      direction = p.first_step ? g : momentum * momentum_buf[i] + g;
      momentum_buf[i] = direction;
    }
    param[i] -= lr * direction;
  }
}

template void adam_step<float>(float*, float*, float*, const float*, int64_t, const AdamParams&);
template void adam_step<double>(double*, double*, double*, const double*, int64_t,
                                const AdamParams&);
template void sgd_step<float>(float*, float*, const float*, int64_t, const SgdParams&);
template void sgd_step<double>(double*, double*, const double*, int64_t, const SgdParams&);

}  // namespace nova::kernels::cpu
