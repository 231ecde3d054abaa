// R+D: the networks' shapes, a training iteration, the KL term, RMSProp, the
// stopping rule, selection, scores and exact resume.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>

#include "engine/autograd.h"
#include "engine/checkpoint.h"
#include "engine/ops.h"
#include "engine/optim/rmsprop.h"
#include "models/rd/latent.h"
#include "models/rd/rd.h"
#include "tests/support/model_testing.h"

using namespace nova;
using namespace nova::testing;

namespace {

// A small but complete R+D so the tests run in seconds on the CPU.
rd::Config small_config() {
  rd::Config c = rd::preset("paper");
  c.encoder_widths = {4, 8, 8};
  c.decoder_widths = {8, 4};
  c.latent_dim = 16;
  c.detector_widths = {4, 4, 8};
  c.batch_size = 8;
  return c;
}

std::vector<std::vector<float>> snapshot(const std::vector<Tensor>& tensors) {
  std::vector<std::vector<float>> out;
  for (const Tensor& t : tensors) out.push_back(t.to_vector());
  return out;
}

}  // namespace

TEST_CASE("rd: the networks take 28x28 grayscale and 32x32 RGB images", "[rd]") {
  struct Case {
    const char* preset;
    int64_t channels, size;
  };
  for (const Case& k :
       {Case{"paper", 1, 28}, Case{"paper", 3, 32}, Case{"alocc", 1, 28}, Case{"alocc", 3, 32}}) {
    rd::Config c = rd::preset(k.preset);
    c.image_channels = k.channels;
    c.image_size = k.size;
    Generator gen(1);
    rd::Networks n = rd::build_networks(c, gen);
    const Tensor x = image_batch(2, 2, k.channels, k.size);
    const rd::Refiner::Output out = n.refiner->forward(x, &gen);
    CHECK(out.reconstruction.shape() == x.shape());
    for (float v : out.reconstruction.to_vector()) REQUIRE(std::fabs(v) <= 1.0f);  // tanh
    CHECK(n.detector->forward(x).shape() == Shape{2, 1});
    if (c.gaussian_latent()) {
      CHECK(out.mu.shape() == Shape{2, 256});
      CHECK(out.logvar.shape() == Shape{2, 256});
    } else {
      CHECK_FALSE(out.mu.defined());
    }
  }
}

TEST_CASE("rd: one training iteration lowers R's reconstruction loss on a fixed batch", "[rd]") {
  rd::Config c = small_config();
  c.noise_std = 0.0;  // the loss is then a deterministic function of the batch
  // The paper's weights: summed over the image, lambda1's term leads the
  // adversarial one from the first step.
  rd::Model model(c, 3, Device::CPU);
  const Tensor x = image_batch(8, 4);
  auto reconstruction_loss = [&] {
    NoGradGuard no_grad;
    return mse_loss(model.networks().refiner->reconstruct(x), x).item();
  };
  const double before = reconstruction_loss();
  const models::NamedLosses losses = model.train_step(x, 0);
  CHECK(reconstruction_loss() < before);
  std::vector<std::string> names;
  for (const auto& [name, t] : losses) names.push_back(name);
  CHECK(names == std::vector<std::string>{"d", "r_adv", "r_rec", "r_kl", "r_total"});
  for (const auto& [name, value] : models::read_losses(losses)) REQUIRE(std::isfinite(value));
}

