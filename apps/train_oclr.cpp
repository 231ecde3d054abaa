// train_oclr: trains the OCLR dual autoencoder (Chen et al., "Anomaly
// detection by one class latent regularized networks") on the known class of
// a data set and scores the test split by the error between x and D'(G(x));
// or, with --score, scores images with a trained checkpoint. With no
// arguments: the embedded MNIST subset, digit 0, protocol 1, on the CPU in a
// few minutes.
#include "apps/common/one_class_program.h"
#include "apps/common/openmp_env.h"
#include "engine/error.h"
#include "models/oclr/oclr.h"

using namespace nova;

namespace {

constexpr const char* kSummary =
    "Trains OCLR (Chen et al.) on the known class of a data set (protocol 1 or 2 of the OCGAN\n"
    "paper): an autoencoder G against a discriminator D and an auxiliary autoencoder D', with\n"
    "its latent pulled towards the training set's mean encoding. Picks the epoch with the\n"
    "lowest validation score, scores the test split by |x - D'(G(x))| (and the other scores\n"
    "beside it), and writes checkpoints, pictures, ROC, per-image scores and a results table\n"
    "to --out. With --score CHECKPOINT --input PATH it scores images instead.";

// Model settings: each one given on the command line overrides the preset's
// value; the defaults shown are the paper preset's.
void add_flags(apps::Flags& f) {
  const oclr::Config paper = oclr::preset("paper");
  f.add_string("preset", "paper",
               "model preset: paper (the full loss), the Table 1 rows irec_adv, irec_adv_zrec, "
               "irec_adv_zrec_c, or autoencoder (L_irec alone)");
  f.add_int("batch-size", paper.batch_size, "images per iteration");
  f.add_double("lr", paper.lr, "Adam learning rate of G, D and D'");
  f.add_int("base-channels", paper.base_channels, "channels of the autoencoders' first layer");
  f.add_int("latent-dim", paper.latent_dim, "size of the latent vector");
  f.add_double("w-irec", paper.w_irec, "weight of the image reconstruction term");
  f.add_double("w-adv", paper.w_adv, "weight of the adversarial term");
  f.add_double("w-zrec", paper.w_zrec, "weight of the latent reconstruction term");
  f.add_double("w-center", paper.w_center, "weight of the center loss");
  f.add_double("w-dual", paper.w_dual, "weight of the dual autoencoder term");
  f.add_double("k", paper.k, "the dual term's weight on reconstructing G(x)");
}

oclr::Config config_from_flags(const apps::Flags& f, const data::ImageSet& pool) {
  oclr::Config c = oclr::preset(f.str("preset"));
  NOVA_CHECK(pool.h == pool.w, "OCLR needs square images, the data set has ", pool.h, "x", pool.w);
  c.image_channels = pool.c;
  c.image_size = pool.h;
  f.apply("batch-size", c.batch_size);
  f.apply("lr", c.lr);
  f.apply("base-channels", c.base_channels);
  f.apply("latent-dim", c.latent_dim);
  f.apply("w-irec", c.w_irec);
  f.apply("w-adv", c.w_adv);
  f.apply("w-zrec", c.w_zrec);
  f.apply("w-center", c.w_center);
  f.apply("w-dual", c.w_dual);
  f.apply("k", c.k);
  c.validate();
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  apps::use_passive_openmp_threads(argv);
  apps::ProgramSpec spec;
  spec.program = "train_oclr";
  spec.model_name = "OCLR";
  spec.model_key = "oclr";
  spec.summary = kSummary;
  spec.default_epochs = 15;
  spec.add_model_flags = add_flags;
  return apps::run_one_class_program<oclr::Model>(argc, argv, spec, config_from_flags,
                                                   oclr::from_metadata);
}
