#include "models/rd/rd.h"

#include "engine/autograd.h"
#include "engine/data/batches.h"
#include "engine/error.h"
#include "engine/ops.h"
#include "engine/optim/rmsprop.h"
#include "models/rd/latent.h"

namespace nova::rd {

namespace {

// Seed offsets of generators of their own, so that validation and pictures
// never move the training stream (a resumed run draws the same numbers) and
// see the same noise every time.
constexpr uint64_t kValidationNoiseStream = 0x76616c6964ull;  // "valid"
constexpr uint64_t kPictureNoiseStream = 0x7069637475ull;     // "pictu"

std::unique_ptr<optim::Optimizer> make_optimizer(const Config& c, std::vector<Tensor> params) {
  if (c.optimizer == "rmsprop") {
    optim::RmsProp::Options o;
    o.lr = c.lr;
    o.alpha = c.rmsprop_alpha;
    o.eps = c.rmsprop_eps;
    o.initial_square_avg = c.rmsprop_initial_square_avg;
    return std::make_unique<optim::RmsProp>(std::move(params), o);
  }
  return std::make_unique<optim::Adam>(std::move(params),
                                       optim::Adam::Options{c.lr, c.beta1, c.beta2, 1e-8, 0.0});
}

Tensor bce_logits_against(const Tensor& logits, double label) {
  return bce_with_logits(logits,
                         Tensor::full(logits.shape(), label, logits.dtype(), logits.device()));
}

// Overwrites dst's parameters and buffers with src's (same architecture).
void copy_module(nn::Module& dst, const nn::Module& src) {
  const nn::NamedTensors from = src.state(), to = dst.state();
  NOVA_CHECK(from.size() == to.size(), "R+D: copying between networks of different shapes");
  for (size_t i = 0; i < to.size(); ++i) {
    NOVA_CHECK(from[i].first == to[i].first, "R+D: copying '", from[i].first, "' into '",
               to[i].first, "'");
    Tensor target = to[i].second;
    target.copy_from(from[i].second);
  }
}

nn::NamedTensors prefixed_state(Networks& nets, const std::string& prefix) {
  nn::NamedTensors out;
  for (auto& [name, m] : nets.all()) {
    for (auto& [tensor_name, t] : m->state())
      out.emplace_back(prefix + name + "." + tensor_name, t);
  }
  return out;
}

// Negated logits (n, 1) -> (n): higher = less like the normal class.
Tensor novelty_from_logits(const Tensor& logits) { return scale(logits, -1.0).reshape({-1}); }

}  // namespace

Model::Model(const Config& config, uint64_t seed, Device device)
    : config_(config),
      device_(device),
      gen_(seed),
      rule_(config.stopping == "rule" ? StoppingRule::Mode::Rule : StoppingRule::Mode::Epochs,
            config.rho, config.detector_accuracy) {
  config_.validate();
  nets_ = build_networks(config_, gen_);
  // The kept copies start as the initial networks; their own initialization
  // is overwritten at once, so it draws from a throwaway generator.
  Generator throwaway(seed);
  selected_ = build_networks(config_, throwaway);
  for (auto& [name, m] : nets_.all()) m->to(device_);
  for (auto& [name, m] : selected_.all()) {
    m->to(device_);
    m->eval();
  }
  copy_module(*selected_.refiner, *nets_.refiner);
  copy_module(*selected_.detector, *nets_.detector);
  opt_refiner_ = make_optimizer(config_, nets_.refiner->parameters());
  opt_detector_ = make_optimizer(config_, nets_.detector->parameters());
  generator_state_ = Tensor::zeros({4}, DType::Float64);
  rule_state_ = Tensor::zeros({3}, DType::Float64);
}

void Model::check_batch(const Tensor& x) const {
  NOVA_CHECK(x.dim() == 4 && x.size(1) == config_.image_channels &&
                 x.size(2) == config_.image_size && x.size(3) == config_.image_size,
             "R+D: batch of shape ", to_string(x.shape()), " for a model of ",
             config_.image_channels, "x", config_.image_size, "x", config_.image_size, " images");
}

void Model::set_training(bool on) {
  for (auto& [name, m] : nets_.all()) m->train(on);
}

Tensor Model::add_noise(const Tensor& x, Generator& gen) const {
  if (config_.noise_std == 0.0) return x;
  const Tensor noisy =
      add(x, normal(x.shape(), gen, 0.0, config_.noise_std, x.dtype(), x.device()));
  return config_.clip_noisy ? clamp(noisy, -1.0, 1.0) : noisy;
}

models::NamedLosses Model::train_step(const Tensor& x, int64_t /*epoch*/) {
  check_batch(x);
  set_training(true);
  Refiner& r = *nets_.refiner;
  nn::Sequential& d = *nets_.detector;
  enter_phase("detector");
  const Tensor noisy = add_noise(x, gen_);

  // D: real X is 1, R(X~) is 0 (equation (3), D's side).
  Tensor fake;
  {
    NoGradGuard no_grad;
    fake = r.forward(noisy, &gen_).reconstruction;
  }
  const Tensor d_loss =
      add(bce_logits_against(d.forward(x), 1.0), bce_logits_against(d.forward(fake), 0.0));
  opt_detector_->zero_grad();
  d_loss.backward();
  opt_detector_->step();

  // R: fool D, reconstruct X from X~, keep Z near N(0, I) (equation (5)). The
  // term log D(X) of equation (3) does not depend on R and is left out.
  models::NamedLosses losses{{"d", d_loss}};
  enter_phase("refiner");
  nn::FreezeScope frozen({nets_.detector.get()});
  for (int64_t update = 0; update < config_.refiner_updates; ++update) {
    const Refiner::Output out = r.forward(noisy, &gen_);
    const Tensor adversarial = bce_logits_against(d.forward(out.reconstruction), 1.0);
    const Tensor reconstruction =
        reconstruction_error(out.reconstruction, x, config_.summed_norms());
    Tensor total = add(adversarial, scale(reconstruction, config_.lambda_reconstruction));
    Tensor kl;
    if (config_.gaussian_latent()) {
      kl = latent_kl(out.mu, out.logvar, config_.summed_norms());
      total = add(total, scale(kl, config_.lambda_kl));
    }
    opt_refiner_->zero_grad();
    total.backward();
    opt_refiner_->step();
    if (update + 1 == config_.refiner_updates) {
      losses.emplace_back("r_adv", adversarial);
      losses.emplace_back("r_rec", reconstruction);
      if (kl.defined()) losses.emplace_back("r_kl", kl);
      losses.emplace_back("r_total", total);
    }
  }
  return losses;
}

double Model::validation_error(const data::ImageSet& val) {
  NoGradGuard no_grad;
  set_training(false);
  Generator noise(gen_.seed() ^ kValidationNoiseStream);
  double total = 0.0;
  data::for_each_batch(val, config_.batch_size, device_, [&](const Tensor& x) {
    const Tensor diff = sub(nets_.refiner->reconstruct(add_noise(x, noise)), x);
    for (double e : mean_per_sample(mul(diff, diff)).to_double_vector()) total += e;
  });
  set_training(true);
  return total / static_cast<double>(val.n);
}

double Model::validation_accuracy(const data::ImageSet& val) {
  NoGradGuard no_grad;
  set_training(false);
  Generator noise(gen_.seed() ^ kValidationNoiseStream);
  int64_t correct = 0;
  data::for_each_batch(val, config_.batch_size, device_, [&](const Tensor& x) {
    const Tensor fake = selected_.refiner->reconstruct(add_noise(x, noise));
    for (float logit : nets_.detector->forward(x).to_vector()) correct += logit > 0.0f;
    for (float logit : nets_.detector->forward(fake).to_vector()) correct += logit <= 0.0f;
  });
  set_training(true);
  return static_cast<double>(correct) / static_cast<double>(2 * val.n);
}

models::EpochSelection Model::end_epoch(int64_t /*epoch*/, const data::ImageSet& val) {
  models::EpochSelection s;
  s.criterion_name = "val_mse";
  if (val.n == 0) {
    // Nothing held out: the last epoch is the model and the epoch count stops.
    copy_module(*selected_.refiner, *nets_.refiner);
    copy_module(*selected_.detector, *nets_.detector);
    s.improved = true;
    return s;
  }
  last_validation_.refiner_error = validation_error(val);
  if (rule_.keeps_refiner(last_validation_.refiner_error)) {
    copy_module(*selected_.refiner, *nets_.refiner);
  }
  last_validation_.detector_accuracy = validation_accuracy(val);
  const StoppingRule::Decision decision =
      rule_.update(last_validation_.refiner_error, last_validation_.detector_accuracy);
  if (decision.keep_detector) copy_module(*selected_.detector, *nets_.detector);
  s.criterion = last_validation_.refiner_error;
  s.improved = decision.keep_refiner || decision.keep_detector;
  s.stop = decision.stop;
  return s;
}

std::vector<Tensor> Model::novelty_scores(const Tensor& x) {
  check_batch(x);
  NoGradGuard no_grad;
  set_training(false);
  const Tensor reconstruction = nets_.refiner->reconstruct(x);
  const Tensor diff = sub(reconstruction, x);
  std::vector<Tensor> scores{novelty_from_logits(nets_.detector->forward(reconstruction)),
                             novelty_from_logits(nets_.detector->forward(x)),
                             mean_per_sample(mul(diff, diff))};
  set_training(true);
  return scores;
}

Tensor Model::reconstruction(const Tensor& x) {
  check_batch(x);
  NoGradGuard no_grad;
  set_training(false);
  const Tensor r = nets_.refiner->reconstruct(x);
  set_training(true);
  return r;
}

std::vector<models::Picture> Model::pictures(const Tensor& normal, const Tensor& novel) {
  NoGradGuard no_grad;
  set_training(false);
  Generator noise(gen_.seed() ^ kPictureNoiseStream);
  std::vector<models::Picture> out;
  const std::pair<const char*, const Tensor*> sets[] = {{"reconstructions_normal.png", &normal},
                                                        {"reconstructions_novel.png", &novel}};
  for (const auto& [file, images] : sets) {
    if (!images->defined() || images->size(0) == 0) continue;
    const Tensor noisy = add_noise(*images, noise);
    out.push_back({file, {*images, noisy, nets_.refiner->reconstruct(noisy)}});
  }
  set_training(true);
  return out;
}

nn::NamedTensors Model::network_state() { return prefixed_state(nets_, ""); }

nn::NamedTensors Model::selected_state() { return prefixed_state(selected_, ""); }

nn::NamedTensors Model::state() {
  nn::NamedTensors out = network_state();
  for (auto& entry : prefixed_state(selected_, "selected.")) out.push_back(entry);
  const std::pair<const char*, optim::Optimizer*> optimizers[] = {
      {"refiner", opt_refiner_.get()}, {"detector", opt_detector_.get()}};
  for (const auto& [name, opt] : optimizers) optim::append_optimizer_state(out, name, *opt);
  write_generator_state(gen_, generator_state_);
  out.emplace_back("rng.seed_offset", generator_state_);
  double* m = rule_state_.data<double>();
  const StoppingRule::Memory& memory = rule_.memory();
  m[0] = memory.best_refiner_error;
  m[1] = memory.best_detector_accuracy;
  m[2] = memory.refiner_converged ? 1.0 : 0.0;
  out.emplace_back("selection.rule", rule_state_);
  return out;
}

void Model::state_loaded() {
  gen_ = read_generator_state(generator_state_);
  const double* m = rule_state_.data<double>();
  rule_.set_memory({m[0], m[1], m[2] != 0.0});
}

}  // namespace nova::rd