TEST_CASE("rd: the KL term and its gradient match the closed form", "[rd]") {
  // mu = [[0.5, -1], [0, 2]], logvar = [[0, ln 4], [0, -ln 4]]; exp(logvar) = 1, 4, 1, 1/4.
  // Terms mu^2 + exp(logvar) - 1 - logvar: 0.25, 4 - ln 4, 0, 4.25 + ln 4; sum 7.5.
  // Summed over the D = 2 dimensions and averaged over N = 2 images:
  // KL = 0.5 * 7.5 / 2 = 1.875; averaged over dimensions too: 1.875 / 2.
  const double ln4 = std::log(4.0);
  for (const bool summed : {true, false}) {
    INFO("summed " << summed);
    const double divisor = summed ? 2.0 : 4.0;  // N, or N D
    Tensor mu = Tensor::from_vector(std::vector<double>{0.5, -1.0, 0.0, 2.0}, {2, 2});
    Tensor logvar = Tensor::from_vector(std::vector<double>{0.0, ln4, 0.0, -ln4}, {2, 2});
    mu.requires_grad_(true);
    logvar.requires_grad_(true);
    const Tensor kl = rd::latent_kl(mu, logvar, summed);
    CHECK(kl.item() == Approx(3.75 / divisor).epsilon(1e-12));
    kl.backward();
    // d/dmu = mu / divisor; d/dlogvar = 0.5 (exp(logvar) - 1) / divisor.
    const std::vector<double> grad_mu = mu.grad().to_double_vector();
    const std::vector<double> grad_logvar = logvar.grad().to_double_vector();
    const double expected_mu[] = {0.5, -1.0, 0.0, 2.0};
    const double expected_logvar[] = {0.0, 1.5, 0.0, -0.375};
    for (int i = 0; i < 4; ++i) {
      CHECK(grad_mu[i] == Approx(expected_mu[i] / divisor).margin(1e-12));
      CHECK(grad_logvar[i] == Approx(expected_logvar[i] / divisor).margin(1e-12));
    }
  }
}

TEST_CASE("rd: the reconstruction term, summed per image or averaged per pixel", "[rd]") {
  // Two images of two pixels, r - x = (1, -2) and (0, 3): squared sums 5 and
  // 9, mean over the batch 7; over the 4 pixels 14 / 4 = 3.5.
  // d/dr = 2 (r - x) / N summed, 2 (r - x) / (N P) per pixel.
  for (const bool summed : {true, false}) {
    INFO("summed " << summed);
    Tensor r = Tensor::from_vector(std::vector<double>{1.0, 0.0, 2.0, 4.0}, {2, 1, 1, 2});
    const Tensor x = Tensor::from_vector(std::vector<double>{0.0, 2.0, 2.0, 1.0}, {2, 1, 1, 2});
    r.requires_grad_(true);
    const Tensor e = rd::reconstruction_error(r, x, summed);
    CHECK(e.item() == Approx(summed ? 7.0 : 3.5).epsilon(1e-12));
    e.backward();
    const double divisor = summed ? 2.0 : 4.0;
    const std::vector<double> grad = r.grad().to_double_vector();
    const double expected[] = {2.0, -4.0, 0.0, 6.0};
    for (int i = 0; i < 4; ++i) CHECK(grad[i] == Approx(expected[i] / divisor).margin(1e-12));
  }
}

TEST_CASE("rd: the latent's standard deviation is exp(logvar / 2) with its gradient", "[rd]") {
  // logvar 0 -> std 1, d std / d logvar = 1/2; logvar 2 ln 2 -> std 2, gradient 1;
  // logvar -2 ln 2 -> std 1/2, gradient 1/4.
  const double ln2 = std::log(2.0);
  Tensor logvar = Tensor::from_vector(std::vector<double>{0.0, 2 * ln2, -2 * ln2}, {3});
  logvar.requires_grad_(true);
  const Tensor std_dev = rd::gaussian_std(logvar);
  const std::vector<double> values = std_dev.to_double_vector();
  CHECK(values[0] == Approx(1.0).epsilon(1e-12));
  CHECK(values[1] == Approx(2.0).epsilon(1e-12));
  CHECK(values[2] == Approx(0.5).epsilon(1e-12));
  sum(std_dev).backward();
  const std::vector<double> grad = logvar.grad().to_double_vector();
  CHECK(grad[0] == Approx(0.5).epsilon(1e-12));
  CHECK(grad[1] == Approx(1.0).epsilon(1e-12));
  CHECK(grad[2] == Approx(0.25).epsilon(1e-12));
}

