// The Gaussian latent of R+D's refiner (the reparameterized sample) and the
// terms of R's loss, equations (4) and (5).
#pragma once

#include "engine/random.h"
#include "engine/tensor.h"

namespace nova::rd {

// exp(logvar / 2), elementwise and differentiable (d/dlogvar = std / 2).
Tensor gaussian_std(const Tensor& logvar);

// z = mu + exp(logvar / 2) * e with e ~ N(0, I) drawn from `gen`: a sample of
// N(mu, exp(logvar)) through which gradients reach mu and logvar.
Tensor sample_latent(const Tensor& mu, const Tensor& logvar, Generator& gen);

// KL(N(mu, exp(logvar)) || N(0, I)) of (N, D) batches, averaged over the
// batch; per image summed over the D latent dimensions (summed = true, the
// paper's KL of one latent vector) or averaged over them:
//   (1 / N) sum 0.5 (mu^2 + exp(logvar) - 1 - logvar), or that over D.
Tensor latent_kl(const Tensor& mu, const Tensor& logvar, bool summed);

// ||X - R(X~)||^2 of equation (4), averaged over the batch: per image summed
// over pixels and channels (summed = true) or averaged over them (the MSE).
Tensor reconstruction_error(const Tensor& r, const Tensor& x, bool summed);

}  // namespace nova::rd
