// OCLR training and scoring on one device.
//
// The paper gives only the total L = w_i L_irec + w_a L_adv + w_z L_zrec +
// w_c L_c + w_d L_dual. Our reading of who minimises what, each network
// minimising the terms that depend on its own parameters, the adversarial
// ones with the opponent's side:
//   G (G_e and G_d): w_i L_irec + w_a L_adv + w_z L_zrec + w_c L_c
//                    + w_d L_direc
//     L_adv:   the non-saturating GAN loss -log D(G(x)) (equation (2) asks G
//              to minimise log(1 - D(G(x))), which saturates early on).
//     L_direc: ||G(x) - D'(G(x))||_1. L_dual is D''s objective; G plays
//              against it the way BEGAN's and Vu et al.'s generators do (the
//              paper cites both, and borrows BEGAN's k): it wants D' to
//              reconstruct G(x) as well as real images. G's side has no k.
//   D:  the GAN discriminator loss -log D(x) - log(1 - D(G(x))).
//   D': w_d L_dual = w_d (||x - D'(x)||_1 - k ||G(x) - D'(G(x))||_1), plus
//       w_z L_zrec through G_e' when config.zrec_trains_auxiliary ("the
//       auxiliary encoder can reconstruct z from x'"), G's outputs fixed.
// Norms, read literally: ||.||_1 of equations (3), (6) and (7) is the L1
// norm of an image (the sum of |.| over its pixels and channels) and
// ||.||_2 of equation (5) the squared Euclidean norm of a latent vector (the
// square keeps the gradient finite at a perfect match, as GANomaly's latent
// loss, which L_zrec copies); E_x is the mean over the batch. L_c is
// equation (4) as written, the same squared norm. Summed over a 28x28
// image, L_irec outweighs w_a L_adv by two orders of magnitude, as
// GANomaly's weights (50 on the reconstruction, 1 on the adversarial term)
// do; read as means over pixels instead, the adversarial term and G's side
// of L_dual dominate and G never learns to reconstruct (docs/results/
// oclr-mnist-subset.md measured both readings).
//
// One iteration, GANomaly's order (G's forward pass serves all three):
//   1. G on x: z = G_e(x), x' = G_d(z); G's loss with D and D' frozen; G steps.
//   2. D on x (real) and x' (fake, no gradient to G); D steps.
//   3. D' on x and x' (no gradient to G); D' steps.
// Ablations skip what they switch off: D without L_adv, D' without L_dual
// and without L_zrec training G_e'.
//
// The center c (equation (4)) is the mean of G_e over the whole training set
// before training (prepare(): evaluation mode, no graph); it is a buffer in
// network_state(), so a resume and scoring see it.
//
// Novelty scores (higher = more novel; evaluation mode, no graph):
//   "dual_rec": mean |x - D'(G(x))|, the paper's score (the default; with
//               L_dual off D' never learns to reconstruct, and "rec" is);
//   "rec":      mean |x - G(x)|;
//   "center":   ||G_e(x) - c||^2, L_c's distance;
//   "zrec":     mean (G_e(x) - G_e'(G(x)))^2, L_zrec's error.
//
// Model selection (end_epoch): the networks with the lowest mean default
// score over the validation images (normal ones only) so far; the best mean
// is a float64 tensor in state() so a resume continues the same comparison.
#pragma once

#include <memory>

#include "engine/optim/optimizer.h"
#include "engine/random.h"
#include "models/oclr/config.h"
#include "models/oclr/networks.h"
#include "models/one_class_model.h"

namespace nova::oclr {

// The loss terms as free functions of tensors, each reduced to shape [1].
// L_irec, L_girec, L_direc: per image the sum of |a - b|, averaged over the
// batch.
Tensor image_reconstruction_loss(const Tensor& a, const Tensor& b);
// L_zrec: per image the sum of (a - b)^2, averaged over the batch.
Tensor latent_reconstruction_loss(const Tensor& a, const Tensor& b);
// L_c: z (N, d, ...) against the center (d, ...): mean over the batch of the
// squared distance summed over the d features.
Tensor center_loss(const Tensor& z, const Tensor& center);
// L_dual = L_girec - k L_direc, given x, D'(x), G(x) and D'(G(x)).
Tensor dual_loss(const Tensor& x, const Tensor& x_rec, const Tensor& fake, const Tensor& fake_rec,
                 double k);
// D's loss on logits of real and generated images: BCE(real, 1) + BCE(fake, 0).
Tensor discriminator_loss(const Tensor& real_logits, const Tensor& fake_logits);
// G's non-saturating adversarial loss: BCE(D(G(x)), 1).
Tensor generator_adversarial_loss(const Tensor& fake_logits);
// Per-image distances for scoring, (N, ...) -> (N).
Tensor per_image_abs_error(const Tensor& a, const Tensor& b);
Tensor per_image_squared_error(const Tensor& a, const Tensor& b);
Tensor per_image_center_distance(const Tensor& z, const Tensor& center);

class Model : public models::OneClassModel {
 public:
  Model(const Config& config, uint64_t seed, Device device);

  // models::OneClassModel.
  std::string name() const override { return "OCLR"; }
  int64_t batch_size() const override { return config_.batch_size; }
  Device device() const override { return device_; }
  models::InputShape input_shape() const override {
    return {config_.image_channels, config_.image_size};
  }
  // Computes the center c from the training images.
  void prepare(const data::ImageSet& train) override;
  // One iteration (see the top of this file). Losses: "g_total", "irec",
  // "adv", "zrec", "center", "g_dual" (G's L_direc) of G's update, "d" and
  // "dprime" (D''s whole objective) and "dual" (its L_dual); those of
  // switched-off terms are left out.
  models::NamedLosses train_step(const Tensor& x, int64_t epoch) override;
  models::EpochSelection end_epoch(int64_t epoch, const data::ImageSet& val) override;
  std::vector<std::string> score_names() const override;
  std::vector<Tensor> novelty_scores(const Tensor& x) override;
  // D'(G(x)), the image the default "dual_rec" score compares x with; G(x)
  // when the dual term is off.
  Tensor reconstruction(const Tensor& x) override;
  // Rows of x, G(x) and D'(G(x)) for normal and novel test images.
  std::vector<models::Picture> pictures(const Tensor& normal, const Tensor& novel) override;
  // The networks and the center, the optimizers' moments, the generator
  // position, whether the center was computed, and the best validation score.
  nn::NamedTensors state() override;
  void state_loaded() override;
  nn::NamedTensors network_state() override;
  Metadata metadata() const override { return to_metadata(config_); }

  const Config& config() const { return config_; }
  Networks& networks() { return nets_; }
  const Tensor& center() const { return center_; }

 private:
  void check_batch(const Tensor& x) const;
  void set_training(bool on);
  // Whether D' is trained at all in this loss composition.
  bool trains_auxiliary() const;
  const char* default_score() const { return config_.use_dual ? "dual_rec" : "rec"; }

  Config config_;
  Device device_;
  Generator gen_;
  Networks nets_;
  std::unique_ptr<optim::Adam> opt_generator_, opt_discriminator_, opt_auxiliary_;
  Tensor center_;           // float32 (latent_dim, 1, 1) on the device
  Tensor center_ready_;     // float64 [1]: 1 once prepare() computed the center
  Tensor generator_state_;  // float64 [4]: gen_'s seed and offset, for checkpoints
  Tensor best_val_score_;   // float64 [1]: model selection's best so far
};

}  // namespace nova::oclr