TEST_CASE("rd: RMSProp's steps match a hand computation", "[rd][optim]") {
  // p = [1, -2], constant gradient g = [0.5, 0.1], lr 0.01, alpha 0.9, eps 1e-8.
  // From square_avg 0 (PyTorch): v1 = 0.1 g^2 = [0.025, 0.001],
  //   p1 = p - 0.01 g / (sqrt(v1) + eps) = [1 - 0.0316228, -2 - 0.0316228];
  //   v2 = 0.9 v1 + 0.1 g^2 = [0.0475, 0.0019], p2 = p1 - 0.01 g / sqrt(v2).
  // From square_avg 1 (TensorFlow 1): v1 = 0.9 + 0.1 g^2 = [0.925, 0.901], ...
  struct Case {
    double initial;
    double p1[2], p2[2];
  };
  const Case cases[] = {
      {0.0, {0.968377225398, -2.031622766602}, {0.945435653064, -2.054564334726}},
      {1.0, {0.994801247605, -2.001053507423}, {0.989401755192, -2.002163317655}}};
  for (const Case& k : cases) {
    Tensor p = Tensor::from_vector(std::vector<double>{1.0, -2.0}, {2});
    p.requires_grad_(true);
    const Tensor g = Tensor::from_vector(std::vector<double>{0.5, 0.1}, {2});
    optim::RmsProp::Options o;
    o.lr = 0.01;
    o.alpha = 0.9;
    o.eps = 1e-8;
    o.initial_square_avg = k.initial;
    optim::RmsProp opt({p}, o);
    for (int step = 0; step < 2; ++step) {
      opt.zero_grad();
      sum(mul(p, g)).backward();  // d/dp = g
      opt.step();
      const double* expected = step == 0 ? k.p1 : k.p2;
      const std::vector<double> now = p.to_double_vector();
      CHECK(now[0] == Approx(expected[0]).epsilon(1e-11));
      CHECK(now[1] == Approx(expected[1]).epsilon(1e-11));
    }
    const auto state = opt.state();
    REQUIRE(state.size() == 1);
    CHECK(state[0].first == "0.square_avg");
    const std::vector<double> v = state[0].second.to_double_vector();
    CHECK(v[0] == Approx(0.9 * (0.9 * k.initial + 0.025) + 0.025).epsilon(1e-12));
  }
  Tensor q = Tensor::zeros({1});
  q.requires_grad_(true);
  REQUIRE_THROWS_WITH(optim::RmsProp({q}, optim::RmsProp::Options{0.01, 1.0, 1e-8, 0.0, 0.0}),
                      Catch::Contains("alpha"));
}

