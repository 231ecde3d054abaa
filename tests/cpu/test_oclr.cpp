// OCLR: the networks' shapes, the latent center, each loss term against a
// hand-computed case, training iterations, selection, scores and exact resume.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>

#include "engine/autograd.h"
#include "engine/checkpoint.h"
#include "engine/ops.h"
#include "models/oclr/oclr.h"
#include "tests/support/model_testing.h"

using namespace nova;
using namespace nova::testing;

namespace {

// A small but complete OCLR so the tests run in seconds on the CPU.
oclr::Config small_config(const std::string& preset = "paper") {
  oclr::Config c = oclr::preset(preset);
  c.base_channels = 4;
  c.disc_base_channels = 4;
  c.latent_dim = 8;
  c.batch_size = 8;
  return c;
}

// A model with its center computed from `train_images` images, as the driver
// leaves it before the first epoch.
std::unique_ptr<oclr::Model> prepared_model(const oclr::Config& c, uint64_t seed,
                                            int64_t train_images = 12) {
  auto model = std::make_unique<oclr::Model>(c, seed, Device::CPU);
  model->prepare(image_set(image_batch(train_images, seed + 100)));
  return model;
}

Tensor leaf(const std::vector<float>& values, const Shape& shape) {
  Tensor t = Tensor::from_vector(values, shape);
  t.requires_grad_(true);
  return t;
}

void check_values(const Tensor& t, const std::vector<double>& expected) {
  const std::vector<double> got = t.to_double_vector();
  REQUIRE(got.size() == expected.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(expected[i]).margin(1e-6));
}

double loss_value(const models::NamedLosses& losses, const std::string& name) {
  for (const auto& [n, t] : losses) {
    if (n == name) return t.item();
  }
  FAIL("no loss named " << name);
  return 0.0;
}

std::vector<std::string> loss_names(const models::NamedLosses& losses) {
  std::vector<std::string> out;
  for (const auto& [name, t] : losses) out.push_back(name);
  return out;
}

}  // namespace

TEST_CASE("oclr: the networks take 28x28 grayscale and 32x32 RGB images", "[oclr]") {
  struct Case {
    int64_t channels, size, kernel;
  };
  for (const Case& k : {Case{1, 28, 4}, Case{1, 28, 5}, Case{3, 32, 4}, Case{3, 32, 5}}) {
    CAPTURE(k.channels, k.size, k.kernel);
    oclr::Config c = small_config();
    c.image_channels = k.channels;
    c.image_size = k.size;
    c.kernel = k.kernel;
    Generator gen(1);
    oclr::Networks n = oclr::build_networks(c, gen);
    const Tensor x = image_batch(2, 2, k.channels, k.size);
    const Tensor z = n.generator->encode(x);
    CHECK(z.shape() == Shape{2, c.latent_dim, 1, 1});
    const Tensor reconstruction = n.generator->decode(z);
    CHECK(reconstruction.shape() == x.shape());
    for (float v : reconstruction.to_vector()) REQUIRE(std::fabs(v) <= 1.0f);  // tanh
    CHECK(n.auxiliary->forward(x).shape() == x.shape());
    CHECK(n.discriminator->forward(x).shape() == Shape{2, 1});
  }
  // D' has G's architecture and its own weights.
  Generator gen(3);
  oclr::Networks n = oclr::build_networks(small_config(), gen);
  const nn::NamedTensors g = n.generator->state(), aux = n.auxiliary->state();
  REQUIRE(g.size() == aux.size());
  for (size_t i = 0; i < g.size(); ++i) CHECK(g[i].second.shape() == aux[i].second.shape());
  CHECK(g[0].second.to_vector() != aux[0].second.to_vector());
}

