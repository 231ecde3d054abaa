#include "models/rd/latent.h"

#include "engine/error.h"
#include "engine/ops.h"

namespace nova::rd {

Tensor gaussian_std(const Tensor& logvar) { return exp(scale(logvar, 0.5)); }

Tensor sample_latent(const Tensor& mu, const Tensor& logvar, Generator& gen) {
  check_same_shape("sample_latent", mu, logvar);
  const Tensor e = normal(mu.shape(), gen, 0.0, 1.0, mu.dtype(), mu.device());
  return add(mu, mul(gaussian_std(logvar), e));
}

Tensor latent_kl(const Tensor& mu, const Tensor& logvar, bool summed) {
  NOVA_CHECK(mu.dim() == 2, "latent_kl: expects (N, D) latent batches, got ",
             to_string(mu.shape()));
  const Tensor per_image = kl_gaussian(mu, logvar);
  return summed ? per_image : scale(per_image, 1.0 / static_cast<double>(mu.size(1)));
}

Tensor reconstruction_error(const Tensor& r, const Tensor& x, bool summed) {
  return summed ? squared_error_norm(r, x) : mse_loss(r, x);
}

}  // namespace nova::rd