TEST_CASE("rd: the stopping rule on a scripted sequence of validation figures", "[rd]") {
  using Rule = rd::StoppingRule;
  struct Epoch {
    double refiner_error, detector_accuracy;
    bool keep_refiner, keep_detector, stop;
  };
  // rho 0.05, D separates at 0.9.
  const Epoch script[] = {
      {0.20, 0.60, true, true, false},    // R's best so far: the pair is kept
      {0.25, 0.70, false, false, false},  // worse R: nothing kept, D's accuracy ignored
      {0.04, 0.55, true, true, false},    // R below rho: converged; D's tracking starts
      {0.045, 0.80, false, true, false},  // D better since convergence: kept alone
      {0.03, 0.70, true, false, false},   // R's best again; D worse than 0.80
      {0.06, 0.93, false, true, true},    // D separates: stop
  };
  Rule rule(Rule::Mode::Rule, 0.05, 0.9);
  for (size_t i = 0; i < std::size(script); ++i) {
    INFO("epoch " << i);
    const Epoch& e = script[i];
    CHECK(rule.keeps_refiner(e.refiner_error) == e.keep_refiner);
    const Rule::Decision d = rule.update(e.refiner_error, e.detector_accuracy);
    CHECK(d.keep_refiner == e.keep_refiner);
    CHECK(d.keep_detector == e.keep_detector);
    CHECK(d.stop == e.stop);
  }
  CHECK(rule.memory().refiner_converged);
  CHECK(rule.memory().best_refiner_error == 0.03);
  CHECK(rule.memory().best_detector_accuracy == 0.93);

  // A perfect D before R converges does not stop training.
  Rule early(Rule::Mode::Rule, 0.05, 0.9);
  CHECK_FALSE(early.update(0.2, 1.0).stop);

  // "epochs": both networks at R's lowest error, never a stop.
  Rule epochs(Rule::Mode::Epochs, 0.05, 0.9);
  const Rule::Decision first = epochs.update(0.01, 1.0);
  CHECK(first.keep_refiner);
  CHECK(first.keep_detector);
  CHECK_FALSE(first.stop);
  const Rule::Decision second = epochs.update(0.02, 1.0);
  CHECK_FALSE(second.keep_refiner);
  CHECK_FALSE(second.keep_detector);
  CHECK_FALSE(second.stop);
}

TEST_CASE("rd: end_epoch keeps the best networks and reports the rule's verdict", "[rd]") {
  rd::Config c = small_config();
  c.rho = 10.0;                // any R converges at once
  c.detector_accuracy = 0.51;  // nearly any D separates
  rd::Model model(c, 13, Device::CPU);
  const Tensor x = image_batch(8, 14);
  const data::ImageSet val = image_set(x);
  for (int i = 0; i < 3; ++i) model.train_step(image_batch(8, 40 + i), 0);
  const models::EpochSelection first = model.end_epoch(0, val);
  CHECK(first.criterion_name == "val_mse");
  CHECK(first.improved);
  CHECK(first.criterion == Approx(model.last_validation().refiner_error));
  CHECK(first.criterion > 0.0);
  // The kept networks are the current ones, under the same names.
  const nn::NamedTensors selected = model.selected_state(), current = model.network_state();
  REQUIRE(selected.size() == current.size());
  for (size_t i = 0; i < selected.size(); ++i) CHECK(selected[i].first == current[i].first);
  CHECK(snapshot(selected) == snapshot(current));
  const double accuracy = model.last_validation().detector_accuracy;
  CHECK(first.stop == (accuracy >= 0.51));
  // Training moves the networks on; the kept ones stay until an improvement.
  model.train_step(image_batch(8, 50), 1);
  CHECK(snapshot(model.selected_state()) == snapshot(selected));
  CHECK(snapshot(model.network_state()) != snapshot(selected));
}

TEST_CASE("rd: novelty scores are D's negated logits and R's reconstruction error", "[rd]") {
  rd::Model model(small_config(), 11, Device::CPU);
  model.train_step(image_batch(8, 15), 0);
  const Tensor x = image_batch(5, 12);
  const std::vector<Tensor> scores = model.novelty_scores(x);
  REQUIRE(scores.size() == model.score_names().size());
  CHECK(model.score_names()[0] == "d_r");
  for (const Tensor& s : scores) REQUIRE(s.shape() == Shape{5});
  auto& nets = model.networks();
  nets.refiner->eval();
  nets.detector->eval();
  NoGradGuard no_grad;
  const Tensor r = nets.refiner->reconstruct(x);
  const auto d_r = nets.detector->forward(r).to_vector();
  const auto d = nets.detector->forward(x).to_vector();
  const auto rv = r.to_vector(), xv = x.to_vector();
  double first_mse = 0.0;
  for (int i = 0; i < 784; ++i) first_mse += (rv[i] - xv[i]) * (rv[i] - xv[i]);
  for (int i = 0; i < 5; ++i) {
    CHECK(scores[0].to_vector()[i] == Approx(-d_r[i]));
    CHECK(scores[1].to_vector()[i] == Approx(-d[i]));
  }
  CHECK(scores[2].to_vector()[0] == Approx(first_mse / 784).epsilon(1e-5));
  // Scoring is deterministic: evaluation mode, the latent's mean, no noise.
  CHECK(snapshot(model.novelty_scores(x)) == snapshot(scores));
}