TEST_CASE("oclr: the center is the mean encoding of the training set", "[oclr]") {
  oclr::Config c = small_config();
  c.batch_size = 4;  // 10 images: batches of 4, 4 and 2
  oclr::Model model(c, 5, Device::CPU);
  // One training step first, so the batchnorm running statistics are not the
  // initial ones and evaluation mode differs visibly from training mode.
  model.prepare(image_set(image_batch(4, 7)));
  model.train_step(image_batch(4, 8), 0);
  const Tensor train = image_batch(10, 6);
  model.prepare(image_set(train));

  std::vector<double> expected(static_cast<size_t>(c.latent_dim), 0.0);
  {
    NoGradGuard no_grad;
    auto& g = *model.networks().generator;
    g.eval();
    const std::vector<double> z = g.encode(train).to_double_vector();
    g.train();
    for (size_t i = 0; i < z.size(); ++i) expected[i % expected.size()] += z[i] / 10.0;
  }
  CHECK(model.center().shape() == Shape{c.latent_dim, 1, 1});
  check_values(model.center(), expected);
}

TEST_CASE("oclr: the image reconstruction loss and its gradient, by hand", "[oclr]") {
  // Two images of two pixels; |a - b| = (0.5, 0.5) and (0.75, 0.5): L1 norms
  // 1 and 1.25, mean over the batch 1.125; d/da = sign(a - b) / 2.
  const Tensor a = leaf({0.0f, 0.0f, 1.0f, 0.5f}, {2, 1, 1, 2});
  const Tensor b = leaf({0.5f, -0.5f, 0.25f, 1.0f}, {2, 1, 1, 2});
  const Tensor loss = oclr::image_reconstruction_loss(a, b);
  CHECK(loss.item() == Approx(1.125));
  loss.backward();
  check_values(a.grad(), {-0.5, 0.5, 0.5, -0.5});
  check_values(b.grad(), {0.5, -0.5, -0.5, 0.5});
}

TEST_CASE("oclr: the latent reconstruction loss and its gradient, by hand", "[oclr]") {
  // One latent vector: (1 - 0)^2 + (2 - 4)^2 = 5; d/da = 2 (a - b).
  const Tensor a = leaf({1.0f, 2.0f}, {1, 2, 1, 1});
  const Tensor b = leaf({0.0f, 4.0f}, {1, 2, 1, 1});
  const Tensor loss = oclr::latent_reconstruction_loss(a, b);
  CHECK(loss.item() == Approx(5.0));
  loss.backward();
  check_values(a.grad(), {2.0, -4.0});
  check_values(b.grad(), {-2.0, 4.0});
}

TEST_CASE("oclr: the center loss and its gradient, by hand", "[oclr]") {
  // z - c = (0.5, 1) and (2.5, -2): squared norms 1.25 and 10.25, mean 5.75;
  // d/dz = 2 (z - c) / n with n = 2.
  const Tensor z = leaf({1.0f, 2.0f, 3.0f, -1.0f}, {2, 2, 1, 1});
  const Tensor center = Tensor::from_vector(std::vector<float>{0.5f, 1.0f}, {2, 1, 1});
  const Tensor loss = oclr::center_loss(z, center);
  CHECK(loss.item() == Approx(5.75));
  loss.backward();
  check_values(z.grad(), {0.5, 1.0, 2.5, -2.0});
  {
    NoGradGuard no_grad;
    check_values(oclr::per_image_center_distance(z, center), {1.25, 10.25});
  }
  REQUIRE_THROWS_WITH(oclr::center_loss(z, Tensor::zeros({3, 1, 1})),
                      Catch::Contains("do not match the center"));
}

TEST_CASE("oclr: the dual autoencoder loss and its gradient, by hand", "[oclr]") {
  // One image of two pixels: L_girec = 0.25 + 0.5 = 0.75,
  // L_direc = 0.5 + 0.25 = 0.75, L_dual = 0.75 - 0.4 * 0.75 = 0.45.
  const Tensor x = Tensor::from_vector(std::vector<float>{0.5f, -0.5f}, {1, 1, 1, 2});
  const Tensor x_rec = leaf({0.25f, 0.0f}, {1, 1, 1, 2});
  const Tensor fake = leaf({1.0f, 0.0f}, {1, 1, 1, 2});
  const Tensor fake_rec = leaf({0.5f, 0.25f}, {1, 1, 1, 2});
  const Tensor loss = oclr::dual_loss(x, x_rec, fake, fake_rec, 0.4);
  CHECK(loss.item() == Approx(0.45));
  loss.backward();
  // d/dx_rec = sign(x_rec - x); d/dfake_rec = -k sign(fake_rec - fake).
  check_values(x_rec.grad(), {-1.0, 1.0});
  check_values(fake_rec.grad(), {0.4, -0.4});
  check_values(fake.grad(), {-0.4, 0.4});
}

