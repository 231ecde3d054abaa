// OCGAN (Perera, Nallapati, Xiang, CVPR 2019) settings: the architecture of
// section 3.2, the loss weights and the informative-negative mining of
// Algorithm 1, and ablation switches for the paper's Table 4.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nova::ocgan {

// Every convolution of OCGAN is 5x5 with stride 2.
constexpr int64_t kKernel = 5, kStride = 2;

struct Config {
  std::string preset = "paper";

  // Input images (N, channels, size, size) in [-1, 1]: the data set's shape,
  // unless input_from_data is off (the released code's 3x61x61).
  int64_t image_channels = 1;
  int64_t image_size = 28;
  bool input_from_data = true;

  // Autoencoder: `depth` 5x5 stride-2 convolutions (with `padding`) of
  // base_channels * 2^i channels, the last one with latent_channels and the
  // latent activation; the decoder mirrors it with transposed convolutions.
  int64_t depth = 3;
  int64_t padding = 2;
  int64_t base_channels = 64;
  int64_t latent_channels = 256;
  double leaky_slope = 0.2;
  std::string latent_activation = "tanh";         // or "leaky_relu"
  std::string decoder_activation = "leaky_relu";  // or "relu"
  double decoder_dropout = 0.0;                   // dropout after the decoder's first block

  int64_t visual_base_channels = 12;      // visual discriminator
  int64_t classifier_base_channels = 64;  // classifier
  std::vector<int64_t> latent_disc_widths = {128, 64, 32, 16};
  bool latent_disc_batchnorm = true;
  // The released code feeds the latent discriminator's sigmoid output to a
  // loss on logits (a second squashing); kept as a switch to reproduce it.
  bool latent_disc_double_sigmoid = false;

  // Denoising noise n ~ N(0, noise_std^2). "per_step": drawn afresh every
  // step (the paper; its variance 0.2 is a standard deviation of sqrt(0.2));
  // "once": added to the training and validation images once before
  // training, as the released code does when loading.
  double noise_std = 0.4472135955;
  std::string noise_mode = "per_step";

  // Which decoder passes move its batchnorm running statistics, the ones a
  // reconstruction is normalised with when scoring: reconstructions of real
  // images alone (ours), or also the decodings of random and mined latent
  // samples (the released code: MXNet and PyTorch do so by default). The
  // paper is silent.
  bool decoder_stats_from_reconstructions = true;

  // Update order: the paper trains the classifier before the discriminators,
  // the released code after them.
  bool classifier_first = true;

  // Generator loss: lambda_mse * MSE + visual_weight * l_visual + latent_weight * l_latent.
  double lambda_mse = 10.0;
  double visual_weight = 1.0;
  double latent_weight = 1.0;

  // Informative-negative mining: steps of gradient ascent of the classifier's
  // loss (label "in class") on the latent batch, from start_epoch on.
  int64_t mining_steps = 5;
  double mining_step_size = 0.1;
  int64_t mining_start_epoch = 0;

  // Ablations (Table 4): switching off the classifier also switches off mining.
  bool use_latent_disc = true;
  bool use_visual_disc = true;
  bool use_classifier = true;

  // Adam: lr for the autoencoder, disc_lr for the latent and visual
  // discriminators and the classifier (the paper: one rate for all).
  double lr = 2e-4;
  double disc_lr = 2e-4;
  double beta1 = 0.5;
  double beta2 = 0.999;
  int64_t batch_size = 64;

  // Spatial size of the latent map (the encoder's output).
  int64_t latent_size() const;
  int64_t latent_dim() const { return latent_channels * latent_size() * latent_size(); }
  // Throws naming the setting when a value is out of range.
  void validate() const;
};

// The settings as strings, for a checkpoint's metadata, and back; from_metadata
// throws naming a missing or malformed key.
std::map<std::string, std::string> to_metadata(const Config& config);
Config from_metadata(const std::map<std::string, std::string>& metadata);

// The presets: "paper" (section 3.2 and Algorithm 1 as written), "released"
// (the authors' released code, every difference of docs/ocgan.md), and the
// rows of Table 4 below the full model: "autoencoder" (the denoising
// autoencoder alone, the baseline), "latent" (+ latent discriminator) and
// "discriminators" (+ visual discriminator; no classifier, no mining).
Config preset(const std::string& name);
std::vector<std::string> preset_names();

}  // namespace nova::ocgan
