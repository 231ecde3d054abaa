// train_rd: trains Sabokrou et al.'s R+D one-class classifier ("Deep
// End-to-End One-Class Classifier", IEEE TNNLS; ALOCC, CVPR 2018) on the
// known class of a data set and scores the test split with D(R(X)), D(X) and
// R's reconstruction error; or, with --score, scores images with a trained
// checkpoint. With no arguments: the embedded MNIST subset, digit 0,
// protocol 1, on the CPU in a few minutes.
#include <memory>

#include "apps/common/one_class_program.h"
#include "apps/common/openmp_env.h"
#include "engine/error.h"
#include "models/rd/rd.h"

using namespace nova;

namespace {

constexpr const char* kSummary =
    "Trains R+D (Sabokrou et al.) on the known class of a data set (protocol 1 or 2 of the\n"
    "OCGAN paper): R refines noisy images, D tells real images from R's outputs. The paper's\n"
    "stopping rule keeps R at its best validation reconstruction and D at its best validation\n"
    "accuracy. Scores the test split by D(R(X)) (default), D(X) and reconstruction error, and\n"
    "writes checkpoints, pictures, ROC, per-image scores and a results table to --out. With\n"
    "--score CHECKPOINT --input PATH it scores images instead.";

// Model settings: each one given on the command line overrides the preset's
// value; the defaults shown are the paper preset's.
void add_flags(apps::Flags& f) {
  const rd::Config paper = rd::preset("paper");
  f.add_string("preset", "paper",
               "model preset: paper (the journal) or alocc (the CVPR 2018 code)");
  f.add_int("batch-size", paper.batch_size, "images per iteration");
  f.add_double("lr", paper.lr, "learning rate of R and D");
  f.add_double("noise-std", paper.noise_std, "std of the noise added to R's input");
  f.add_double("lambda-rec", paper.lambda_reconstruction, "weight of R's reconstruction term");
  f.add_double("lambda-kl", paper.lambda_kl, "weight of the latent's KL term");
  f.add_string("norms", paper.norms,
               "sum (per image over pixels and latent dimensions, the paper's norms) or mean "
               "(per pixel and dimension, the release's)");
  f.add_int("latent-dim", paper.latent_dim, "size of R's Gaussian latent (0: none)");
  f.add_int("refiner-updates", paper.refiner_updates, "R updates per D update");
  f.add_string("stopping", paper.stopping,
               "rule (the paper's stopping rule) or epochs (train all epochs, keep the lowest "
               "validation reconstruction error)");
  f.add_double("rho", paper.rho, "stopping rule: R is done once its validation MSE is below rho");
  f.add_double("detector-accuracy", paper.detector_accuracy,
               "stopping rule: D is done at this validation accuracy");
}

rd::Config config_from_flags(const apps::Flags& f, const data::ImageSet& pool) {
  rd::Config c = rd::preset(f.str("preset"));
  NOVA_CHECK(pool.h == pool.w, "R+D needs square images, the data set has ", pool.h, "x", pool.w);
  c.image_channels = pool.c;
  c.image_size = pool.h;
  f.apply("batch-size", c.batch_size);
  f.apply("lr", c.lr);
  f.apply("noise-std", c.noise_std);
  f.apply("lambda-rec", c.lambda_reconstruction);
  f.apply("lambda-kl", c.lambda_kl);
  f.apply("norms", c.norms);
  f.apply("latent-dim", c.latent_dim);
  f.apply("refiner-updates", c.refiner_updates);
  f.apply("stopping", c.stopping);
  f.apply("rho", c.rho);
  f.apply("detector-accuracy", c.detector_accuracy);
  c.validate();
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  apps::use_passive_openmp_threads(argv);
  apps::ProgramSpec spec;
  spec.program = "train_rd";
  spec.model_name = "R+D";
  spec.model_key = "rd";
  spec.summary = kSummary;
  spec.default_epochs = 15;
  spec.add_model_flags = add_flags;
  return apps::run_one_class_program<rd::Model>(argc, argv, spec, config_from_flags,
                                                rd::from_metadata);
}
