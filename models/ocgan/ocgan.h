// OCGAN training (Algorithm 1) and scoring on one device.
#pragma once

#include <memory>

#include "engine/optim/optimizer.h"
#include "engine/random.h"
#include "models/ocgan/config.h"
#include "models/ocgan/networks.h"
#include "models/one_class_model.h"

namespace nova::ocgan {

// Losses of one iteration, kept on the device so a step needs no host sync;
// named() lists them for the driver, which reads them when printing. Undefined where a part is
// switched off.
struct StepLosses {
  Tensor classifier, latent_disc, visual_disc;               // the networks' own objectives
  Tensor generator, reconstruction, gen_latent, gen_visual;  // the autoencoder's terms
  models::NamedLosses named() const;                         // the defined ones
};

struct MiningResult {
  Tensor before, after;                        // latent batches
  double loss_before = 0.0, loss_after = 0.0;  // classifier BCE against "in class"
};

class Model : public models::OneClassModel {
 public:
  Model(const Config& config, uint64_t seed, Device device);

  // One iteration of Algorithm 1 on a batch of real images x (N, C, H, W):
  // classifier, discriminators, mining (from config.mining_start_epoch on),
  // then the autoencoder. Networks not being trained in a phase are frozen.
  StepLosses step(const Tensor& x, int64_t epoch);

  // Informative-negative mining from the latent batch z0: gradient ascent of
  // the classifier's loss on z itself, every network frozen, z kept in
  // [-1, 1]. With `measure`, also reports the classifier's loss before and
  // after (two host reads and one more forward pass).
  MiningResult mine(const Tensor& z0, bool measure);

  Tensor random_latent(int64_t n);  // U(-1, 1) latent batch
  // Evaluation: these leave the networks in evaluation mode (step() returns
  // them to training mode).
  Tensor decode(const Tensor& z);                   // no graph
  Tensor reconstruction(const Tensor& x) override;  // no noise, no graph
  Tensor reconstruction_error(const Tensor& x);     // per-image MSE (N)

  // models::OneClassModel.
  std::string name() const override { return "OCGAN"; }
  int64_t batch_size() const override { return config_.batch_size; }
  Device device() const override { return device_; }
  models::InputShape input_shape() const override {
    return {config_.image_channels, config_.image_size};
  }
  // The released preset's noise, added once (noise_mode "once").
  void prepare_training_images(data::ImageSet& images) override;
  models::NamedLosses train_step(const Tensor& x, int64_t epoch) override;
  // The paper's model selection: the lowest mean reconstruction error on
  // the validation images ("val_mse"); never stops early.
  models::EpochSelection end_epoch(int64_t epoch, const data::ImageSet& val) override;
  // "mse": the reconstruction error, the paper's novelty score.
  std::vector<std::string> score_names() const override { return {"mse"}; }
  std::vector<Tensor> novelty_scores(const Tensor& x) override;
  // Test inputs over their reconstructions, decodings of random latent
  // samples, and decodings before over after mining (Figures 3 and 4).
  std::vector<models::Picture> pictures(const Tensor& normal, const Tensor& novel) override;
  // Every network's parameters and buffers, the optimizers' moments, the
  // generator position and the best validation error so far.
  nn::NamedTensors state() override;
  // Restores the random generator's seed and position after a resume.
  void state_loaded() override;
  nn::NamedTensors network_state() override;
  Metadata metadata() const override { return to_metadata(config_); }

  const Config& config() const { return config_; }
  Networks& networks() { return nets_; }
  Generator& generator() { return gen_; }

 private:
  Shape latent_shape(int64_t n) const;
  // The latent discriminator's output as a logit (after a sigmoid in the
  // released preset, which squashes it twice).
  Tensor latent_logits(const Tensor& z);
  // Training-mode decoding of random or mined latent samples.
  Tensor decode_samples(const Tensor& z);
  Tensor labels(int64_t n, double value) const;
  void set_training(bool on);

  Config config_;
  Device device_;
  Generator gen_;
  Networks nets_;
  std::unique_ptr<optim::Adam> opt_autoencoder_, opt_latent_disc_, opt_visual_disc_,
      opt_classifier_;
  Tensor generator_state_;  // float64 [4]: gen_'s seed and offset, for checkpoints
  Tensor best_val_mse_;     // float64 [1]: model selection's best so far
};

}  // namespace nova::ocgan
