// Per-element terms are computed in float (the device's fast paths) and summed
// in double; the CPU computes the terms in double, so the two agree to float
// rounding. An empty input gives NaN (0 / 0), as on the CPU and in torch.
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/loss.h"

namespace nova::kernels::cuda {
namespace {

using detail::Inputs;

constexpr float kLogClamp = -100.0f;   // BCE: each log is clamped here
constexpr float kBceGradEps = 1e-12f;  // BCE: floor of the gradient's p(1-p)

double mean_scale(int64_t n) { return 1.0 / static_cast<double>(n); }

struct BceTerm {
  const float *p, *t;
  __device__ double operator()(int64_t i) const {
    const float pi = p[i], ti = t[i];
    const float log_p = fmaxf(logf(pi), kLogClamp);
    const float log_1mp = fmaxf(log1pf(-pi), kLogClamp);
    return -(static_cast<double>(ti) * log_p + (1.0 - static_cast<double>(ti)) * log_1mp);
  }
};

struct BceLogitsTerm {
  const float *x, *t;
  __device__ double operator()(int64_t i) const {
    const float xi = x[i], ti = t[i];
    return static_cast<double>(fmaxf(xi, 0.0f)) - static_cast<double>(xi) * ti +
           static_cast<double>(log1pf(expf(-fabsf(xi))));
  }
};

struct SquaredDiff {
  const float *a, *b;
  __device__ double operator()(int64_t i) const {
    const double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
    return d * d;
  }
};

struct AbsDiff {
  const float *a, *b;
  __device__ double operator()(int64_t i) const {
    return fabs(static_cast<double>(a[i]) - static_cast<double>(b[i]));
  }
};

struct KlTerm {
  const float *mu, *logvar;
  __device__ double operator()(int64_t i) const {
    const double m = mu[i], lv = logvar[i];
    return 1.0 + lv - m * m - static_cast<double>(expf(logvar[i]));
  }
};

// Backward terms; s = *grad_loss, inv_n = 1 / n.
struct BceGrad {  // v = {p, t}
  float inv_n;
  __device__ float operator()(const float* v, float s) const {
    const float p = v[0], t = v[1];
    return s * inv_n * (p - t) / fmaxf(p * (1.0f - p), kBceGradEps);
  }
};

struct BceLogitsGrad {  // v = {x, t}
  float inv_n;
  __device__ float operator()(const float* v, float s) const {
    const float x = v[0];
    const float e = expf(-fabsf(x));
    const float sigmoid = x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
    return s * inv_n * (sigmoid - v[1]);
  }
};

struct MseGrad {  // v = {a, b}
  float inv_n;
  __device__ float operator()(const float* v, float s) const {
    return 2.0f * s * inv_n * (v[0] - v[1]);
  }
};

struct L1Grad {  // v = {a, b}
  float inv_n;
  __device__ float operator()(const float* v, float s) const {
    const float d = v[0] - v[1];
    const float sign = d > 0.0f ? 1.0f : (d < 0.0f ? -1.0f : 0.0f);
    return s * inv_n * sign;
  }
};

struct KlMuGrad {  // v = {mu}
  float inv_batch;
  __device__ float operator()(const float* v, float s) const { return s * inv_batch * v[0]; }
};

struct KlLogvarGrad {  // v = {logvar}
  float inv_batch;
  __device__ float operator()(const float* v, float s) const {
    return s * inv_batch * 0.5f * (expf(v[0]) - 1.0f);
  }
};

float inverse(int64_t n) { return static_cast<float>(1.0 / static_cast<double>(n)); }

}  // namespace

void bce_forward(float* out, const float* p, const float* target, int64_t n, cudaStream_t stream) {
  detail::launch_reduce(out, n, mean_scale(n), BceTerm{p, target}, stream);
}

void bce_backward(float* grad_p, const float* grad_loss, const float* p, const float* target,
                  int64_t n, cudaStream_t stream) {
  detail::launch_map<2>(grad_p, Inputs<2>{{p, target}}, grad_loss, n, BceGrad{inverse(n)}, stream);
}

void bce_logits_forward(float* out, const float* x, const float* target, int64_t n,
                        cudaStream_t stream) {
  detail::launch_reduce(out, n, mean_scale(n), BceLogitsTerm{x, target}, stream);
}

void bce_logits_backward(float* grad_x, const float* grad_loss, const float* x, const float* target,
                         int64_t n, cudaStream_t stream) {
  detail::launch_map<2>(grad_x, Inputs<2>{{x, target}}, grad_loss, n, BceLogitsGrad{inverse(n)},
                        stream);
}

void mse_forward(float* out, const float* a, const float* b, int64_t n, cudaStream_t stream) {
  detail::launch_reduce(out, n, mean_scale(n), SquaredDiff{a, b}, stream);
}

void mse_backward(float* grad_a, const float* grad_loss, const float* a, const float* b, int64_t n,
                  cudaStream_t stream) {
  detail::launch_map<2>(grad_a, Inputs<2>{{a, b}}, grad_loss, n, MseGrad{inverse(n)}, stream);
}

void l1_forward(float* out, const float* a, const float* b, int64_t n, cudaStream_t stream) {
  detail::launch_reduce(out, n, mean_scale(n), AbsDiff{a, b}, stream);
}

void l1_backward(float* grad_a, const float* grad_loss, const float* a, const float* b, int64_t n,
                 cudaStream_t stream) {
  detail::launch_map<2>(grad_a, Inputs<2>{{a, b}}, grad_loss, n, L1Grad{inverse(n)}, stream);
}

void kl_gaussian_forward(float* out, const float* mu, const float* logvar, int64_t batch,
                         int64_t dim, cudaStream_t stream) {
  detail::launch_reduce(out, batch * dim, -0.5 / static_cast<double>(batch), KlTerm{mu, logvar},
                        stream);
}

void kl_gaussian_backward(float* grad_mu, float* grad_logvar, const float* grad_loss,
                          const float* mu, const float* logvar, int64_t batch, int64_t dim,
                          cudaStream_t stream) {
  const int64_t n = batch * dim;
  if (grad_mu) {
    detail::launch_map<1>(grad_mu, Inputs<1>{{mu}}, grad_loss, n, KlMuGrad{inverse(batch)}, stream);
  }
  if (grad_logvar) {
    detail::launch_map<1>(grad_logvar, Inputs<1>{{logvar}}, grad_loss, n,
                          KlLogvarGrad{inverse(batch)}, stream);
  }
}

}  // namespace nova::kernels::cuda
