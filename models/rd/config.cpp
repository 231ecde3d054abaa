#include "models/rd/config.h"

#include <cstdio>

#include "engine/error.h"
#include "kernels/common/shapes.h"
#include "models/config_metadata.h"

namespace nova::rd {

namespace {

int64_t size_after_convs(int64_t size, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    size = kernels::conv_out_size(size, kKernel, kStride, kPadding, 1);
  }
  return size;
}

bool all_positive(const std::vector<int64_t>& widths) {
  for (int64_t w : widths) {
    if (w < 1) return false;
  }
  return true;
}

}  // namespace

int64_t Config::encoder_output_size() const {
  return size_after_convs(image_size, encoder_widths.size());
}

int64_t Config::detector_output_size() const {
  return size_after_convs(image_size, detector_widths.size());
}

void Config::validate() const {
  NOVA_CHECK(image_channels == 1 || image_channels == 3,
             "R+D: images must have 1 or 3 channels, got ", image_channels);
  NOVA_CHECK(image_size >= 8, "R+D: image size must be at least 8, got ", image_size);
  NOVA_CHECK(!encoder_widths.empty() && encoder_widths.size() <= 6 && all_positive(encoder_widths),
             "R+D: --encoder-widths must be 1 to 6 positive widths");
  NOVA_CHECK(decoder_widths.size() + 1 == encoder_widths.size() && all_positive(decoder_widths),
             "R+D: --decoder-widths must be ", encoder_widths.size() - 1,
             " positive widths (one fewer than --encoder-widths), got ", decoder_widths.size());
  NOVA_CHECK(
      !detector_widths.empty() && detector_widths.size() <= 6 && all_positive(detector_widths),
      "R+D: --detector-widths must be 1 to 6 positive widths");
  NOVA_CHECK(latent_dim >= 0, "R+D: --latent-dim must be >= 0, got ", latent_dim);
  NOVA_CHECK(lambda_kl == 0.0 || gaussian_latent(),
             "R+D: --lambda-kl needs a Gaussian latent (--latent-dim > 0)");
  NOVA_CHECK(decoder_activation == "leaky_relu" || decoder_activation == "relu",
             "R+D: --decoder-activation must be leaky_relu or relu, got '", decoder_activation,
             "'");
  NOVA_CHECK(leaky_slope >= 0.0 && leaky_slope < 1.0, "R+D: --leaky-slope must lie in [0, 1), got ",
             leaky_slope);
  NOVA_CHECK(batchnorm_eps > 0.0, "R+D: --batchnorm-eps must be > 0, got ", batchnorm_eps);
  NOVA_CHECK(noise_std >= 0.0, "R+D: --noise-std must be >= 0, got ", noise_std);
  NOVA_CHECK(lambda_reconstruction >= 0.0, "R+D: --lambda-rec must be >= 0, got ",
             lambda_reconstruction);
  NOVA_CHECK(norms == "sum" || norms == "mean", "R+D: --norms must be sum or mean, got '", norms,
             "'");
  NOVA_CHECK(lambda_kl >= 0.0, "R+D: --lambda-kl must be >= 0, got ", lambda_kl);
  NOVA_CHECK(refiner_updates >= 1, "R+D: --refiner-updates must be >= 1, got ", refiner_updates);
  NOVA_CHECK(optimizer == "adam" || optimizer == "rmsprop",
             "R+D: --optimizer must be adam or rmsprop, got '", optimizer, "'");
  NOVA_CHECK(lr > 0.0, "R+D: --lr must be > 0, got ", lr);
  NOVA_CHECK(beta1 >= 0.0 && beta1 < 1.0 && beta2 >= 0.0 && beta2 < 1.0,
             "R+D: --beta1 and --beta2 must lie in [0, 1), got ", beta1, " and ", beta2);
  NOVA_CHECK(rmsprop_alpha >= 0.0 && rmsprop_alpha < 1.0,
             "R+D: --rmsprop-alpha must lie in [0, 1), got ", rmsprop_alpha);
  NOVA_CHECK(rmsprop_eps > 0.0, "R+D: --rmsprop-eps must be > 0, got ", rmsprop_eps);
  NOVA_CHECK(rmsprop_initial_square_avg >= 0.0,
             "R+D: --rmsprop-initial-square-avg must be >= 0, got ", rmsprop_initial_square_avg);
  NOVA_CHECK(batch_size >= 2,
             "R+D: --batch-size must be at least 2 (batchnorm needs a batch), got ", batch_size);
  NOVA_CHECK(stopping == "rule" || stopping == "epochs",
             "R+D: --stopping must be rule or epochs, got '", stopping, "'");
  NOVA_CHECK(rho > 0.0, "R+D: --rho must be > 0, got ", rho);
  NOVA_CHECK(detector_accuracy > 0.5 && detector_accuracy <= 1.0,
             "R+D: --detector-accuracy must lie in (0.5, 1], got ", detector_accuracy);
}

