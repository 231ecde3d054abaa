// OCLR's three networks, built from a Config: the generator autoencoder
// G = G_d(G_e(.)), the discriminator D, and the auxiliary autoencoder
// D' = G_d'(G_e'(.)) of G's architecture with its own weights.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/nn/layers.h"
#include "engine/random.h"
#include "models/oclr/config.h"

namespace nova::oclr {

class Autoencoder : public nn::Module {
 public:
  Autoencoder(const Config& config, Generator& init);

  Tensor encode(const Tensor& x) { return encoder->forward(x); }  // (N, latent_dim, 1, 1)
  Tensor decode(const Tensor& z) { return decoder->forward(z); }  // (N, C, H, W) in [-1, 1]
  Tensor forward(const Tensor& x) { return decode(encode(x)); }

  std::shared_ptr<nn::Sequential> encoder, decoder;
};

struct Networks {
  std::shared_ptr<Autoencoder> generator;         // G: G_e then G_d
  std::shared_ptr<nn::Sequential> discriminator;  // D: image -> logit (N, 1)
  std::shared_ptr<Autoencoder> auxiliary;         // D': G_e' then G_d'

  // Name prefix + module, in a fixed order (checkpoint names
  // "generator.encoder.0.weight").
  std::vector<std::pair<std::string, nn::Module*>> all();
};

Networks build_networks(const Config& config, Generator& init);

}  // namespace nova::oclr
