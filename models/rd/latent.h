// The Gaussian latent of R+D's refiner: the reparameterized sample and the
// KL term of the paper's equation (5).
#pragma once

#include "engine/random.h"
#include "engine/tensor.h"

namespace nova::rd {

// exp(logvar / 2), elementwise and differentiable (d/dlogvar = std / 2).
Tensor gaussian_std(const Tensor& logvar);

// z = mu + exp(logvar / 2) * e with e ~ N(0, I) drawn from `gen`: a sample of
// N(mu, exp(logvar)) through which gradients reach mu and logvar.
Tensor sample_latent(const Tensor& mu, const Tensor& logvar, Generator& gen);

// KL(N(mu, exp(logvar)) || N(0, I)) of (N, D) batches as the mean over the
// batch and over the D latent dimensions:
//   (1 / (N D)) sum 0.5 (mu^2 + exp(logvar) - 1 - logvar).
// Dividing by D as the reconstruction term divides by the pixel count keeps
// lambda2's meaning independent of |Z|.
Tensor latent_kl(const Tensor& mu, const Tensor& logvar);

}  // namespace nova::rd
