// CPU loss kernels. Each forward writes the mean loss to out[0]; each backward
// reads the upstream gradient of that scalar from grad_loss[0] and overwrites
// the gradient with respect to its first input.
#pragma once

#include <cstdint>

namespace nova::kernels::cpu {

// Binary cross-entropy on probabilities p in [0, 1]; each log is clamped at
// -100 and the gradient's denominator p(1-p) at 1e-12, as in PyTorch.
template <typename T>
void bce_forward(T* out, const T* p, const T* target, int64_t n);
template <typename T>
void bce_backward(T* grad_p, const T* grad_loss, const T* p, const T* target, int64_t n);

// Binary cross-entropy on logits x, in the stable form
// max(x, 0) - x * t + log(1 + exp(-|x|)).
template <typename T>
void bce_logits_forward(T* out, const T* x, const T* target, int64_t n);
template <typename T>
void bce_logits_backward(T* grad_x, const T* grad_loss, const T* x, const T* target, int64_t n);

// Mean squared error mean((a - b)^2); grad_a = 2 (a - b) / n (grad_b = -grad_a).
template <typename T>
void mse_forward(T* out, const T* a, const T* b, int64_t n);
template <typename T>
void mse_backward(T* grad_a, const T* grad_loss, const T* a, const T* b, int64_t n);

// Mean absolute error mean|a - b|; grad_a = sign(a - b) / n, sign(0) = 0.
template <typename T>
void l1_forward(T* out, const T* a, const T* b, int64_t n);
template <typename T>
void l1_backward(T* grad_a, const T* grad_loss, const T* a, const T* b, int64_t n);

// KL(N(mu, exp(logvar)) || N(0, I)), summed over dim and averaged over the
// batch: -0.5 * sum(1 + logvar - mu^2 - exp(logvar)) / batch.
template <typename T>
void kl_gaussian_forward(T* out, const T* mu, const T* logvar, int64_t batch, int64_t dim);
template <typename T>
void kl_gaussian_backward(T* grad_mu, T* grad_logvar, const T* grad_loss, const T* mu,
                          const T* logvar, int64_t batch, int64_t dim);

}  // namespace nova::kernels::cpu
