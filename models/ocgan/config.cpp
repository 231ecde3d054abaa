#include "models/ocgan/config.h"

#include <cstdio>
#include <utility>

#include "engine/error.h"
#include "kernels/common/shapes.h"
#include "models/config_metadata.h"

namespace nova::ocgan {

int64_t Config::latent_size() const {
  int64_t s = image_size;
  for (int64_t i = 0; i < depth; ++i) s = kernels::conv_out_size(s, kKernel, kStride, padding, 1);
  return s;
}

void Config::validate() const {
  NOVA_CHECK(image_channels == 1 || image_channels == 3,
             "OCGAN: images must have 1 or 3 channels, got ", image_channels);
  NOVA_CHECK(depth >= 1 && depth <= 6, "OCGAN: --depth must be 1..6, got ", depth);
  NOVA_CHECK(padding >= 0 && padding <= 2, "OCGAN: padding must be 0..2, got ", padding);
  NOVA_CHECK(image_size >= 8 && latent_size() >= 1, "OCGAN: image size ", image_size,
             " is too small for ", depth, " stride-2 layers");
  NOVA_CHECK(latent_activation == "tanh" || latent_activation == "leaky_relu",
             "OCGAN: latent activation must be tanh or leaky_relu, got '", latent_activation, "'");
  NOVA_CHECK(decoder_activation == "leaky_relu" || decoder_activation == "relu",
             "OCGAN: decoder activation must be leaky_relu or relu, got '", decoder_activation,
             "'");
  NOVA_CHECK(decoder_dropout >= 0.0 && decoder_dropout < 1.0,
             "OCGAN: decoder dropout must lie in [0, 1), got ", decoder_dropout);
  NOVA_CHECK(noise_mode == "per_step" || noise_mode == "once",
             "OCGAN: noise mode must be per_step or once, got '", noise_mode, "'");
  const std::pair<const char*, int64_t> channel_counts[] = {
      {"--base-channels", base_channels},
      {"--latent-channels", latent_channels},
      {"--visual-base-channels", visual_base_channels},
      {"--classifier-base-channels", classifier_base_channels}};
  for (const auto& [flag, count] : channel_counts)
    NOVA_CHECK(count >= 1, "OCGAN: ", flag, " must be >= 1, got ", count);
  NOVA_CHECK(noise_std >= 0.0, "OCGAN: --noise-std must be >= 0, got ", noise_std);
  const std::pair<const char*, double> loss_weights[] = {{"--lambda-mse", lambda_mse},
                                                         {"--visual-weight", visual_weight},
                                                         {"--latent-weight", latent_weight}};
  for (const auto& [flag, weight] : loss_weights)
    NOVA_CHECK(weight >= 0.0, "OCGAN: ", flag, " must be >= 0, got ", weight);
  NOVA_CHECK(mining_steps >= 0, "OCGAN: --mining-steps must be >= 0, got ", mining_steps);
  NOVA_CHECK(mining_step_size > 0.0, "OCGAN: --mining-step-size must be > 0, got ",
             mining_step_size);
  NOVA_CHECK(lr > 0.0, "OCGAN: --lr must be > 0, got ", lr);
  NOVA_CHECK(disc_lr > 0.0, "OCGAN: --lr-disc must be > 0, got ", disc_lr);
  NOVA_CHECK(beta1 >= 0.0 && beta1 < 1.0, "OCGAN: --beta1 must lie in [0, 1), got ", beta1);
  NOVA_CHECK(beta2 >= 0.0 && beta2 < 1.0, "OCGAN: Adam's beta2 must lie in [0, 1), got ", beta2);
  NOVA_CHECK(batch_size >= 2,
             "OCGAN: --batch-size must be at least 2 (batchnorm needs a batch), got ", batch_size);
}

namespace {

// One table of (key, field) drives both directions so they cannot drift apart.
template <typename Visit>
void visit_fields(Config& c, Visit&& v) {
  v("ocgan.preset", c.preset);
  v("ocgan.image_channels", c.image_channels);
  v("ocgan.image_size", c.image_size);
  v("ocgan.input_from_data", c.input_from_data);
  v("ocgan.depth", c.depth);
  v("ocgan.padding", c.padding);
  v("ocgan.base_channels", c.base_channels);
  v("ocgan.latent_channels", c.latent_channels);
  v("ocgan.leaky_slope", c.leaky_slope);
  v("ocgan.latent_activation", c.latent_activation);
  v("ocgan.decoder_activation", c.decoder_activation);
  v("ocgan.decoder_dropout", c.decoder_dropout);
  v("ocgan.visual_base_channels", c.visual_base_channels);
  v("ocgan.classifier_base_channels", c.classifier_base_channels);
  v("ocgan.latent_disc_widths", c.latent_disc_widths);
  v("ocgan.latent_disc_batchnorm", c.latent_disc_batchnorm);
  v("ocgan.latent_disc_double_sigmoid", c.latent_disc_double_sigmoid);
  v("ocgan.noise_std", c.noise_std);
  v("ocgan.noise_mode", c.noise_mode);
  v("ocgan.decoder_stats_from_reconstructions", c.decoder_stats_from_reconstructions);
  v("ocgan.classifier_first", c.classifier_first);
  v("ocgan.lambda_mse", c.lambda_mse);
  v("ocgan.visual_weight", c.visual_weight);
  v("ocgan.latent_weight", c.latent_weight);
  v("ocgan.mining_steps", c.mining_steps);
  v("ocgan.mining_step_size", c.mining_step_size);
  v("ocgan.mining_start_epoch", c.mining_start_epoch);
  v("ocgan.use_latent_disc", c.use_latent_disc);
  v("ocgan.use_visual_disc", c.use_visual_disc);
  v("ocgan.use_classifier", c.use_classifier);
  v("ocgan.lr", c.lr);
  v("ocgan.disc_lr", c.disc_lr);
  v("ocgan.beta1", c.beta1);
  v("ocgan.beta2", c.beta2);
  v("ocgan.batch_size", c.batch_size);
}

}  // namespace

std::map<std::string, std::string> to_metadata(const Config& config) {
  std::map<std::string, std::string> out;
  Config copy = config;
  visit_fields(copy, models::MetadataWriter{out});
  return out;
}

Config from_metadata(const std::map<std::string, std::string>& metadata) {
  Config c;
  visit_fields(c, models::MetadataReader{metadata, "OCGAN"});
  c.validate();
  return c;
}

Config preset(const std::string& name) {
  Config c;
  c.preset = name;
  if (name == "paper") return c;
  // The rows of the paper's Table 4, each adding a part to the one before.
  if (name == "autoencoder") {
    c.use_latent_disc = c.use_visual_disc = c.use_classifier = false;
    return c;
  }
  if (name == "latent") {
    c.use_visual_disc = c.use_classifier = false;
    return c;
  }
  if (name == "discriminators") {
    c.use_classifier = false;
    return c;
  }
  if (name == "released") {
    // docs/ocgan.md lists the differences from the paper one by one.
    c.input_from_data = false;
    c.image_channels = 3;
    c.image_size = 61;
    c.depth = 4;
    c.padding = 0;  // 61-29-13-5-1
    c.latent_channels = 16;
    c.latent_activation = "leaky_relu";
    c.decoder_activation = "relu";
    c.decoder_dropout = 0.5;
    c.latent_disc_batchnorm = false;
    c.latent_disc_double_sigmoid = true;
    c.noise_std = 0.2;
    c.noise_mode = "once";
    c.latent_weight = 10.0;
    c.lambda_mse = 10.0;
    c.mining_steps = 1;
    c.mining_step_size = 2.0;
    c.mining_start_epoch = 150;
    c.classifier_first = false;
    c.decoder_stats_from_reconstructions = false;
    c.batch_size = 512;
    return c;
  }
  throw Error("--preset: unknown preset '" + name +
              "' (expected paper, released, autoencoder, latent or discriminators)");
}

std::vector<std::string> preset_names() {
  return {"paper", "released", "autoencoder", "latent", "discriminators"};
}

}  // namespace nova::ocgan
