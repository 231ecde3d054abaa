// OCGAN: the networks' shapes, one training iteration, mining, and state.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>

#include "engine/autograd.h"
#include "engine/checkpoint.h"
#include "engine/ops.h"
#include "models/ocgan/ocgan.h"
#include "tests/support/model_testing.h"
#include "tests/support/ocgan_testing.h"

using namespace nova;
using namespace nova::testing;

TEST_CASE("ocgan: the networks have the paper's shapes", "[ocgan]") {
  ocgan::Config c = ocgan::preset("paper");
  Generator gen(1);
  ocgan::Networks n = ocgan::build_networks(c, gen);
  const Tensor x = image_batch(2, 2);
  const Tensor z = n.encoder->forward(x);
  CHECK(z.shape() == Shape{2, 256, 4, 4});                     // 28 -> 14 -> 7 -> 4
  for (float v : z.to_vector()) REQUIRE(std::fabs(v) < 1.0f);  // tanh-bounded
  CHECK(n.decoder->forward(z).shape() == Shape{2, 1, 28, 28});
  CHECK(n.latent_disc->forward(z).shape() == Shape{2, 1});
  CHECK(n.visual_disc->forward(x).shape() == Shape{2, 1});
  CHECK(n.classifier->forward(x).shape() == Shape{2, 1});
}

TEST_CASE("ocgan: one training iteration lowers the autoencoder loss on a fixed batch", "[ocgan]") {
  ocgan::Config c = small_ocgan_config();
  c.noise_std = 0.0;  // the loss is then a deterministic function of the batch
  ocgan::Model model(c, 3, Device::CPU);
  const Tensor x = image_batch(8, 4);
  auto reconstruction_loss = [&] {
    NoGradGuard no_grad;
    auto& n = model.networks();
    return mse_loss(n.decoder->forward(n.encoder->forward(x)), x).item();
  };
  const double before = reconstruction_loss();
  const ocgan::StepLosses losses = model.step(x, 0);
  const double after = reconstruction_loss();
  CHECK(after < before);
  CHECK(losses.reconstruction.item() == Approx(before).epsilon(1e-5));
  CHECK(losses.classifier.defined());
  CHECK(losses.latent_disc.defined());
  CHECK(losses.visual_disc.defined());
}

TEST_CASE(
    "ocgan: mining moves the latent batch and raises the classifier's loss, "
    "changing no parameter",
    "[ocgan]") {
  ocgan::Config c = small_ocgan_config();
  c.mining_steps = 5;
  c.mining_step_size = 0.5;
  ocgan::Model model(c, 5, Device::CPU);
  for (int i = 0; i < 3; ++i) model.train_step(image_batch(8, 10 + i), 0);
  std::vector<std::vector<float>> params_before;
  for (auto& [name, t] : model.network_state()) {
    if (name.find("running") == std::string::npos) params_before.push_back(t.to_vector());
  }
  const Tensor z0 = model.random_latent(8);
  const ocgan::MiningResult mined = model.mine(z0, true);
  CHECK(mined.after.to_vector() != z0.to_vector());
  CHECK(mined.loss_after > mined.loss_before);
  for (float v : mined.after.to_vector()) REQUIRE(std::fabs(v) <= 1.0f);
  std::vector<std::vector<float>> params_after;
  for (auto& [name, t] : model.network_state()) {
    if (name.find("running") == std::string::npos) params_after.push_back(t.to_vector());
  }
  CHECK(params_after == params_before);
}

TEST_CASE("ocgan: the same seed gives the same training run", "[ocgan]") {
  ocgan::Config c = small_ocgan_config();
  ocgan::Model a(c, 9, Device::CPU), b(c, 9, Device::CPU);
  for (int i = 0; i < 2; ++i) {
    a.train_step(image_batch(8, 20 + i), 0);
    b.train_step(image_batch(8, 20 + i), 0);
  }
  CHECK(snapshot(a.state()) == snapshot(b.state()));
}