TEST_CASE("oclr: the adversarial losses and their gradients, by hand", "[oclr]") {
  // G: -log sigmoid(l) for l = 0 and ln 3 is ln 2 and ln(4/3), mean ln(8/3) / 2;
  // d/dl = (sigmoid(l) - 1) / 2 = -0.25 and -0.125.
  const Tensor fake_logits = leaf({0.0f, static_cast<float>(std::log(3.0))}, {2, 1});
  const Tensor g_loss = oclr::generator_adversarial_loss(fake_logits);
  CHECK(g_loss.item() == Approx(std::log(8.0 / 3.0) / 2.0));
  g_loss.backward();
  check_values(fake_logits.grad(), {-0.25, -0.125});

  // D: real logit ln 3 (loss ln(4/3)), fake logit ln 3 (loss -log(1 - 3/4) = ln 4);
  // d/dreal = 0.75 - 1, d/dfake = 0.75 - 0.
  const Tensor real = leaf({static_cast<float>(std::log(3.0))}, {1, 1});
  const Tensor fake = leaf({static_cast<float>(std::log(3.0))}, {1, 1});
  const Tensor d_loss = oclr::discriminator_loss(real, fake);
  CHECK(d_loss.item() == Approx(std::log(4.0 / 3.0) + std::log(4.0)));
  d_loss.backward();
  check_values(real.grad(), {-0.25});
  check_values(fake.grad(), {0.75});
}

TEST_CASE("oclr: a training iteration on a fixed batch lowers L_irec", "[oclr]") {
  auto model = prepared_model(small_config(), 3);
  const Tensor x = image_batch(8, 4);
  auto irec = [&] {
    NoGradGuard no_grad;
    return oclr::image_reconstruction_loss(model->networks().generator->forward(x), x).item();
  };
  const double before = irec();
  const models::NamedLosses first = model->train_step(x, 0);
  // The step reports G's loss as it was before G's update (training mode, the
  // same batch statistics).
  CHECK(loss_value(first, "irec") == Approx(before).epsilon(1e-5));
  CHECK(loss_names(first) == std::vector<std::string>{"g_total", "irec", "adv", "zrec", "g_dual",
                                                      "center", "d", "dual", "dprime"});
  CHECK(irec() < before);
}

TEST_CASE("oclr: each loss composition trains only the networks it uses", "[oclr]") {
  const Tensor x = image_batch(8, 31);
  auto changed = [](nn::Module& m, const std::vector<std::vector<float>>& before) {
    return snapshot(m.named_parameters()) != before;
  };
  struct Case {
    std::string preset;
    bool trains_d, trains_aux;
    std::vector<std::string> losses;
  };
  const Case cases[] = {
      {"autoencoder", false, false, {"g_total", "irec"}},
      {"irec_adv", true, false, {"g_total", "irec", "adv", "d"}},
      {"irec_adv_zrec", true, true, {"g_total", "irec", "adv", "zrec", "d", "dprime"}},
      {"irec_adv_zrec_c", true, true, {"g_total", "irec", "adv", "zrec", "center", "d", "dprime"}},
  };
  for (const Case& k : cases) {
    CAPTURE(k.preset);
    auto model = prepared_model(small_config(k.preset), 32);
    oclr::Networks& n = model->networks();
    const auto g = snapshot(n.generator->named_parameters());
    const auto d = snapshot(n.discriminator->named_parameters());
    const auto aux = snapshot(n.auxiliary->named_parameters());
    CHECK(loss_names(model->train_step(x, 0)) == k.losses);
    CHECK(changed(*n.generator, g));
    CHECK(changed(*n.discriminator, d) == k.trains_d);
    CHECK(changed(*n.auxiliary, aux) == k.trains_aux);
  }
  // L_zrec on, but G_e' not trained by it: D' stays as it was.
  oclr::Config c = small_config("irec_adv_zrec");
  c.zrec_trains_auxiliary = false;
  oclr::Model model(c, 33, Device::CPU);
  const auto aux = snapshot(model.networks().auxiliary->named_parameters());
  model.train_step(x, 0);
  CHECK_FALSE(changed(*model.networks().auxiliary, aux));
}