TEST_CASE("rd: pictures show X, X~ and R(X~) for normal and novel images", "[rd]") {
  rd::Model model(small_config(), 17, Device::CPU);
  const Tensor normal = image_batch(4, 18), novel = image_batch(3, 19);
  const std::vector<models::Picture> pictures = model.pictures(normal, novel);
  REQUIRE(pictures.size() == 2);
  CHECK(pictures[0].file == "reconstructions_normal.png");
  CHECK(pictures[1].file == "reconstructions_novel.png");
  REQUIRE(pictures[0].groups.size() == 3);
  CHECK(pictures[0].groups[0].to_vector() == normal.to_vector());
  CHECK(pictures[0].groups[1].to_vector() != normal.to_vector());  // noisy
  CHECK(pictures[1].groups[2].shape() == novel.shape());
  CHECK(model.pictures(normal, Tensor()).size() == 1);
}

TEST_CASE("rd: the same seed gives the same training run", "[rd]") {
  const rd::Config c = small_config();
  rd::Model a(c, 9, Device::CPU), b(c, 9, Device::CPU);
  for (int i = 0; i < 2; ++i) {
    a.train_step(image_batch(8, 20 + i), 0);
    b.train_step(image_batch(8, 20 + i), 0);
  }
  CHECK(snapshot(a.state()) == snapshot(b.state()));
  rd::Model other(c, 10, Device::CPU);
  other.train_step(image_batch(8, 20), 0);
  CHECK(snapshot(other.network_state()) != snapshot(a.network_state()));
}

TEST_CASE("rd: a checkpoint resumes exactly where training stopped", "[rd][checkpoint]") {
  for (const char* name : {"paper", "alocc"}) {
    INFO("preset " << name);
    rd::Config c = small_config();
    if (std::string(name) == "alocc") {
      // The release's optimizer, schedule and deterministic latent, small.
      const rd::Config alocc = rd::preset("alocc");
      c.latent_dim = 0;
      c.lambda_kl = 0.0;
      c.optimizer = alocc.optimizer;
      c.refiner_updates = alocc.refiner_updates;
      c.clip_noisy = alocc.clip_noisy;
    }
    c.rho = 10.0;  // the rule's memory changes during the run
    const std::string path = temp_checkpoint_path("nova_rd_resume");
    const data::ImageSet val = image_set(image_batch(8, 60));
    rd::Model uninterrupted(c, 21, Device::CPU), first_half(c, 21, Device::CPU);
    for (rd::Model* m : {&uninterrupted, &first_half}) {
      for (int i = 0; i < 2; ++i) m->train_step(image_batch(8, 30 + i), 0);
      m->end_epoch(0, val);
    }
    save_checkpoint(path, first_half.state(), rd::to_metadata(c));

    const rd::Config restored = rd::from_metadata(read_checkpoint_metadata(path));
    rd::Model resumed(restored, 999, Device::CPU);  // another seed: everything comes from the file
    load_checkpoint(path, resumed.state());
    resumed.state_loaded();
    for (rd::Model* m : {&uninterrupted, &resumed}) {
      for (int i = 2; i < 4; ++i) m->train_step(image_batch(8, 30 + i), 1);
      m->end_epoch(1, val);
    }
    CHECK(snapshot(resumed.state()) == snapshot(uninterrupted.state()));
    CHECK(snapshot(resumed.selected_state()) == snapshot(uninterrupted.selected_state()));
    std::filesystem::remove(path);
  }
}