namespace {

// One list of (key, field) serves both directions, so they cannot drift apart.
template <typename Visit>
void visit_fields(Config& c, Visit&& v) {
  v("rd.preset", c.preset);
  v("rd.image_channels", c.image_channels);
  v("rd.image_size", c.image_size);
  v("rd.encoder_widths", c.encoder_widths);
  v("rd.latent_dim", c.latent_dim);
  v("rd.decoder_widths", c.decoder_widths);
  v("rd.decoder_activation", c.decoder_activation);
  v("rd.detector_widths", c.detector_widths);
  v("rd.detector_first_batchnorm", c.detector_first_batchnorm);
  v("rd.leaky_slope", c.leaky_slope);
  v("rd.batchnorm_eps", c.batchnorm_eps);
  v("rd.noise_std", c.noise_std);
  v("rd.clip_noisy", c.clip_noisy);
  v("rd.norms", c.norms);
  v("rd.lambda_reconstruction", c.lambda_reconstruction);
  v("rd.lambda_kl", c.lambda_kl);
  v("rd.refiner_updates", c.refiner_updates);
  v("rd.optimizer", c.optimizer);
  v("rd.lr", c.lr);
  v("rd.beta1", c.beta1);
  v("rd.beta2", c.beta2);
  v("rd.rmsprop_alpha", c.rmsprop_alpha);
  v("rd.rmsprop_eps", c.rmsprop_eps);
  v("rd.rmsprop_initial_square_avg", c.rmsprop_initial_square_avg);
  v("rd.batch_size", c.batch_size);
  v("rd.stopping", c.stopping);
  v("rd.rho", c.rho);
  v("rd.detector_accuracy", c.detector_accuracy);
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
  visit_fields(c, models::MetadataReader{metadata, "R+D"});
  c.validate();
  return c;
}

Config preset(const std::string& name) {
  Config c;
  c.preset = name;
  // "paper": the journal's lambda1, lambda2, Gaussian latent (|Z| = 256),
  // batchnorm epsilon and stopping rule. It leaves the widths, the noise and
  // the optimizer to a supplementary file we do not have: the widths and
  // noise are the release's, the optimizer is Adam with the DCGAN settings
  // the release's flags describe ("learning rate of adam 0.0002, beta1 0.5").
  if (name == "paper") return c;
  if (name == "alocc") {
    // The CVPR 2018 release (models.py, kh_tools.py, train.py): no Gaussian
    // latent and no KL term, a ReLU decoder of widths 32-16, RMSProp at lr
    // 0.002, R updated twice per D update, noise clipped to the image range,
    // weight 0.2 ("r_alpha") on the reconstruction term, 40 epochs with no
    // stopping rule (the journal calls stopping "an important challenge in
    // the earlier version"). Its reconstruction term is a cross-entropy with
    // R's tanh output taken as logits; we keep the MSE of the paper.
    c.latent_dim = 0;
    c.lambda_kl = 0.0;
    c.decoder_widths = {32, 16};
    c.decoder_activation = "relu";
    c.batchnorm_eps = 1e-5;
    c.clip_noisy = true;
    c.lambda_reconstruction = 0.2;
    c.norms = "mean";
    c.refiner_updates = 2;
    c.optimizer = "rmsprop";
    c.lr = 0.002;
    c.stopping = "epochs";
    return c;
  }
  throw Error("--preset: unknown preset '" + name + "' (expected paper or alocc)");
}

std::vector<std::string> preset_names() { return {"paper", "alocc"}; }

}  // namespace nova::rd
