// R+D's two networks, built from a Config: the refiner R = R2(R1(.)) with
// its latent Z, and the detector D ending in one logit.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/nn/layers.h"
#include "engine/random.h"
#include "models/rd/config.h"

namespace nova::rd {

class Refiner : public nn::Module {
 public:
  Refiner(const Config& config, Generator& init);

  struct Output {
    Tensor reconstruction;  // R(x), (N, C, H, W) in [-1, 1]
    Tensor mu, logvar;      // the Gaussian latent (N, latent_dim); undefined without one
  };
  // R(x). With `sampling`, the latent is a sample of N(mu, exp(logvar))
  // drawn from it (training); without, its mean (evaluation).
  Output forward(const Tensor& x, Generator* sampling);
  Tensor reconstruct(const Tensor& x) { return forward(x, nullptr).reconstruction; }

 private:
  std::shared_ptr<nn::Sequential> encoder_;        // R1: x -> (N, C_last, s, s)
  std::shared_ptr<nn::Linear> mu_, logvar_;        // R1's map -> Gaussian latent
  std::shared_ptr<nn::Sequential> latent_to_map_;  // z -> (N, C_last, s, s)
  std::shared_ptr<nn::Sequential> decoder_;        // R2: map -> image
};

struct Networks {
  std::shared_ptr<Refiner> refiner;
  std::shared_ptr<nn::Sequential> detector;  // image -> logit (N, 1)

  // Name prefix + module, in a fixed order (checkpoint names "refiner.encoder.0.weight").
  std::vector<std::pair<std::string, nn::Module*>> all();
};

Networks build_networks(const Config& config, Generator& init);

}  // namespace nova::rd
