// The five OCGAN networks of section 3.2, built from a Config.
#pragma once

#include <memory>

#include "engine/nn/layers.h"
#include "models/ocgan/config.h"

namespace nova::ocgan {

struct Networks {
  std::shared_ptr<nn::Sequential> encoder;      // image -> tanh latent (N, latent_channels, s, s)
  std::shared_ptr<nn::Sequential> decoder;      // latent -> image in [-1, 1]
  std::shared_ptr<nn::Sequential> latent_disc;  // latent -> logit (N, 1)
  std::shared_ptr<nn::Sequential> visual_disc;  // image -> logit (N, 1)
  std::shared_ptr<nn::Sequential> classifier;   // image -> logit (N, 1)

  // Name prefix + module, in a fixed order (checkpoint names "encoder.0.weight").
  std::vector<std::pair<std::string, nn::Module*>> all();
};

Networks build_networks(const Config& config, Generator& gen);

}  // namespace nova::ocgan
