// CPU loss kernels (mean reduction, PyTorch formulas). The per-element terms
// are summed in double over fixed blocks of kSumBlock elements whose partial
// sums are added in block order, so the loss does not depend on the thread
// count. An empty input gives NaN, as torch's mean of nothing does.
#include "kernels/cpu/loss.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace nova::kernels::cpu {
namespace {

constexpr int64_t kSumBlock = int64_t(1) << 13;
constexpr int64_t kParallelMin = int64_t(1) << 15;
constexpr double kLogClamp = -100.0;   // BCE: each log is clamped here
constexpr double kBceGradEps = 1e-12;  // BCE: floor of the gradient's p(1-p)

// Sum over i in [0, n) of term(i), in double, in a fixed order.
template <typename Term>
double deterministic_sum(int64_t n, const Term& term) {
  const int64_t blocks = (n + kSumBlock - 1) / kSumBlock;
  std::vector<double> partial(static_cast<size_t>(std::max<int64_t>(blocks, 1)), 0.0);
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t blk = 0; blk < blocks; ++blk) {
    const int64_t begin = blk * kSumBlock, end = std::min(n, begin + kSumBlock);
    double acc = 0.0;
    for (int64_t i = begin; i < end; ++i) acc += term(i);
    partial[static_cast<size_t>(blk)] = acc;
  }
  double total = 0.0;
  for (double value : partial) total += value;
  return total;
}

double sign(double v) { return v > 0.0 ? 1.0 : (v < 0.0 ? -1.0 : 0.0); }

}  // namespace

// loss_i = -(t * max(log p, -100) + (1 - t) * max(log(1 - p), -100))
template <typename T>
void bce_forward(T* out, const T* p, const T* target, int64_t n) {
  const double total = deterministic_sum(n, [&](int64_t i) {
    const double pi = static_cast<double>(p[i]), ti = static_cast<double>(target[i]);
    const double log_p = std::max(std::log(pi), kLogClamp);
    const double log_1mp = std::max(std::log1p(-pi), kLogClamp);
    return -(ti * log_p + (1.0 - ti) * log_1mp);
  });
  out[0] = static_cast<T>(total / static_cast<double>(n));
}

// d loss / d p_i = g * (p - t) / max(p (1 - p), 1e-12) / n
template <typename T>
void bce_backward(T* grad_p, const T* grad_loss, const T* p, const T* target, int64_t n) {
  const double scale = static_cast<double>(grad_loss[0]) / static_cast<double>(n);
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) {
    const double pi = static_cast<double>(p[i]), ti = static_cast<double>(target[i]);
    grad_p[i] = static_cast<T>(scale * (pi - ti) / std::max(pi * (1.0 - pi), kBceGradEps));
  }
}

// loss_i = max(x, 0) - x t + log(1 + exp(-|x|))
template <typename T>
void bce_logits_forward(T* out, const T* x, const T* target, int64_t n) {
  const double total = deterministic_sum(n, [&](int64_t i) {
    const double xi = static_cast<double>(x[i]), ti = static_cast<double>(target[i]);
    return std::max(xi, 0.0) - xi * ti + std::log1p(std::exp(-std::fabs(xi)));
  });
  out[0] = static_cast<T>(total / static_cast<double>(n));
}

// d loss / d x_i = g * (sigmoid(x) - t) / n, sigmoid in a form that never overflows.
template <typename T>
void bce_logits_backward(T* grad_x, const T* grad_loss, const T* x, const T* target, int64_t n) {
  const double scale = static_cast<double>(grad_loss[0]) / static_cast<double>(n);
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) {
    const double xi = static_cast<double>(x[i]);
    const double e = std::exp(-std::fabs(xi));
    const double sigmoid = xi >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    grad_x[i] = static_cast<T>(scale * (sigmoid - static_cast<double>(target[i])));
  }
}

template <typename T>
void mse_forward(T* out, const T* a, const T* b, int64_t n) {
  const double total = deterministic_sum(n, [&](int64_t i) {
    const double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
    return d * d;
  });
  out[0] = static_cast<T>(total / static_cast<double>(n));
}

template <typename T>
void mse_backward(T* grad_a, const T* grad_loss, const T* a, const T* b, int64_t n) {
  const double scale = 2.0 * static_cast<double>(grad_loss[0]) / static_cast<double>(n);
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) {
    grad_a[i] = static_cast<T>(scale * (static_cast<double>(a[i]) - static_cast<double>(b[i])));
  }
}

template <typename T>
void l1_forward(T* out, const T* a, const T* b, int64_t n) {
  const double total = deterministic_sum(n, [&](int64_t i) {
    return std::fabs(static_cast<double>(a[i]) - static_cast<double>(b[i]));
  });
  out[0] = static_cast<T>(total / static_cast<double>(n));
}

template <typename T>
void l1_backward(T* grad_a, const T* grad_loss, const T* a, const T* b, int64_t n) {
  const double scale = static_cast<double>(grad_loss[0]) / static_cast<double>(n);
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) {
    grad_a[i] = static_cast<T>(scale * sign(static_cast<double>(a[i]) - static_cast<double>(b[i])));
  }
}

// -0.5 * sum(1 + logvar - mu^2 - exp(logvar)) / batch
template <typename T>
void kl_gaussian_forward(T* out, const T* mu, const T* logvar, int64_t batch, int64_t dim) {
  const double total = deterministic_sum(batch * dim, [&](int64_t i) {
    const double m = static_cast<double>(mu[i]), lv = static_cast<double>(logvar[i]);
    return 1.0 + lv - m * m - std::exp(lv);
  });
  out[0] = static_cast<T>(-0.5 * total / static_cast<double>(batch));
}

// d/dmu = g * mu / batch; d/dlogvar = g * 0.5 * (exp(logvar) - 1) / batch.
// Either output may be null when not needed.
template <typename T>
void kl_gaussian_backward(T* grad_mu, T* grad_logvar, const T* grad_loss, const T* mu,
                          const T* logvar, int64_t batch, int64_t dim) {
  const int64_t n = batch * dim;
  const double scale = static_cast<double>(grad_loss[0]) / static_cast<double>(batch);
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) {
    if (grad_mu) grad_mu[i] = static_cast<T>(scale * static_cast<double>(mu[i]));
    if (grad_logvar) {
      grad_logvar[i] =
          static_cast<T>(scale * 0.5 * (std::exp(static_cast<double>(logvar[i])) - 1.0));
    }
  }
}

#define NOVA_INSTANTIATE_LOSS(T)                                                   \
  template void bce_forward<T>(T*, const T*, const T*, int64_t);                   \
  template void bce_backward<T>(T*, const T*, const T*, const T*, int64_t);        \
  template void bce_logits_forward<T>(T*, const T*, const T*, int64_t);            \
  template void bce_logits_backward<T>(T*, const T*, const T*, const T*, int64_t); \
  template void mse_forward<T>(T*, const T*, const T*, int64_t);                   \
  template void mse_backward<T>(T*, const T*, const T*, const T*, int64_t);        \
  template void l1_forward<T>(T*, const T*, const T*, int64_t);                    \
  template void l1_backward<T>(T*, const T*, const T*, const T*, int64_t);         \
  template void kl_gaussian_forward<T>(T*, const T*, const T*, int64_t, int64_t);  \
  template void kl_gaussian_backward<T>(T*, T*, const T*, const T*, const T*, int64_t, int64_t);

NOVA_INSTANTIATE_LOSS(float)
NOVA_INSTANTIATE_LOSS(double)

#undef NOVA_INSTANTIATE_LOSS

}  // namespace nova::kernels::cpu