TEST_CASE("ocgan: novelty scores are per-image reconstruction errors", "[ocgan]") {
  ocgan::Model model(small_ocgan_config(), 11, Device::CPU);
  const Tensor x = image_batch(5, 12);
  const Tensor scores = model.reconstruction_error(x);
  REQUIRE(scores.shape() == Shape{5});
  const auto r = model.reconstruction(x).to_vector();
  const auto xv = x.to_vector();
  double first = 0.0;
  for (int i = 0; i < 784; ++i) first += (r[i] - xv[i]) * (r[i] - xv[i]);
  CHECK(scores.to_vector()[0] == Approx(first / 784).epsilon(1e-5));
}

TEST_CASE("ocgan: a checkpoint resumes exactly where training stopped", "[ocgan][checkpoint]") {
  const ocgan::Config c = small_ocgan_config();
  const std::string path = temp_checkpoint_path("nova_ocgan_resume");
  ocgan::Model uninterrupted(c, 21, Device::CPU), first_half(c, 21, Device::CPU);
  for (int i = 0; i < 2; ++i) {
    uninterrupted.train_step(image_batch(8, 30 + i), 0);
    first_half.train_step(image_batch(8, 30 + i), 0);
  }
  save_checkpoint(path, first_half.state(), ocgan::to_metadata(c));

  const ocgan::Config restored_config = ocgan::from_metadata(read_checkpoint_metadata(path));
  ocgan::Model resumed(restored_config, 999,
                       Device::CPU);  // another seed: everything comes from the file
  load_checkpoint(path, resumed.state());
  resumed.state_loaded();
  for (int i = 2; i < 4; ++i) {
    uninterrupted.train_step(image_batch(8, 30 + i), 1);
    resumed.train_step(image_batch(8, 30 + i), 1);
  }
  CHECK(snapshot(resumed.state()) == snapshot(uninterrupted.state()));
  std::filesystem::remove(path);
}

TEST_CASE("ocgan: settings survive a checkpoint's metadata, and bad ones are named", "[ocgan]") {
  ocgan::Config c = small_ocgan_config();
  c.mining_step_size = 0.123456789;
  c.use_visual_disc = false;
  const ocgan::Config back = ocgan::from_metadata(ocgan::to_metadata(c));
  CHECK(back.mining_step_size == c.mining_step_size);
  CHECK_FALSE(back.use_visual_disc);
  CHECK(back.latent_disc_widths == c.latent_disc_widths);
  auto meta = ocgan::to_metadata(c);
  meta.erase("ocgan.depth");
  REQUIRE_THROWS_WITH(ocgan::from_metadata(meta), Catch::Contains("ocgan.depth"));
  meta = ocgan::to_metadata(c);
  meta["ocgan.lr"] = "fast";
  REQUIRE_THROWS_WITH(ocgan::from_metadata(meta), Catch::Contains("ocgan.lr"));
  REQUIRE_THROWS_WITH(ocgan::preset("best"), Catch::Contains("unknown preset 'best'"));
  c.batch_size = 1;
  REQUIRE_THROWS_WITH(c.validate(), Catch::Contains("--batch-size"));
}

TEST_CASE("ocgan: the released preset has the released code's networks", "[ocgan]") {
  ocgan::Config c = ocgan::preset("released");
  const ocgan::Config back = ocgan::from_metadata(ocgan::to_metadata(c));
  CHECK(back.noise_mode == "once");
  CHECK_FALSE(back.classifier_first);
  CHECK_FALSE(back.input_from_data);
  CHECK_FALSE(back.decoder_stats_from_reconstructions);
  CHECK(ocgan::preset("paper").decoder_stats_from_reconstructions);
  Generator gen(1);
  ocgan::Networks n = ocgan::build_networks(c, gen);
  Generator data_gen(2);
  const Tensor x = uniform({2, 3, 61, 61}, data_gen, -1.0, 1.0);
  const Tensor z = n.encoder->forward(x);
  CHECK(z.shape() == Shape{2, 16, 1, 1});  // 61 -> 29 -> 13 -> 5 -> 1, no padding
  CHECK(n.decoder->forward(z).shape() == Shape{2, 3, 61, 61});
  CHECK(n.latent_disc->forward(z).shape() == Shape{2, 1});
  CHECK(n.classifier->forward(x).shape() == Shape{2, 1});
  // No batchnorm in the latent discriminator: no running statistics.
  for (const auto& [name, t] : n.latent_disc->state()) {
    CHECK(name.find("running") == std::string::npos);
  }
}