TEST_CASE("oclr: training with the center loss needs the center first", "[oclr]") {
  oclr::Model model(small_config(), 41, Device::CPU);
  REQUIRE_THROWS_WITH(model.train_step(image_batch(8, 42), 0), Catch::Contains("prepare()"));
  REQUIRE_THROWS_WITH(model.train_step(image_batch(8, 42, 3, 28), 0),
                      Catch::Contains("batch of shape [8, 3, 28, 28]"));
}

TEST_CASE("oclr: the same seed gives the same training run", "[oclr]") {
  auto a = prepared_model(small_config(), 9), b = prepared_model(small_config(), 9);
  for (int i = 0; i < 2; ++i) {
    a->train_step(image_batch(8, 20 + i), 0);
    b->train_step(image_batch(8, 20 + i), 0);
  }
  CHECK(snapshot(a->state()) == snapshot(b->state()));
  auto other = prepared_model(small_config(), 10);
  CHECK(snapshot(other->network_state()) != snapshot(a->network_state()));
}

TEST_CASE("oclr: a checkpoint resumes exactly where training stopped", "[oclr][checkpoint]") {
  const oclr::Config c = small_config();
  const std::string path = temp_checkpoint_path("nova_oclr_resume");
  auto uninterrupted = prepared_model(c, 21), first_half = prepared_model(c, 21);
  const data::ImageSet val = image_set(image_batch(8, 29));
  for (int i = 0; i < 2; ++i) {
    uninterrupted->train_step(image_batch(8, 30 + i), 0);
    first_half->train_step(image_batch(8, 30 + i), 0);
  }
  uninterrupted->end_epoch(0, val);
  first_half->end_epoch(0, val);
  save_checkpoint(path, first_half->state(), first_half->metadata());

  const oclr::Config restored = oclr::from_metadata(read_checkpoint_metadata(path));
  // Another seed and no prepare(): everything, the center included, comes from the file.
  oclr::Model resumed(restored, 999, Device::CPU);
  load_checkpoint(path, resumed.state());
  resumed.state_loaded();
  for (int i = 2; i < 4; ++i) {
    uninterrupted->train_step(image_batch(8, 30 + i), 1);
    resumed.train_step(image_batch(8, 30 + i), 1);
  }
  CHECK(resumed.end_epoch(1, val).improved == uninterrupted->end_epoch(1, val).improved);
  CHECK(snapshot(resumed.state()) == snapshot(uninterrupted->state()));
  std::filesystem::remove(path);
}

TEST_CASE("oclr: settings survive a checkpoint's metadata, and bad ones are named", "[oclr]") {
  oclr::Config c = small_config("irec_adv_zrec_c");
  c.k = 0.123456789;
  c.kernel = 5;
  const oclr::Config back = oclr::from_metadata(oclr::to_metadata(c));
  CHECK(back.k == c.k);
  CHECK(back.kernel == 5);
  CHECK(back.preset == "irec_adv_zrec_c");
  CHECK_FALSE(back.use_dual);
  CHECK(back.use_center);
  CHECK(back.latent_dim == c.latent_dim);
  auto meta = oclr::to_metadata(c);
  meta.erase("oclr.latent_dim");
  REQUIRE_THROWS_WITH(oclr::from_metadata(meta), Catch::Contains("oclr.latent_dim"));
  meta = oclr::to_metadata(c);
  meta["oclr.w_adv"] = "five";
  REQUIRE_THROWS_WITH(oclr::from_metadata(meta), Catch::Contains("oclr.w_adv"));
  REQUIRE_THROWS_WITH(oclr::preset("best"), Catch::Contains("unknown preset 'best'"));
  for (const std::string& name : oclr::preset_names()) CHECK_NOTHROW(oclr::preset(name).validate());

  oclr::Config bad = small_config();
  bad.kernel = 3;
  REQUIRE_THROWS_WITH(bad.validate(), Catch::Contains("--kernel"));
  bad = small_config();
  bad.w_center = -1.0;
  REQUIRE_THROWS_WITH(bad.validate(), Catch::Contains("--w-center"));
  bad = small_config();
  bad.batch_size = 1;
  REQUIRE_THROWS_WITH(bad.validate(), Catch::Contains("--batch-size"));
  bad = small_config();
  bad.image_size = 8;
  bad.depth = 5;
  REQUIRE_THROWS_WITH(bad.validate(), Catch::Contains("too small"));
}

