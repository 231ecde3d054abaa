// CPU batch normalization. One thread owns a channel; every statistic is
// accumulated in double over (i, p) in a fixed order (vector lanes over p,
// fixed by the build, not by the thread count), so results do not depend on
// the thread count. A null gamma is read as 1 and a null beta as 0.
#include "kernels/cpu/batchnorm.h"

#include <cmath>

namespace nova::kernels::cpu {
namespace {

// Below this many elements the loops stay on one thread.
constexpr int64_t kParallelMin = int64_t(1) << 15;

// Element (i, ch, p) of an (n, c, hw) array.
inline int64_t bn_index(const BatchNormShape& s, int64_t i, int64_t ch, int64_t p) {
  return (i * s.c + ch) * s.hw + p;
}

}  // namespace

template <typename T>
void batch_norm_forward_train(T* out, T* save_mean, T* save_invstd, T* running_mean, T* running_var,
                              const T* in, const T* gamma, const T* beta, const BatchNormShape& s,
                              T momentum, T eps) {
  const int64_t count = s.n * s.hw;  // elements per channel
  const double m = static_cast<double>(momentum);
#pragma omp parallel for schedule(static) if (s.n * s.c * s.hw >= kParallelMin)
  for (int64_t ch = 0; ch < s.c; ++ch) {
    double sum = 0.0;
    for (int64_t i = 0; i < s.n; ++i) {
      const T* x = in + bn_index(s, i, ch, 0);
#pragma omp simd reduction(+ : sum)
      for (int64_t p = 0; p < s.hw; ++p) sum += static_cast<double>(x[p]);
    }
    const double mean = count > 0 ? sum / static_cast<double>(count) : 0.0;
    double squares = 0.0;  // two passes: no cancellation in E[x^2] - E[x]^2
    for (int64_t i = 0; i < s.n; ++i) {
      const T* x = in + bn_index(s, i, ch, 0);
#pragma omp simd reduction(+ : squares)
      for (int64_t p = 0; p < s.hw; ++p) {
        const double d = static_cast<double>(x[p]) - mean;
        squares += d * d;
      }
    }
    const double var = count > 0 ? squares / static_cast<double>(count) : 0.0;  // biased
    const double invstd = 1.0 / std::sqrt(var + static_cast<double>(eps));
    if (save_mean) save_mean[ch] = static_cast<T>(mean);
    if (save_invstd) save_invstd[ch] = static_cast<T>(invstd);
    // Unbiased variance for the running estimate (a single element per channel
    // has none; the biased value 0 is used rather than dividing by zero).
    const double unbiased =
        count > 1 ? var * static_cast<double>(count) / static_cast<double>(count - 1) : var;
    if (running_mean) {
      running_mean[ch] =
          static_cast<T>((1.0 - m) * static_cast<double>(running_mean[ch]) + m * mean);
    }
    if (running_var) {
      running_var[ch] =
          static_cast<T>((1.0 - m) * static_cast<double>(running_var[ch]) + m * unbiased);
    }
    const double g = gamma ? static_cast<double>(gamma[ch]) : 1.0;
    const double b = beta ? static_cast<double>(beta[ch]) : 0.0;
    const double scale = g * invstd;
    for (int64_t i = 0; i < s.n; ++i) {
      const int64_t base = bn_index(s, i, ch, 0);
      for (int64_t p = 0; p < s.hw; ++p) {
        out[base + p] = static_cast<T>((static_cast<double>(in[base + p]) - mean) * scale + b);
      }
    }
  }
}

template <typename T>
void batch_norm_forward_eval(T* out, const T* in, const T* gamma, const T* beta,
                             const T* running_mean, const T* running_var, const BatchNormShape& s,
                             T eps) {
#pragma omp parallel for schedule(static) if (s.n * s.c * s.hw >= kParallelMin)
  for (int64_t ch = 0; ch < s.c; ++ch) {
    const double mean = static_cast<double>(running_mean[ch]);
    const double invstd =
        1.0 / std::sqrt(static_cast<double>(running_var[ch]) + static_cast<double>(eps));
    const double g = gamma ? static_cast<double>(gamma[ch]) : 1.0;
    const double b = beta ? static_cast<double>(beta[ch]) : 0.0;
    const double scale = g * invstd;
    for (int64_t i = 0; i < s.n; ++i) {
      const int64_t base = bn_index(s, i, ch, 0);
      for (int64_t p = 0; p < s.hw; ++p) {
        out[base + p] = static_cast<T>((static_cast<double>(in[base + p]) - mean) * scale + b);
      }
    }
  }
}

// With xhat = (x - mean) * invstd and y = gamma * xhat + beta:
//   grad_beta  = sum dy,  grad_gamma = sum dy * xhat,
//   training:   dx = gamma * invstd * (dy - grad_beta / m - xhat * grad_gamma / m)
//   evaluation: dx = gamma * invstd * dy
// (m = n * hw elements per channel).
template <typename T>
void batch_norm_backward(T* grad_in, T* grad_gamma, T* grad_beta, const T* grad_out, const T* in,
                         const T* gamma, const T* mean, const T* invstd, const BatchNormShape& s,
                         bool training) {
  const int64_t count = s.n * s.hw;
#pragma omp parallel for schedule(static) if (s.n * s.c * s.hw >= kParallelMin)
  for (int64_t ch = 0; ch < s.c; ++ch) {
    const double mu = static_cast<double>(mean[ch]);
    const double istd = static_cast<double>(invstd[ch]);
    double sum_dy = 0.0, sum_dy_xhat = 0.0;
    for (int64_t i = 0; i < s.n; ++i) {
      const int64_t base = bn_index(s, i, ch, 0);
#pragma omp simd reduction(+ : sum_dy, sum_dy_xhat)
      for (int64_t p = 0; p < s.hw; ++p) {
        const double dy = static_cast<double>(grad_out[base + p]);
        sum_dy += dy;
        sum_dy_xhat += dy * (static_cast<double>(in[base + p]) - mu) * istd;
      }
    }
    if (grad_gamma) grad_gamma[ch] = static_cast<T>(sum_dy_xhat);
    if (grad_beta) grad_beta[ch] = static_cast<T>(sum_dy);
    const double scale = (gamma ? static_cast<double>(gamma[ch]) : 1.0) * istd;
    const double mean_dy = training && count > 0 ? sum_dy / static_cast<double>(count) : 0.0;
    const double mean_dy_xhat =
        training && count > 0 ? sum_dy_xhat / static_cast<double>(count) : 0.0;
    for (int64_t i = 0; i < s.n; ++i) {
      const int64_t base = bn_index(s, i, ch, 0);
      for (int64_t p = 0; p < s.hw; ++p) {
        const double dy = static_cast<double>(grad_out[base + p]);
        const double xhat = (static_cast<double>(in[base + p]) - mu) * istd;
        grad_in[base + p] = static_cast<T>(scale * (dy - mean_dy - xhat * mean_dy_xhat));
      }
    }
  }
}

#define NOVA_INSTANTIATE_BATCHNORM(T)                                                            \
  template void batch_norm_forward_train<T>(T*, T*, T*, T*, T*, const T*, const T*, const T*,    \
                                            const BatchNormShape&, T, T);                        \
  template void batch_norm_forward_eval<T>(T*, const T*, const T*, const T*, const T*, const T*, \
                                           const BatchNormShape&, T);                            \
  template void batch_norm_backward<T>(T*, T*, T*, const T*, const T*, const T*, const T*,       \
                                       const T*, const BatchNormShape&, bool);

NOVA_INSTANTIATE_BATCHNORM(float)
NOVA_INSTANTIATE_BATCHNORM(double)

#undef NOVA_INSTANTIATE_BATCHNORM

}  // namespace nova::kernels::cpu
