// OCGAN training (Algorithm 1) and scoring on one device.
#pragma once

#include <memory>

#include "engine/optim/optimizer.h"
#include "engine/random.h"
#include "models/ocgan/config.h"
#include "models/ocgan/networks.h"

namespace nova::ocgan {

// Losses of one iteration, kept on the device so a step needs no host sync;
// read them with values() when printing. Undefined where a part is switched off.
struct StepLosses {
  Tensor classifier, latent_disc, visual_disc;               // the networks' own objectives
  Tensor generator, reconstruction, gen_latent, gen_visual;  // the autoencoder's terms
  std::vector<std::pair<std::string, double>> values() const;
};

struct MiningResult {
  Tensor before, after;                        // latent batches
  double loss_before = 0.0, loss_after = 0.0;  // classifier BCE against "in class"
};

class Model {
 public:
  Model(const Config& config, uint64_t seed, Device device);

  // One iteration of Algorithm 1 on a batch of real images x (N, C, H, W):
  // classifier, discriminators, mining (from config.mining_start_epoch on),
  // then the autoencoder. Networks not being trained in a phase are frozen.
  StepLosses train_step(const Tensor& x, int64_t epoch);

  // Informative-negative mining from the latent batch z0: gradient ascent of
  // the classifier's loss on z itself, every network frozen, z kept in
  // [-1, 1]. With `measure`, also reports the classifier's loss before and
  // after (two host reads and one more forward pass).
  MiningResult mine(const Tensor& z0, bool measure);

  Tensor random_latent(int64_t n);         // U(-1, 1) latent batch
  Tensor decode(const Tensor& z);          // evaluation mode, no graph
  Tensor reconstruct(const Tensor& x);     // evaluation mode, no noise, no graph
  Tensor novelty_scores(const Tensor& x);  // per-image reconstruction MSE (N)

  // Everything a checkpoint needs for an exact resume: every network's
  // parameters and buffers, the optimizers' moments, the generator position.
  nn::NamedTensors state();
  // Call after overwriting the tensors of state() (a resume): restores the
  // random generator's seed and position.
  void state_loaded();
  // Only the networks' parameters and buffers (what model selection keeps).
  nn::NamedTensors network_state();

  const Config& config() const { return config_; }
  Networks& networks() { return nets_; }
  Generator& generator() { return gen_; }
  Device device() const { return device_; }

 private:
  Shape latent_shape(int64_t n) const;
  Tensor labels(int64_t n, double value) const;
  void set_training(bool on);

  Config config_;
  Device device_;
  Generator gen_;
  Networks nets_;
  std::unique_ptr<optim::Adam> opt_autoencoder_, opt_latent_disc_, opt_visual_disc_,
      opt_classifier_;
  Tensor generator_state_;  // float64 [4]: gen_'s seed and offset, for checkpoints
};

}  // namespace nova::ocgan
