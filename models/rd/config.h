// R+D (Sabokrou, Fathy, Zhao, Adeli, "Deep End-to-End One-Class Classifier",
// IEEE TNNLS, the journal version of ALOCC, CVPR 2018) settings: the refiner
// R (a denoising encoder-decoder with a Gaussian latent), the detector D, the
// loss L = L_R+D + lambda1 ||X - R(X~)||^2 + lambda2 KL(Z || N(0, I)), the
// optimizers and the paper's stopping rule.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nova::rd {

// Every convolution of R and D is 5x5 with stride 2 and padding 2 (the
// release's TensorFlow "SAME" convolutions: 28 -> 14 -> 7 -> 4 -> 2).
constexpr int64_t kKernel = 5, kStride = 2, kPadding = 2;

struct Config {
  std::string preset = "paper";

  // Input images (N, channels, size, size) in [-1, 1].
  int64_t image_channels = 1;
  int64_t image_size = 28;

  // R1: a 5x5 stride-2 convolution, batchnorm and leaky ReLU per width.
  std::vector<int64_t> encoder_widths = {32, 64, 128};
  // Z: with latent_dim > 0, R1's map is flattened into the mean and log
  // variance of a Gaussian latent of this size (sampled while training, its
  // mean when evaluating), regularized by the KL term; the paper's Table VI
  // finds |Z| = 256 best. 0: no dense latent, R1's map feeds R2 directly (the
  // CVPR release).
  int64_t latent_dim = 256;
  // R2: transposed convolutions of these widths (one fewer than R1 has, each
  // with batchnorm and the decoder activation), then one to the image's
  // channels with tanh, retracing R1's sizes exactly.
  std::vector<int64_t> decoder_widths = {64, 32};
  std::string decoder_activation = "leaky_relu";  // or "relu" (the release)

  // D: a 5x5 stride-2 convolution per width, leaky ReLU after each, batchnorm
  // after all but the first (the release's DCGAN layout unless
  // detector_first_batchnorm), then a linear logit.
  std::vector<int64_t> detector_widths = {16, 32, 64, 128};
  bool detector_first_batchnorm = false;

  double leaky_slope = 0.2;
  // Batchnorm epsilon; the paper gives 1e-6 (and decay 0.9, which is
  // PyTorch's momentum 0.1, the engine's default).
  double batchnorm_eps = 1e-6;

  // X~ = X + N(0, noise_std^2), drawn afresh every step. The journal gives no
  // value; 0.155 is the release's sigma (its UCSD patches are in [-1, 1], as
  // our images are). clip_noisy keeps X~ in [-1, 1] as the release's
  // skimage random_noise does.
  double noise_std = 0.155;
  bool clip_noisy = false;

  // L = L_R+D + lambda_reconstruction * ||X - R(X~)||^2 + lambda_kl * KL: the
  // paper's lambda1 = 0.4 and lambda2 = 0.2. norms "sum" reads the norms
  // literally: per image the squared error summed over its pixels and the KL
  // summed over the latent's dimensions (both averaged over the batch), which
  // makes the reconstruction term "fairly large" beside the adversarial one,
  // as section IV-E5 asks of lambda1. "mean" averages over pixels and
  // dimensions instead (the release's per-pixel loss); then the adversarial
  // term dominates and R hardly learns to reconstruct
  // (docs/results/rd-mnist-subset.md measured both).
  std::string norms = "sum";
  bool summed_norms() const { return norms == "sum"; }
  double lambda_reconstruction = 0.4;
  double lambda_kl = 0.2;
  // R updates per D update on the same batch (the release runs R twice "to
  // make sure that d_loss does not go to zero").
  int64_t refiner_updates = 1;

  // "adam" or "rmsprop" (the release: TensorFlow 1's RMSProp, decay 0.9,
  // epsilon 1e-10, mean square started at 1), one optimizer for R and one for D.
  std::string optimizer = "adam";
  double lr = 2e-4;
  double beta1 = 0.5, beta2 = 0.999;  // Adam
  double rmsprop_alpha = 0.9, rmsprop_eps = 1e-10, rmsprop_initial_square_avg = 1.0;
  int64_t batch_size = 128;

  // Model selection and stopping, on validation images of the normal class
  // only. "rule": the paper's section IV-E1 (see stopping_rule.h): R's best
  // parameters by validation reconstruction error; once that error is below
  // rho, D is trained on until its validation accuracy (real images against
  // R's reconstructions of their noisy versions) reaches detector_accuracy,
  // keeping D's best parameters. "epochs": the epoch count decides and both
  // networks are kept at the lowest validation reconstruction error.
  std::string stopping = "rule";
  // Mean squared error per pixel of R(X~) against X on [-1, 1] images; the
  // paper only says "a small positive scalar".
  double rho = 0.05;
  double detector_accuracy = 0.9;

  // Spatial size of R1's output map and of D's last map.
  int64_t encoder_output_size() const;
  int64_t detector_output_size() const;
  bool gaussian_latent() const { return latent_dim > 0; }
  // Throws naming the setting when a value is out of range.
  void validate() const;
};

// The settings as strings, for a checkpoint's metadata, and back; from_metadata
// throws naming a missing or malformed key.
std::map<std::string, std::string> to_metadata(const Config& config);
Config from_metadata(const std::map<std::string, std::string>& metadata);

// The presets: "paper" (the journal text; where it is silent, the CVPR
// release's values, see config.cpp) and "alocc" (the CVPR 2018 release).
Config preset(const std::string& name);
std::vector<std::string> preset_names();

}  // namespace nova::rd