TEST_CASE("ocgan: the released preset adds its noise once, before training", "[ocgan]") {
  ocgan::Config c = ocgan::preset("released");
  c.base_channels = 4;
  c.batch_size = 4;
  ocgan::Model model(c, 5, Device::CPU);
  data::ImageSet images = data::make_empty(3, 61, 61);
  images.n = 4;
  images.labels.assign(4, 0);
  images.pixels.assign(static_cast<size_t>(4 * 3 * 61 * 61), 0.0f);
  model.prepare_training_images(images);
  double sum = 0.0, sum_sq = 0.0;
  for (float v : images.pixels) {
    sum += v;
    sum_sq += static_cast<double>(v) * v;
  }
  const double n = static_cast<double>(images.pixels.size());
  CHECK(std::fabs(sum / n) < 0.01);
  CHECK(std::sqrt(sum_sq / n) == Approx(0.2).epsilon(0.03));
  // The paper's per-step noise leaves the images alone.
  ocgan::Model paper(small_ocgan_config(), 5, Device::CPU);
  data::ImageSet untouched = data::make_empty(1, 28, 28);
  untouched.n = 1;
  untouched.labels = {0};
  untouched.pixels.assign(784, 0.5f);
  paper.prepare_training_images(untouched);
  for (float v : untouched.pixels) REQUIRE(v == 0.5f);
}

TEST_CASE("ocgan: model selection keeps the lowest validation error", "[ocgan]") {
  ocgan::Model model(small_ocgan_config(), 13, Device::CPU);
  data::ImageSet val = data::make_empty(1, 28, 28);
  val.n = 8;
  val.labels.assign(8, 0);
  const Tensor x = image_batch(8, 14);
  val.pixels = x.to_vector();
  const models::EpochSelection first = model.end_epoch(0, val);
  CHECK(first.criterion_name == "val_mse");
  CHECK(first.improved);
  CHECK_FALSE(first.stop);
  double mean = 0.0;
  for (double e : model.reconstruction_error(x).to_double_vector()) mean += e / 8.0;
  CHECK(first.criterion == Approx(mean).epsilon(1e-6));
  // Same networks, same error: not an improvement.
  CHECK_FALSE(model.end_epoch(1, val).improved);
}

TEST_CASE("ocgan: the Table 4 presets add one part at a time", "[ocgan]") {
  const ocgan::Config ae = ocgan::preset("autoencoder"), latent = ocgan::preset("latent"),
                      discs = ocgan::preset("discriminators"), paper = ocgan::preset("paper");
  CHECK_FALSE((ae.use_latent_disc || ae.use_visual_disc || ae.use_classifier));
  CHECK((latent.use_latent_disc && !latent.use_visual_disc && !latent.use_classifier));
  CHECK((discs.use_latent_disc && discs.use_visual_disc && !discs.use_classifier));
  CHECK((paper.use_latent_disc && paper.use_visual_disc && paper.use_classifier));
  for (const std::string& name : ocgan::preset_names()) CHECK(ocgan::preset(name).preset == name);
}

TEST_CASE("ocgan: drawing pictures changes nothing in the model", "[ocgan]") {
  ocgan::Model model(small_ocgan_config(), 17, Device::CPU);
  model.train_step(image_batch(8, 18), 0);
  const auto before = snapshot(model.network_state());
  const auto pictures = model.pictures(image_batch(4, 19), image_batch(4, 20));
  CHECK(pictures.size() == 4);  // reconstructions of both kinds, samples, mining
  CHECK(snapshot(model.network_state()) == before);
}

