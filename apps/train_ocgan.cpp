// train_ocgan: trains OCGAN (Perera et al., CVPR 2019) on the known class of a
// data set and scores the test split; or, with --score, scores images with a
// trained checkpoint. With no arguments: the embedded MNIST subset, digit 0,
// protocol 1, on the CPU in a few minutes.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "apps/common/one_class_program.h"
#include "apps/common/openmp_env.h"
#include "engine/error.h"
#include "models/ocgan/ocgan.h"

using namespace nova;

namespace {

constexpr const char* kSummary =
    "Trains OCGAN on the known class of a data set (protocol 1 or 2 of the OCGAN paper), picks\n"
    "the epoch with the lowest validation reconstruction error, and scores the test split by\n"
    "reconstruction MSE. Writes checkpoints, pictures, ROC, per-image scores and a results\n"
    "table to --out. With --score CHECKPOINT --input PATH it scores images instead.";

// `--preset auto` (the default) is, per data set, the row of Table 4, encoder
// depth, latent size, discriminators' learning rate, the latent
// discriminator's batchnorm and epoch count with the best mean validation AUC
// measured there (docs/results/ocgan-mnist-subset.md,
// docs/results/ocgan-fashion-mnist.md).
// Data sets not measured take the embedded subset's choice. Flags given on
// the command line override each part.
struct AutoChoice {
  std::string preset;
  int64_t depth = 0;
  int64_t latent_channels = 0;
  int64_t epochs = 0;
  double disc_lr = 0;  // 0: the preset's (a row without discriminators has no use for it)
  bool latent_disc_batchnorm = true;  // false: none, as in the released code
};

AutoChoice auto_choice(const std::string& dataset) {
  if (dataset == "fashion-mnist")
    return {"discriminators", 4, 4, 9, 5e-5, /*latent_disc_batchnorm=*/false};
  return {"autoencoder", 4, 4, 30};
}

// --epochs when given; without it, auto's choice for the data set, or the
// program's default for a preset given by name.
int64_t epochs_from_flags(const apps::Flags& f) {
  if (!f.given("epochs") && f.str("preset") == "auto") return auto_choice(f.str("dataset")).epochs;
  return f.integer("epochs");
}

// Model settings: each one given on the command line overrides the preset's
// value; the defaults shown are the paper preset's (2 epochs: the Table 4
// rows' best on the embedded subset at the paper's latent size).
void add_flags(apps::Flags& f) {
  f.add_string(
      "preset", "auto",
      "model preset: paper (section 3.2 and Algorithm 1), released (the authors' code), "
      "a row of Table 4: autoencoder, latent (+ latent discriminator), "
      "discriminators (+ visual discriminator, no classifier or mining); or auto, the "
      "row, depth, latent size, discriminators' rate, latent discriminator's batchnorm and "
      "epochs chosen on validation data "
      "for the data set: depth 4 and 4 latent channels (a 4x2x2 latent on 28x28 images); on "
      "fashion-mnist the discriminators row with --lr-disc 0.00005, "
      "--no-latent-disc-batchnorm and 9 epochs, "
      "elsewhere the autoencoder row and 30 epochs");
  f.add_int("batch-size", 64, "images per iteration");
  f.add_double("lr", 2e-4,
               "Adam learning rate of the autoencoder, and of the other networks unless "
               "--lr-disc is given");
  f.add_double("lr-disc", 2e-4,
               "Adam learning rate of the latent and visual discriminators and the classifier "
               "(without it: --lr; --preset auto on fashion-mnist: 0.00005)");
  f.add_double("beta1", 0.5, "Adam's beta1 for every network");
  f.add_int("depth", 3,
            "5x5 stride-2 convolutions of the encoder (the decoder mirrors them); the last one "
            "gives the latent map: 4x4 after 3 on 28x28 images, 2x2 after 4 (--preset auto: 4)");
  f.add_int("base-channels", 64, "autoencoder channels of the first layer (doubling per layer)");
  f.add_int("latent-channels", 256, "channels of the latent map (--preset auto: 4)");
  f.add_int("visual-base-channels", 12,
            "visual discriminator channels of the first layer (doubling per layer)");
  f.add_int("classifier-base-channels", 64,
            "classifier channels of the first layer (doubling per layer)");
  f.add_double("lambda-mse", 10.0, "weight of the reconstruction term in the autoencoder loss");
  f.add_double("latent-weight", 1.0,
               "weight of the latent discriminator's term in the autoencoder loss");
  f.add_double("visual-weight", 1.0,
               "weight of the visual discriminator's term in the autoencoder loss");
  f.add_double("noise-std", 0.4472135955, "std of the denoising input noise (variance 0.2)");
  f.add_int("mining-steps", 5, "informative-negative mining steps per iteration");
  f.add_double("mining-step-size", 0.1, "mining step along the classifier's gradient");
  f.add_int("mining-start-epoch", 0, "first epoch (0-based) with mining");
  f.add_switch("no-latent-disc", "ablation: no latent discriminator");
  f.add_switch("no-visual-disc", "ablation: no visual discriminator");
  f.add_switch("no-classifier", "ablation: no classifier and no mining");
  f.add_switch("no-latent-disc-batchnorm",
               "the latent discriminator without batchnorm (the released code's; --preset auto "
               "on fashion-mnist)");
  f.add_switch("latent-disc-batchnorm",
               "the latent discriminator with batchnorm (the paper's), where the preset has none");
}

ocgan::Config config_from_flags(const apps::Flags& f, const data::ImageSet& pool) {
  std::string name = f.str("preset");
  const std::vector<std::string> names = ocgan::preset_names();
  const bool automatic = name == "auto";
  AutoChoice choice;
  if (automatic) {
    choice = auto_choice(f.str("dataset"));
    name = choice.preset;
  } else if (std::find(names.begin(), names.end(), name) == names.end()) {
    std::string known = "auto";
    for (const std::string& n : names) known += ", " + n;
    throw Error("--preset: unknown preset '" + name + "' (expected " + known + ")");
  }
  ocgan::Config c = ocgan::preset(name);
  if (automatic) {
    c.depth = choice.depth;
    c.latent_channels = choice.latent_channels;
    if (choice.disc_lr > 0) c.disc_lr = choice.disc_lr;
    c.latent_disc_batchnorm = choice.latent_disc_batchnorm;
  }
  if (c.input_from_data) {
    NOVA_CHECK(pool.h == pool.w, "OCGAN needs square images, the data set has ", pool.h, "x",
               pool.w, " (the released preset resizes to 61x61)");
    c.image_channels = pool.c;
    c.image_size = pool.h;
  }
  f.apply("batch-size", c.batch_size);
  if (f.given("lr")) c.lr = c.disc_lr = f.real("lr");
  f.apply("lr-disc", c.disc_lr);
  f.apply("beta1", c.beta1);
  f.apply("depth", c.depth);
  f.apply("base-channels", c.base_channels);
  f.apply("latent-channels", c.latent_channels);
  f.apply("visual-base-channels", c.visual_base_channels);
  f.apply("classifier-base-channels", c.classifier_base_channels);
  f.apply("lambda-mse", c.lambda_mse);
  f.apply("latent-weight", c.latent_weight);
  f.apply("visual-weight", c.visual_weight);
  f.apply("noise-std", c.noise_std);
  f.apply("mining-steps", c.mining_steps);
  f.apply("mining-step-size", c.mining_step_size);
  f.apply("mining-start-epoch", c.mining_start_epoch);
  if (f.on("no-latent-disc")) c.use_latent_disc = false;
  if (f.on("no-visual-disc")) c.use_visual_disc = false;
  if (f.on("no-classifier")) c.use_classifier = false;
  if (f.on("no-latent-disc-batchnorm") && f.on("latent-disc-batchnorm"))
    throw Error(
        "--latent-disc-batchnorm and --no-latent-disc-batchnorm contradict each other: give one");
  if (f.on("no-latent-disc-batchnorm")) c.latent_disc_batchnorm = false;
  if (f.on("latent-disc-batchnorm")) c.latent_disc_batchnorm = true;
  c.validate();
  if (automatic) {  // what auto chose, with the flags given applied
    std::printf("preset auto on %s: %s, depth %lld, latent channels %lld (latent %lldx%lldx%lld)",
                f.str("dataset").c_str(), name.c_str(), static_cast<long long>(c.depth),
                static_cast<long long>(c.latent_channels),
                static_cast<long long>(c.latent_channels), static_cast<long long>(c.latent_size()),
                static_cast<long long>(c.latent_size()));
    if (c.use_latent_disc || c.use_visual_disc || c.use_classifier)
      std::printf(", learning rates %g (autoencoder) and %g (discriminators)", c.lr, c.disc_lr);
    if (c.use_latent_disc && !c.latent_disc_batchnorm)
      std::printf(", latent discriminator without batchnorm");
    std::printf(", epochs %lld\n", static_cast<long long>(epochs_from_flags(f)));
  }
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  apps::use_passive_openmp_threads(argv);
  apps::ProgramSpec spec;
  spec.program = "train_ocgan";
  spec.model_name = "OCGAN";
  spec.model_key = "ocgan";
  spec.summary = kSummary;
  spec.default_epochs = 2;
  spec.epochs_help = "training epochs (--preset auto: the data set's choice, see --preset)";
  spec.epochs_from_flags = epochs_from_flags;
  spec.add_model_flags = add_flags;
  return apps::run_one_class_program<ocgan::Model>(argc, argv, spec, config_from_flags,
                                                   ocgan::from_metadata);
}