TEST_CASE("rd: settings survive a checkpoint's metadata, and bad ones are named", "[rd]") {
  rd::Config c = small_config();
  c.rho = 0.0123456789;
  c.clip_noisy = true;
  c.stopping = "epochs";
  const rd::Config back = rd::from_metadata(rd::to_metadata(c));
  CHECK(back.rho == c.rho);
  CHECK(back.clip_noisy);
  CHECK(back.stopping == "epochs");
  CHECK(back.encoder_widths == c.encoder_widths);
  CHECK(back.detector_widths == c.detector_widths);
  CHECK(rd::to_metadata(back) == rd::to_metadata(c));

  auto meta = rd::to_metadata(c);
  meta.erase("rd.latent_dim");
  REQUIRE_THROWS_WITH(rd::from_metadata(meta), Catch::Contains("rd.latent_dim"));
  meta = rd::to_metadata(c);
  meta["rd.lr"] = "fast";
  REQUIRE_THROWS_WITH(rd::from_metadata(meta), Catch::Contains("rd.lr"));
  meta = rd::to_metadata(c);
  meta["rd.encoder_widths"] = "4,x";
  REQUIRE_THROWS_WITH(rd::from_metadata(meta), Catch::Contains("rd.encoder_widths"));

  REQUIRE_THROWS_WITH(rd::preset("best"), Catch::Contains("unknown preset 'best'"));
  REQUIRE_THROWS_WITH(rd::preset("best"), Catch::Contains("paper or alocc"));
  CHECK(rd::preset_names() == std::vector<std::string>{"paper", "alocc"});
  for (const std::string& name : rd::preset_names()) {
    const rd::Config p = rd::preset(name);
    CHECK_NOTHROW(p.validate());
    CHECK(rd::to_metadata(rd::from_metadata(rd::to_metadata(p))) == rd::to_metadata(p));
  }

  struct Bad {
    void (*edit)(rd::Config&);
    const char* setting;
  };
  const Bad bad[] = {
      {[](rd::Config& k) { k.batch_size = 1; }, "--batch-size"},
      {[](rd::Config& k) { k.rho = 0.0; }, "--rho"},
      {[](rd::Config& k) { k.stopping = "never"; }, "--stopping"},
      {[](rd::Config& k) { k.optimizer = "sgd"; }, "--optimizer"},
      {[](rd::Config& k) { k.decoder_widths = {8}; }, "--decoder-widths"},
      {[](rd::Config& k) { k.noise_std = -0.1; }, "--noise-std"},
      {[](rd::Config& k) { k.detector_accuracy = 0.4; }, "--detector-accuracy"},
      {[](rd::Config& k) { k.refiner_updates = 0; }, "--refiner-updates"},
      {[](rd::Config& k) { k.latent_dim = 0; }, "--lambda-kl"},
      {[](rd::Config& k) { k.image_channels = 2; }, "channels"},
  };
  for (const Bad& b : bad) {
    rd::Config k = small_config();
    b.edit(k);
    REQUIRE_THROWS_WITH(k.validate(), Catch::Contains(b.setting));
  }
}

TEST_CASE("rd: the alocc preset has the release's settings", "[rd]") {
  const rd::Config c = rd::preset("alocc");
  CHECK(c.detector_widths == std::vector<int64_t>{16, 32, 64, 128});
  CHECK(c.encoder_widths == std::vector<int64_t>{32, 64, 128});
  CHECK(c.noise_std == 0.155);
  CHECK(c.optimizer == "rmsprop");
  CHECK(c.lr == 0.002);
  CHECK(c.refiner_updates == 2);
  CHECK_FALSE(c.gaussian_latent());
  const rd::Config paper = rd::preset("paper");
  CHECK(paper.lambda_reconstruction == 0.4);
  CHECK(paper.lambda_kl == 0.2);
  CHECK(paper.latent_dim == 256);
  CHECK(paper.stopping == "rule");
}
