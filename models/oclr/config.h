// OCLR (Chen, Chen, Song, Tao, Xie, Ma, "Anomaly detection by one class
// latent regularized networks") settings: the generator autoencoder G, the
// discriminator D, the auxiliary autoencoder D', the weights of the loss
// L = w_i L_irec + w_a L_adv + w_z L_zrec + w_c L_c + w_d L_dual, and the
// switches of the paper's Table 1 ablation.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nova::oclr {

// Every downsampling convolution has stride 2.
constexpr int64_t kStride = 2;

struct Config {
  std::string preset = "paper";

  // Input images (N, channels, size, size) in [-1, 1].
  int64_t image_channels = 1;
  int64_t image_size = 28;

  // The paper names G_e, G_d, G_e' and gives no layers; we take the layout of
  // the GANomaly family it builds on (DCGAN blocks). Encoder: `depth`
  // kernel x kernel stride-2 convolutions (padding (kernel - 1) / 2, so 4x4
  // and 5x5 both halve the size) of base_channels * 2^i channels, batchnorm
  // after all but the first, leaky ReLU after each; then one convolution as
  // large as the remaining map to a latent vector (N, latent_dim, 1, 1).
  // Decoder: the mirror image with transposed convolutions, tanh at the end.
  // D' is a second autoencoder of this architecture with its own weights.
  int64_t kernel = 4;  // 4 or 5
  int64_t depth = 3;
  // 32 rather than GANomaly's 64: a quarter of the arithmetic, so the
  // no-argument run of 15 epochs fits in minutes on a CPU.
  int64_t base_channels = 32;
  int64_t latent_dim = 100;  // GANomaly's nz
  double leaky_slope = 0.2;
  // D: the encoder's layout with disc_base_channels, ending in one logit.
  int64_t disc_base_channels = 64;

  // The loss weights of equation (1) and the dual autoencoder's k, the
  // paper's values.
  double w_irec = 1.0;
  double w_adv = 5.0;
  double w_zrec = 1.0;
  double w_center = 0.05;
  double w_dual = 1.0;
  double k = 0.4;

  // Table 1's loss compositions: L_irec is always on; the paper's rows add
  // L_adv, L_zrec, L_c and L_dual in turn. use_adv off (L_irec alone) is the
  // plain-autoencoder baseline.
  bool use_adv = true;
  bool use_zrec = true;
  bool use_center = true;
  bool use_dual = true;
  // "Only for target class samples, the auxiliary encoder can reconstruct the
  // latent representation z": D''s encoder G_e' also learns to map G(x) to
  // G_e(x) (w_z L_zrec with G's outputs fixed), as GANomaly's second encoder
  // does. Off: G_e' is shaped by L_dual alone and L_zrec trains G only.
  bool zrec_trains_auxiliary = true;

  // Adam for each of G, D and D' (the paper gives no optimizer; GANomaly's).
  double lr = 2e-4;
  double beta1 = 0.5;
  double beta2 = 0.999;
  // Small batches: the embedded subset has about 720 training images a
  // class, and 15 epochs at 64 are only 165 steps, too few for the three
  // networks to settle (the validation AUC swung between 0.42 and 0.85 from
  // epoch to epoch); at 16 they are 675.
  int64_t batch_size = 16;

  int64_t padding() const { return (kernel - 1) / 2; }
  // Spatial size of the last strided map, which the latent convolution covers.
  int64_t feature_size() const;
  // Throws naming the setting when a value is out of range.
  void validate() const;
};

// The settings as strings, for a checkpoint's metadata, and back; from_metadata
// throws naming a missing or malformed key.
std::map<std::string, std::string> to_metadata(const Config& config);
Config from_metadata(const std::map<std::string, std::string>& metadata);

// The presets: "paper" (the full loss), the rows of Table 1 "irec_adv",
// "irec_adv_zrec" and "irec_adv_zrec_c", and "autoencoder" (L_irec alone,
// the baseline every component must beat).
Config preset(const std::string& name);
std::vector<std::string> preset_names();

}  // namespace nova::oclr
