#include "models/oclr/oclr.h"

#include <limits>

#include "engine/autograd.h"
#include "engine/data/batches.h"
#include "engine/error.h"
#include "engine/ops.h"

namespace nova::oclr {

namespace {

Tensor bce_logits_against(const Tensor& logits, double label) {
  return bce_with_logits(logits,
                         Tensor::full(logits.shape(), label, logits.dtype(), logits.device()));
}

// |d| from the engine's ops: relu(d) + relu(-d).
Tensor absolute(const Tensor& d) { return add(relu(d), relu(scale(d, -1.0))); }

// The center repeated for each of n images, (n, d, ...): the engine has no
// broadcasting, and the copies carry no gradient (the center is fixed).
Tensor center_rows(const Tensor& center, int64_t n) {
  Shape one = center.shape();
  one.insert(one.begin(), 1);
  return cat(std::vector<Tensor>(static_cast<size_t>(n), center.reshape(one)), 0);
}

void check_center_shape(const char* op, const Tensor& z, const Tensor& center) {
  const Shape per_image(z.shape().begin() + 1, z.shape().end());
  NOVA_CHECK(z.dim() >= 2 && per_image == center.shape(), op, ": encodings ", to_string(z.shape()),
             " do not match the center ", to_string(center.shape()),
             " (expected the center's shape after the batch axis)");
}

}  // namespace

Tensor image_reconstruction_loss(const Tensor& a, const Tensor& b) {
  return absolute_error_norm(a, b);
}

Tensor latent_reconstruction_loss(const Tensor& a, const Tensor& b) {
  return squared_error_norm(a, b);
}

Tensor center_loss(const Tensor& z, const Tensor& center) {
  check_center_shape("center_loss", z, center);
  const Tensor d = sub(z, center_rows(center, z.size(0)));
  return mean(sum_per_sample(mul(d, d)));
}

Tensor dual_loss(const Tensor& x, const Tensor& x_rec, const Tensor& fake, const Tensor& fake_rec,
                 double k) {
  return sub(image_reconstruction_loss(x_rec, x),
             scale(image_reconstruction_loss(fake_rec, fake), k));
}

Tensor discriminator_loss(const Tensor& real_logits, const Tensor& fake_logits) {
  return add(bce_logits_against(real_logits, 1.0), bce_logits_against(fake_logits, 0.0));
}

Tensor generator_adversarial_loss(const Tensor& fake_logits) {
  return bce_logits_against(fake_logits, 1.0);
}

Tensor per_image_abs_error(const Tensor& a, const Tensor& b) {
  return mean_per_sample(absolute(sub(a, b)));
}

Tensor per_image_squared_error(const Tensor& a, const Tensor& b) {
  const Tensor d = sub(a, b);
  return mean_per_sample(mul(d, d));
}

Tensor per_image_center_distance(const Tensor& z, const Tensor& center) {
  check_center_shape("per_image_center_distance", z, center);
  const Tensor d = sub(z, center_rows(center, z.size(0)));
  return sum_per_sample(mul(d, d));
}

Model::Model(const Config& config, uint64_t seed, Device device)
    : config_(config), device_(device), gen_(seed) {
  config_.validate();
  nets_ = build_networks(config_, gen_);
  for (auto& [name, m] : nets_.all()) m->to(device_);
  const optim::Adam::Options adam{config_.lr, config_.beta1, config_.beta2, 1e-8, 0.0};
  opt_generator_ = std::make_unique<optim::Adam>(nets_.generator->parameters(), adam);
  opt_discriminator_ = std::make_unique<optim::Adam>(nets_.discriminator->parameters(), adam);
  opt_auxiliary_ = std::make_unique<optim::Adam>(nets_.auxiliary->parameters(), adam);
  center_ = Tensor::zeros({config_.latent_dim, 1, 1}, DType::Float32, device_);
  center_ready_ = Tensor::zeros({1}, DType::Float64);
  generator_state_ = Tensor::zeros({4}, DType::Float64);
  best_val_score_ = Tensor::full({1}, std::numeric_limits<double>::infinity(), DType::Float64);
}

void Model::check_batch(const Tensor& x) const {
  NOVA_CHECK(x.dim() == 4 && x.size(1) == config_.image_channels &&
                 x.size(2) == config_.image_size && x.size(3) == config_.image_size,
             "OCLR: batch of shape ", to_string(x.shape()), " for a model of ",
             config_.image_channels, "x", config_.image_size, "x", config_.image_size, " images");
}

void Model::set_training(bool on) {
  for (auto& [name, m] : nets_.all()) m->train(on);
}

bool Model::trains_auxiliary() const {
  return config_.use_dual || (config_.use_zrec && config_.zrec_trains_auxiliary);
}

void Model::prepare(const data::ImageSet& train) {
  NOVA_CHECK(train.n > 0, "OCLR: the latent center needs training images, got none");
  NOVA_CHECK(train.c == config_.image_channels && train.h == config_.image_size &&
                 train.w == config_.image_size,
             "OCLR: training images of ", train.c, "x", train.h, "x", train.w, " for a model of ",
             config_.image_channels, "x", config_.image_size, "x", config_.image_size, " images");
  NoGradGuard no_grad;
  set_training(false);
  const int64_t d = config_.latent_dim;
  std::vector<double> total(static_cast<size_t>(d), 0.0);
  data::for_each_batch(train, config_.batch_size, device_, [&](const Tensor& x) {
    const std::vector<double> z = nets_.generator->encode(x).to_double_vector();
    for (size_t i = 0; i < z.size(); ++i) total[i % static_cast<size_t>(d)] += z[i];
  });
  set_training(true);
  std::vector<double> mean(total.size());
  for (size_t j = 0; j < total.size(); ++j) mean[j] = total[j] / static_cast<double>(train.n);
  center_.copy_from(Tensor::from_vector(mean, center_.shape()));
  center_ready_.data<double>()[0] = 1.0;
}

models::NamedLosses Model::train_step(const Tensor& x, int64_t /*epoch*/) {
  check_batch(x);
  NOVA_CHECK(!config_.use_center || center_ready_.data<double>()[0] == 1.0,
             "OCLR: the center loss needs the latent center: call prepare() with the training "
             "images before training");
  set_training(true);
  Autoencoder& g = *nets_.generator;
  nn::Sequential& d = *nets_.discriminator;
  Autoencoder& aux = *nets_.auxiliary;
  const Config& c = config_;
  models::NamedLosses losses;

  // 1. G, with D and D' frozen (gradients pass through them to G(x)).
  enter_phase("generator");
  Tensor z, fake;
  {
    nn::FreezeScope frozen({&d, &aux});
    z = g.encode(x);
    fake = g.decode(z);
    const Tensor irec = image_reconstruction_loss(fake, x);
    Tensor total = scale(irec, c.w_irec);
    losses.emplace_back("irec", irec);
    auto add_term = [&](const char* name, const Tensor& term, double weight) {
      total = add(total, scale(term, weight));
      losses.emplace_back(name, term);
    };
    if (c.use_adv) add_term("adv", generator_adversarial_loss(d.forward(fake)), c.w_adv);
    if (c.use_zrec || c.use_dual) {
      const Tensor fake_code = aux.encode(fake);
      if (c.use_zrec) add_term("zrec", latent_reconstruction_loss(z, fake_code), c.w_zrec);
      if (c.use_dual) {
        add_term("g_dual", image_reconstruction_loss(aux.decode(fake_code), fake), c.w_dual);
      }
    }
    if (c.use_center) add_term("center", center_loss(z, center_), c.w_center);
    opt_generator_->zero_grad();
    total.backward();
    opt_generator_->step();
    losses.insert(losses.begin(), {"g_total", total});
  }
  const Tensor real_code = z.detach(), fake_image = fake.detach();

  // 2. D: real images against G's reconstructions.
  if (c.use_adv) {
    enter_phase("discriminator");
    const Tensor d_loss = discriminator_loss(d.forward(x), d.forward(fake_image));
    opt_discriminator_->zero_grad();
    d_loss.backward();
    opt_discriminator_->step();
    losses.emplace_back("d", d_loss);
  }

  // 3. D': reconstruct x, fail on G(x); its encoder also maps G(x) to G_e(x).
  if (trains_auxiliary()) {
    enter_phase("auxiliary");
    const Tensor fake_code = aux.encode(fake_image);
    Tensor total;
    if (c.use_dual) {
      const Tensor dual = dual_loss(x, aux.forward(x), fake_image, aux.decode(fake_code), c.k);
      total = scale(dual, c.w_dual);
      losses.emplace_back("dual", dual);
    }
    if (c.use_zrec && c.zrec_trains_auxiliary) {
      const Tensor zrec = scale(latent_reconstruction_loss(real_code, fake_code), c.w_zrec);
      total = total.defined() ? add(total, zrec) : zrec;
    }
    opt_auxiliary_->zero_grad();
    total.backward();
    opt_auxiliary_->step();
    losses.emplace_back("dprime", total);
  }
  return losses;
}

std::vector<std::string> Model::score_names() const {
  if (config_.use_dual) return {"dual_rec", "rec", "center", "zrec"};
  return {"rec", "dual_rec", "center", "zrec"};
}

std::vector<Tensor> Model::novelty_scores(const Tensor& x) {
  check_batch(x);
  NoGradGuard no_grad;
  set_training(false);
  const Tensor z = nets_.generator->encode(x);
  const Tensor fake = nets_.generator->decode(z);
  const Tensor fake_code = nets_.auxiliary->encode(fake);
  const Tensor dual_rec = per_image_abs_error(x, nets_.auxiliary->decode(fake_code));
  const Tensor rec = per_image_abs_error(x, fake);
  const Tensor center = per_image_center_distance(z, center_);
  const Tensor zrec = per_image_squared_error(z, fake_code);
  set_training(true);
  if (config_.use_dual) return {dual_rec, rec, center, zrec};
  return {rec, dual_rec, center, zrec};
}

Tensor Model::reconstruction(const Tensor& x) {
  check_batch(x);
  NoGradGuard no_grad;
  set_training(false);
  Tensor r = nets_.generator->decode(nets_.generator->encode(x));
  if (config_.use_dual) r = nets_.auxiliary->decode(nets_.auxiliary->encode(r));
  set_training(true);
  return r;
}

models::EpochSelection Model::end_epoch(int64_t /*epoch*/, const data::ImageSet& val) {
  models::EpochSelection s;
  s.criterion_name = std::string("val_") + default_score();
  if (val.n == 0) {
    // Nothing held out: the last epoch is the model.
    s.improved = true;
    return s;
  }
  double total = 0.0;
  data::for_each_batch(val, config_.batch_size, device_, [&](const Tensor& x) {
    for (double e : novelty_scores(x).front().to_double_vector()) total += e;
  });
  s.criterion = total / static_cast<double>(val.n);
  double& best = best_val_score_.data<double>()[0];
  s.improved = s.criterion < best;
  if (s.improved) best = s.criterion;
  return s;
}

std::vector<models::Picture> Model::pictures(const Tensor& normal, const Tensor& novel) {
  NoGradGuard no_grad;
  set_training(false);
  std::vector<models::Picture> out;
  const std::pair<const char*, const Tensor*> sets[] = {{"reconstructions_normal.png", &normal},
                                                        {"reconstructions_novel.png", &novel}};
  for (const auto& [file, images] : sets) {
    if (!images->defined() || images->size(0) == 0) continue;
    check_batch(*images);
    const Tensor fake = nets_.generator->forward(*images);
    out.push_back({file, {*images, fake, nets_.auxiliary->forward(fake)}});
  }
  set_training(true);
  return out;
}

nn::NamedTensors Model::network_state() {
  nn::NamedTensors out;
  for (auto& [prefix, m] : nets_.all()) {
    for (auto& [name, t] : m->state()) out.emplace_back(prefix + "." + name, t);
  }
  out.emplace_back("center", center_);
  return out;
}

nn::NamedTensors Model::state() {
  nn::NamedTensors out = network_state();
  const std::pair<const char*, optim::Adam*> optimizers[] = {
      {"generator", opt_generator_.get()},
      {"discriminator", opt_discriminator_.get()},
      {"auxiliary", opt_auxiliary_.get()}};
  for (const auto& [name, opt] : optimizers) optim::append_optimizer_state(out, name, *opt);
  write_generator_state(gen_, generator_state_);
  out.emplace_back("rng.seed_offset", generator_state_);
  out.emplace_back("center_ready", center_ready_);
  out.emplace_back("selection.best_val_score", best_val_score_);
  return out;
}

void Model::state_loaded() { gen_ = read_generator_state(generator_state_); }

}  // namespace nova::oclr
