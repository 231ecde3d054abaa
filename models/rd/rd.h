// R+D training (the paper's equations (3) and (5)), its stopping rule, and
// scoring with D(R(X)), D(X) and R's reconstruction error, on one device.
#pragma once

#include <memory>

#include "engine/optim/optimizer.h"
#include "engine/random.h"
#include "models/one_class_model.h"
#include "models/rd/config.h"
#include "models/rd/networks.h"
#include "models/rd/stopping_rule.h"

namespace nova::rd {

// What end_epoch measured on the validation images, for logs.
struct ValidationFigures {
  double refiner_error = 0.0;      // mean per-pixel MSE of R(X~) against X
  double detector_accuracy = 0.0;  // D on X (real) and the kept R's R(X~) (fake)
};

class Model : public models::OneClassModel {
 public:
  Model(const Config& config, uint64_t seed, Device device);

  // models::OneClassModel.
  std::string name() const override { return "R+D"; }
  int64_t batch_size() const override { return config_.batch_size; }
  Device device() const override { return device_; }
  models::InputShape input_shape() const override {
    return {config_.image_channels, config_.image_size};
  }
  // One iteration on real images x (N, C, H, W): X~ = X + noise; D learns X
  // as real and R(X~) as fake; then R (config.refiner_updates times, on the
  // same X~) learns to make D take R(X~) for real, plus lambda1 * ||X -
  // R(X~)||^2 and lambda2 * KL (reduced as config.norms says). Losses "d",
  // "r_adv", "r_rec" (the reconstruction term), "r_kl" (with a Gaussian
  // latent) and "r_total", of R's last update.
  models::NamedLosses train_step(const Tensor& x, int64_t epoch) override;
  // The stopping rule of stopping_rule.h on the validation images.
  models::EpochSelection end_epoch(int64_t epoch, const data::ImageSet& val) override;
  // "d_r" (the paper's D(R(X)), default), "d" (D(X)), "mse" (R's
  // reconstruction error). D's scores are its negated logits: a monotone
  // image of 1 - D(.) that does not saturate to ties the way a float sigmoid
  // does. Evaluation mode (running batchnorm statistics, the latent's mean),
  // no noise, no graph.
  std::vector<std::string> score_names() const override { return {"d_r", "d", "mse"}; }
  std::vector<Tensor> novelty_scores(const Tensor& x) override;
  // R(x), the image the "mse" score compares x with.
  Tensor reconstruction(const Tensor& x) override;
  // The paper's Figure 4: rows of X, X~ and R(X~) for normal and novel images.
  std::vector<models::Picture> pictures(const Tensor& normal, const Tensor& novel) override;
  // The networks, the kept ("selected.") networks, the optimizers' moments,
  // the generator position and the stopping rule's memory.
  nn::NamedTensors state() override;
  void state_loaded() override;
  nn::NamedTensors network_state() override;
  // The kept R and D, under network_state()'s names.
  nn::NamedTensors selected_state() override;
  Metadata metadata() const override { return to_metadata(config_); }

  const Config& config() const { return config_; }
  Networks& networks() { return nets_; }
  const ValidationFigures& last_validation() const { return last_validation_; }

 private:
  Tensor add_noise(const Tensor& x, Generator& gen) const;
  void check_batch(const Tensor& x) const;
  void set_training(bool on);
  // Mean per-pixel reconstruction error of R on noisy validation images, and
  // D's accuracy against the kept R's reconstructions; the noise is the same
  // every epoch, so epochs are compared on equal terms.
  double validation_error(const data::ImageSet& val);
  double validation_accuracy(const data::ImageSet& val);

  Config config_;
  Device device_;
  Generator gen_;  // training noise and latent samples
  Networks nets_;
  Networks selected_;  // the kept parameters; never trained, always in evaluation mode
  std::unique_ptr<optim::Optimizer> opt_refiner_, opt_detector_;
  StoppingRule rule_;
  ValidationFigures last_validation_;
  Tensor generator_state_;  // float64 [4]: gen_'s seed and offset, for checkpoints
  Tensor rule_state_;       // float64 [3]: the stopping rule's memory, for checkpoints
};

}  // namespace nova::rd
