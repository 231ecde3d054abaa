// OCGAN (Perera, Nallapati, Xiang, CVPR 2019) settings: the architecture of
// section 3.2, the loss weights and the informative-negative mining of
// Algorithm 1, and ablation switches for the paper's Table 4.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nova::ocgan {

struct Config {
  std::string preset = "paper";

  // Input images (N, channels, size, size) in [-1, 1].
  int64_t image_channels = 1;
  int64_t image_size = 28;

  // Autoencoder: `depth` 5x5 stride-2 convolutions with base_channels * 2^i
  // channels, the last one with latent_channels and a tanh; the decoder
  // mirrors it with transposed convolutions.
  int64_t depth = 3;
  int64_t base_channels = 64;
  int64_t latent_channels = 256;
  double leaky_slope = 0.2;

  int64_t visual_base_channels = 12;      // visual discriminator
  int64_t classifier_base_channels = 64;  // classifier
  std::vector<int64_t> latent_disc_widths = {128, 64, 32, 16};

  // Denoising noise n ~ N(0, noise_std^2), drawn afresh every step; the
  // paper's variance 0.2 is a standard deviation of sqrt(0.2).
  double noise_std = 0.4472135955;

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

  // Adam for every network.
  double lr = 2e-4;
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

// The presets: "paper" (section 3.2 and Algorithm 1 as written) and
// "autoencoder" (the denoising autoencoder alone, the ablation baseline).
Config preset(const std::string& name);
std::vector<std::string> preset_names();

}  // namespace nova::ocgan
