#include "models/ocgan/ocgan.h"

#include <limits>

#include "engine/autograd.h"
#include "engine/data/batches.h"
#include "engine/error.h"
#include "engine/ops.h"

namespace nova::ocgan {

namespace {

std::vector<Tensor> concat_params(nn::Module& a, nn::Module& b) {
  std::vector<Tensor> p = a.parameters();
  for (Tensor& t : b.parameters()) p.push_back(t);
  return p;
}

// Seed offset of the generator of the released preset's load-time noise.
constexpr uint64_t kLoadNoiseStream = 0x6e6f697365ull;  // "noise"

Tensor bce_logits_against(const Tensor& logits, double label) {
  return bce_with_logits(logits,
                         Tensor::full(logits.shape(), label, logits.dtype(), logits.device()));
}

}  // namespace

models::NamedLosses StepLosses::named() const {
  models::NamedLosses out;
  const std::pair<const char*, const Tensor*> named[] = {
      {"classifier", &classifier}, {"latent_disc", &latent_disc}, {"visual_disc", &visual_disc},
      {"generator", &generator},   {"mse", &reconstruction},      {"gen_latent", &gen_latent},
      {"gen_visual", &gen_visual}};
  for (const auto& [name, t] : named) {
    if (t->defined()) out.emplace_back(name, *t);
  }
  return out;
}

Model::Model(const Config& config, uint64_t seed, Device device)
    : config_(config), device_(device), gen_(seed) {
  nets_ = build_networks(config_, gen_);
  for (auto& [name, m] : nets_.all()) m->to(device_);
  const optim::Adam::Options adam{config_.lr, config_.beta1, config_.beta2, 1e-8, 0.0};
  optim::Adam::Options adversary = adam;
  adversary.lr = config_.disc_lr;
  opt_autoencoder_ =
      std::make_unique<optim::Adam>(concat_params(*nets_.encoder, *nets_.decoder), adam);
  opt_latent_disc_ = std::make_unique<optim::Adam>(nets_.latent_disc->parameters(), adversary);
  opt_visual_disc_ = std::make_unique<optim::Adam>(nets_.visual_disc->parameters(), adversary);
  opt_classifier_ = std::make_unique<optim::Adam>(nets_.classifier->parameters(), adversary);
  generator_state_ = Tensor::zeros({4}, DType::Float64);
  best_val_mse_ = Tensor::full({1}, std::numeric_limits<double>::infinity(), DType::Float64);
}

Shape Model::latent_shape(int64_t n) const {
  return {n, config_.latent_channels, config_.latent_size(), config_.latent_size()};
}

Tensor Model::labels(int64_t n, double value) const {
  return Tensor::full({n, 1}, value, DType::Float32, device_);
}

Tensor Model::latent_logits(const Tensor& z) {
  const Tensor out = nets_.latent_disc->forward(z);
  return config_.latent_disc_double_sigmoid ? sigmoid(out) : out;
}

Tensor Model::decode_samples(const Tensor& z) {
  std::vector<nn::Module*> fixed_stats;
  if (config_.decoder_stats_from_reconstructions) fixed_stats.push_back(nets_.decoder.get());
  nn::RunningStatsFrozen frozen(fixed_stats);
  return nets_.decoder->forward(z);
}

void Model::prepare_training_images(data::ImageSet& images) {
  if (config_.noise_mode != "once" || config_.noise_std == 0.0) return;
  // A generator of its own, so the training run's random stream is the same
  // with and without this step, and a resumed run adds the same noise.
  Generator noise_gen(gen_.seed() ^ kLoadNoiseStream);
  const Tensor noise = normal({images.n, images.image_size()}, noise_gen, 0.0, config_.noise_std,
                              DType::Float32, Device::CPU);
  const float* n = noise.data<float>();
  for (size_t i = 0; i < images.pixels.size(); ++i) images.pixels[i] += n[i];
}

Tensor Model::random_latent(int64_t n) {
  return uniform(latent_shape(n), gen_, -1.0, 1.0, DType::Float32, device_);
}

void Model::set_training(bool on) {
  for (auto& [name, m] : nets_.all()) m->train(on);
}

MiningResult Model::mine(const Tensor& z0, bool measure) {
  nn::FreezeScope frozen({nets_.encoder.get(), nets_.decoder.get(), nets_.latent_disc.get(),
                          nets_.visual_disc.get(), nets_.classifier.get()});
  const int64_t n = z0.size(0);
  const Tensor in_class = labels(n, 1.0);
  auto classifier_loss = [&](const Tensor& z) {
    return bce_with_logits(nets_.classifier->forward(decode_samples(z)), in_class);
  };
  MiningResult result;
  result.before = z0.detach();
  Tensor z = z0.detach().clone();
  for (int64_t step = 0; step < config_.mining_steps; ++step) {
    z.requires_grad_(true);
    const Tensor loss = classifier_loss(z);
    if (measure && step == 0) result.loss_before = loss.item();
    // Summed over the batch, so each sample moves along its own gradient
    // whatever the batch size.
    scale(loss, static_cast<double>(n)).backward();
    NoGradGuard no_grad;
    z = clamp(add(z.detach(), scale(z.grad(), config_.mining_step_size)), -1.0, 1.0);
  }
  result.after = z;
  if (measure) {
    NoGradGuard no_grad;
    result.loss_after = classifier_loss(z).item();
    if (config_.mining_steps == 0) result.loss_before = result.loss_after;
  }
  return result;
}

models::NamedLosses Model::train_step(const Tensor& x, int64_t epoch) {
  return step(x, epoch).named();
}

StepLosses Model::step(const Tensor& x, int64_t epoch) {
  NOVA_CHECK(x.dim() == 4 && x.size(1) == config_.image_channels &&
                 x.size(2) == config_.image_size && x.size(3) == config_.image_size,
             "OCGAN: batch of shape ", to_string(x.shape()), " for a model of ",
             config_.image_channels, "x", config_.image_size, "x", config_.image_size, " images");
  set_training(true);
  const int64_t n = x.size(0);
  auto& nets = nets_;
  StepLosses losses;

  enter_phase("inputs");
  const Tensor noisy =
      config_.noise_mode == "per_step"
          ? add(x, normal(x.shape(), gen_, 0.0, config_.noise_std, x.dtype(), device_))
          : x;
  const Tensor l2 = random_latent(n);
  Tensor l1, fake;
  {
    NoGradGuard no_grad;
    if (config_.use_classifier || config_.use_latent_disc) l1 = nets.encoder->forward(noisy);
    if (config_.use_classifier || config_.use_visual_disc) fake = decode_samples(l2);
  }

  // Classifier: reconstructions of real images are in class, decodings of
  // random latent samples are not.
  auto update_classifier = [&] {
    if (!config_.use_classifier) return;
    enter_phase("classifier");
    Tensor reconstruction;
    {
      NoGradGuard no_grad;
      reconstruction = nets.decoder->forward(l1);
    }
    losses.classifier = add(bce_logits_against(nets.classifier->forward(fake), 0.0),
                            bce_logits_against(nets.classifier->forward(reconstruction), 1.0));
    opt_classifier_->zero_grad();
    losses.classifier.backward();
    opt_classifier_->step();
  };
  if (config_.classifier_first) update_classifier();

  // Discriminators: U(-1, 1) samples and real images are "real", encodings
  // and decodings of random samples are "fake".
  if (config_.use_latent_disc || config_.use_visual_disc) enter_phase("discriminators");
  if (config_.use_latent_disc) {
    losses.latent_disc =
        add(bce_logits_against(latent_logits(l1), 0.0), bce_logits_against(latent_logits(l2), 1.0));
    opt_latent_disc_->zero_grad();
    losses.latent_disc.backward();
    opt_latent_disc_->step();
  }
  if (config_.use_visual_disc) {
    losses.visual_disc = add(bce_logits_against(nets.visual_disc->forward(fake), 0.0),
                             bce_logits_against(nets.visual_disc->forward(x), 1.0));
    opt_visual_disc_->zero_grad();
    losses.visual_disc.backward();
    opt_visual_disc_->step();
  }

  if (!config_.classifier_first) update_classifier();

  // Informative-negative mining moves the random batch to where the
  // classifier sees out-of-class decodings.
  Tensor negatives = l2;
  if (config_.use_classifier && config_.mining_steps > 0 && epoch >= config_.mining_start_epoch) {
    enter_phase("mining");
    negatives = mine(l2, false).after;
  }

  // Autoencoder: reconstruction plus fooling both discriminators. The terms
  // Dl(l2, 0) and Dv(x, 0) of Algorithm 1 do not depend on the autoencoder
  // and are left out.
  enter_phase("autoencoder");
  {
    nn::FreezeScope frozen({nets.latent_disc.get(), nets.visual_disc.get(), nets.classifier.get()});
    const Tensor latent = nets.encoder->forward(noisy);
    losses.reconstruction = mse_loss(nets.decoder->forward(latent), x);
    Tensor total = scale(losses.reconstruction, config_.lambda_mse);
    if (config_.use_latent_disc) {
      losses.gen_latent = bce_logits_against(latent_logits(latent), 1.0);
      total = add(total, scale(losses.gen_latent, config_.latent_weight));
    }
    if (config_.use_visual_disc) {
      losses.gen_visual =
          bce_logits_against(nets.visual_disc->forward(decode_samples(negatives)), 1.0);
      total = add(total, scale(losses.gen_visual, config_.visual_weight));
    }
    losses.generator = total;
    opt_autoencoder_->zero_grad();
    total.backward();
    opt_autoencoder_->step();
  }
  return losses;
}

Tensor Model::decode(const Tensor& z) {
  NoGradGuard no_grad;
  set_training(false);
  return nets_.decoder->forward(z);
}

Tensor Model::reconstruction(const Tensor& x) {
  NoGradGuard no_grad;
  set_training(false);
  return nets_.decoder->forward(nets_.encoder->forward(x));
}

Tensor Model::reconstruction_error(const Tensor& x) {
  NoGradGuard no_grad;
  const Tensor diff = sub(reconstruction(x), x);
  return mean_per_sample(mul(diff, diff));
}

std::vector<Tensor> Model::novelty_scores(const Tensor& x) { return {reconstruction_error(x)}; }

models::EpochSelection Model::end_epoch(int64_t /*epoch*/, const data::ImageSet& val) {
  models::EpochSelection s;
  s.criterion_name = "val_mse";
  if (val.n == 0) {
    // Nothing held out: the last epoch is the model.
    s.improved = true;
    return s;
  }
  double total = 0.0;
  data::for_each_batch(val, config_.batch_size, device_, [&](const Tensor& x) {
    for (double e : reconstruction_error(x).to_double_vector()) total += e;
  });
  s.criterion = total / static_cast<double>(val.n);
  double& best = best_val_mse_.data<double>()[0];
  s.improved = s.criterion < best;
  if (s.improved) best = s.criterion;
  return s;
}

std::vector<models::Picture> Model::pictures(const Tensor& normal, const Tensor& novel) {
  // Evaluation mode throughout, mining included: drawing pictures must not
  // move the batchnorm statistics of the model that is then evaluated.
  set_training(false);
  const int64_t columns = 16;
  std::vector<models::Picture> out;
  if (normal.defined())
    out.push_back({"reconstructions_normal.png", {normal, reconstruction(normal)}});
  if (novel.defined()) out.push_back({"reconstructions_novel.png", {novel, reconstruction(novel)}});
  out.push_back({"samples.png", {decode(random_latent(4 * columns))}});
  if (config_.use_classifier && config_.mining_steps > 0) {
    const MiningResult mined = mine(random_latent(columns), false);
    out.push_back({"mining.png", {decode(mined.before), decode(mined.after)}});
  }
  return out;
}

nn::NamedTensors Model::network_state() {
  nn::NamedTensors out;
  for (auto& [prefix, m] : nets_.all()) {
    for (auto& [name, t] : m->state()) out.emplace_back(prefix + "." + name, t);
  }
  return out;
}

nn::NamedTensors Model::state() {
  nn::NamedTensors out = network_state();
  const std::pair<const char*, optim::Adam*> optimizers[] = {
      {"autoencoder", opt_autoencoder_.get()},
      {"latent_disc", opt_latent_disc_.get()},
      {"visual_disc", opt_visual_disc_.get()},
      {"classifier", opt_classifier_.get()}};
  for (const auto& [name, opt] : optimizers) optim::append_optimizer_state(out, name, *opt);
  write_generator_state(gen_, generator_state_);
  out.emplace_back("rng.seed_offset", generator_state_);
  out.emplace_back("selection.best_val_mse", best_val_mse_);
  return out;
}

void Model::state_loaded() { gen_ = read_generator_state(generator_state_); }

}  // namespace nova::ocgan
