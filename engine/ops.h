// Differentiable operations on tensors (PyTorch semantics). Each records its
// backward when an input requires grad. Shape errors name the op and shapes.
#pragma once

#include <vector>

#include "engine/random.h"
#include "engine/tensor.h"

namespace nova {

// Elementwise, same shapes.
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor scale(const Tensor& a, double alpha);       // alpha * a
Tensor add_scalar(const Tensor& a, double shift);  // a + shift
Tensor clamp(const Tensor& a, double lo, double hi);
inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator*(double alpha, const Tensor& a) { return scale(a, alpha); }

// Activations.
Tensor relu(const Tensor& x);
Tensor leaky_relu(const Tensor& x, double slope = 0.01);
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor exp(const Tensor& x);
// Inverted dropout with probability p; identity when !training or p == 0.
Tensor dropout(const Tensor& x, double p, bool training, Generator& gen);

// Reductions.
Tensor sum(const Tensor& x);              // shape [1]
Tensor mean(const Tensor& x);             // shape [1]
Tensor sum_per_sample(const Tensor& x);   // (N, ...) -> (N)
Tensor mean_per_sample(const Tensor& x);  // (N, ...) -> (N)

// Concatenation along `axis` (all other dimensions equal).
Tensor cat(const std::vector<Tensor>& tensors, int64_t axis);

// Layers. Weights follow torch.nn: conv [Cout, Cin, kh, kw], transposed conv
// [Cin, Cout, kh, kw], linear [out, in]. The bias may be undefined.
struct Conv2dOptions {
  int64_t stride = 1, padding = 0, dilation = 1;
  int64_t output_padding = 0;  // transposed conv only
};
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const Conv2dOptions& o);
Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                        const Conv2dOptions& o);
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias);

// Batch normalization over (N, C) or (N, C, H, W). In training mode uses batch
// statistics and updates the running ones (when defined); in eval mode uses
// the running statistics.
Tensor batch_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, Tensor running_mean,
                  Tensor running_var, bool training, double momentum = 0.1, double eps = 1e-5);

// Losses, mean-reduced to shape [1]. Targets receive no gradient except in
// mse_loss and l1_loss, where both sides may require grad.
Tensor bce(const Tensor& probabilities, const Tensor& target);
Tensor bce_with_logits(const Tensor& logits, const Tensor& target);
Tensor mse_loss(const Tensor& a, const Tensor& b);
Tensor l1_loss(const Tensor& a, const Tensor& b);
// The same errors as norms of each sample (N, ...), averaged over the batch:
// PyTorch's reduction="sum" divided by N. squared_error_norm is the squared
// L2 norm of a - b per sample, absolute_error_norm its L1 norm.
Tensor squared_error_norm(const Tensor& a, const Tensor& b);
Tensor absolute_error_norm(const Tensor& a, const Tensor& b);
// KL(N(mu, exp(logvar)) || N(0, I)) summed over features, averaged over the batch.
Tensor kl_gaussian(const Tensor& mu, const Tensor& logvar);

}  // namespace nova