TEST_CASE("ocgan: decodings of random latent samples do not move the decoder's statistics",
          "[ocgan]") {
  // The same initial networks, noise and batch in every variant below, so the
  // decoder's running statistics after one step agree exactly unless the
  // decodings of random or mined samples move them.
  auto config = [](const std::string& row, bool from_reconstructions) {
    ocgan::Config c = small_ocgan_config();
    const ocgan::Config chosen = ocgan::preset(row);
    c.use_latent_disc = chosen.use_latent_disc;
    c.use_visual_disc = chosen.use_visual_disc;
    c.use_classifier = chosen.use_classifier;
    c.decoder_stats_from_reconstructions = from_reconstructions;
    return c;
  };
  auto decoder_stats_after_step = [](const ocgan::Config& c) {
    ocgan::Model model(c, 21, Device::CPU);
    model.train_step(image_batch(8, 22), 0);
    return snapshot(model.networks().decoder->named_buffers());
  };
  // The discriminators row decodes random samples besides the reconstruction;
  // the autoencoder row decodes only the reconstruction.
  const auto autoencoder = decoder_stats_after_step(config("autoencoder", true));
  CHECK(decoder_stats_after_step(config("discriminators", true)) == autoencoder);
  // The released code's behaviour, kept behind the switch, differs.
  CHECK(decoder_stats_after_step(config("discriminators", false)) != autoencoder);
  // Mining's decodings leave them alone too: the full model's statistics do
  // not depend on how many mining steps it takes.
  ocgan::Config no_mining = config("paper", true), mining = no_mining;
  no_mining.mining_steps = 0;
  mining.mining_steps = 5;
  CHECK(decoder_stats_after_step(mining) == decoder_stats_after_step(no_mining));
}

TEST_CASE("ocgan: the discriminators and the classifier learn at a rate of their own", "[ocgan]") {
  ocgan::Config c = small_ocgan_config();
  c.lr = 1e-3;
  c.disc_lr = 1e-5;
  ocgan::Model model(c, 23, Device::CPU);
  auto& nets = model.networks();
  auto parameters_of = [](nn::Module& m) {
    std::vector<std::vector<float>> out;
    for (const Tensor& p : m.parameters()) out.push_back(p.to_vector());
    return out;
  };
  // Adam's first step moves each parameter by lr * g / (|g| + eps), at most
  // lr and almost exactly lr wherever the gradient is not tiny; storing the
  // result in float32 adds up to one ulp of the parameter's value.
  auto largest_move = [&](nn::Module& m, const std::vector<std::vector<float>>& before) {
    const auto after = parameters_of(m);
    double largest = 0.0, largest_beyond_rounding = 0.0;
    for (size_t i = 0; i < after.size(); ++i)
      for (size_t j = 0; j < after[i].size(); ++j) {
        const float a = after[i][j], b = before[i][j];
        const float bigger = std::max(std::fabs(a), std::fabs(b));
        const double ulp = std::nextafter(bigger, INFINITY) - bigger;
        const double move = std::fabs(static_cast<double>(a) - b);
        largest = std::max(largest, move);
        largest_beyond_rounding = std::max(largest_beyond_rounding, move - ulp);
      }
    return std::make_pair(largest, largest_beyond_rounding);
  };
  const std::pair<const char*, nn::Module*> named[] = {{"encoder", nets.encoder.get()},
                                                       {"latent_disc", nets.latent_disc.get()},
                                                       {"visual_disc", nets.visual_disc.get()},
                                                       {"classifier", nets.classifier.get()}};
  std::vector<std::vector<std::vector<float>>> before;
  for (const auto& [name, m] : named) before.push_back(parameters_of(*m));
  model.train_step(image_batch(8, 24), 0);
  for (size_t k = 0; k < before.size(); ++k) {
    INFO(named[k].first);
    const double rate = k == 0 ? c.lr : c.disc_lr;
    const auto [moved, moved_beyond_rounding] = largest_move(*named[k].second, before[k]);
    CHECK(moved_beyond_rounding <= rate);
    CHECK(moved >= rate * 0.9);
  }
}