TEST_CASE("oclr: novelty scores are per-image reconstruction and latent errors", "[oclr]") {
  auto model = prepared_model(small_config(), 11);
  model->train_step(image_batch(8, 12), 0);
  const Tensor x = image_batch(5, 13);
  CHECK(model->score_names() == std::vector<std::string>{"dual_rec", "rec", "center", "zrec"});
  const std::vector<Tensor> scores = model->novelty_scores(x);
  REQUIRE(scores.size() == 4);
  for (const Tensor& s : scores) REQUIRE(s.shape() == Shape{5});

  // The paper's score by hand: mean |x - D'(G(x))| of the first image.
  oclr::Networks& n = model->networks();
  std::vector<float> dual_rec;
  {
    NoGradGuard no_grad;
    for (auto& [name, m] : n.all()) m->eval();
    dual_rec = n.auxiliary->forward(n.generator->forward(x)).to_vector();
    for (auto& [name, m] : n.all()) m->train();
  }
  const std::vector<float> xv = x.to_vector();
  double first = 0.0;
  for (int i = 0; i < 784; ++i) first += std::fabs(dual_rec[i] - xv[i]);
  CHECK(scores[0].to_vector()[0] == Approx(first / 784).epsilon(1e-5));
  for (const Tensor& s : scores) {
    for (float v : s.to_vector()) CHECK(v >= 0.0f);
  }
  // Without L_dual D' never learns to reconstruct: G's own error is the default.
  oclr::Model ablated(small_config("irec_adv_zrec_c"), 11, Device::CPU);
  CHECK(ablated.score_names().front() == "rec");
}

TEST_CASE("oclr: model selection keeps the lowest validation score", "[oclr]") {
  auto model = prepared_model(small_config(), 13);
  const Tensor x = image_batch(8, 14);
  const data::ImageSet val = image_set(x);
  const models::EpochSelection first = model->end_epoch(0, val);
  CHECK(first.criterion_name == "val_dual_rec");
  CHECK(first.improved);
  CHECK_FALSE(first.stop);
  double mean = 0.0;
  for (double e : model->novelty_scores(x).front().to_double_vector()) mean += e / 8.0;
  CHECK(first.criterion == Approx(mean).epsilon(1e-6));
  // Same networks, same score: not an improvement.
  CHECK_FALSE(model->end_epoch(1, val).improved);
  // The best so far is part of the state, so a resume compares against it.
  bool found = false;
  for (const auto& [name, t] : model->state()) {
    if (name == "selection.best_val_score") {
      found = true;
      CHECK(t.item() == Approx(mean).epsilon(1e-6));
    }
  }
  CHECK(found);
}

TEST_CASE("oclr: pictures show x, G(x) and D'(G(x)) for normal and novel images", "[oclr]") {
  auto model = prepared_model(small_config(), 15);
  const Tensor normal = image_batch(3, 16), novel = image_batch(2, 17);
  const std::vector<models::Picture> pictures = model->pictures(normal, novel);
  REQUIRE(pictures.size() == 2);
  CHECK(pictures[0].file == "reconstructions_normal.png");
  CHECK(pictures[1].file == "reconstructions_novel.png");
  REQUIRE(pictures[1].groups.size() == 3);
  CHECK(pictures[1].groups[0].to_vector() == novel.to_vector());
  for (const Tensor& g : pictures[1].groups) CHECK(g.shape() == novel.shape());
  CHECK(model->pictures(normal, Tensor()).size() == 1);
}
