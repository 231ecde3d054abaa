// Mean-reduced losses. Each backward reads the upstream gradient from a
// one-element tensor on the device, so no host sync is needed.
#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/ops.h"

namespace nova {

using backend::ptr;

namespace {

Tensor scalar_like(const Tensor& t) { return Tensor::empty({1}, t.dtype(), t.device()); }
Tensor like(const Tensor& t) { return Tensor::empty(t.shape(), t.dtype(), t.device()); }

void check_loss_args(const char* op, const Tensor& a, const Tensor& b) {
  check_same_shape(op, a, b);
  check_same_kind(op, a, b);
  NOVA_CHECK(a.numel() > 0, op, ": empty input");
}

void check_target_constant(const char* op, const Tensor& target) {
  NOVA_CHECK(!target.requires_grad(), op, ": the target must not require grad (detach it)");
}

Tensor negated(const Tensor& g) {
  Tensor out = like(g);
  NOVA_CALL(out, scale_shift, ptr<T>(out), ptr<T>(g), T(-1), T(0), out.numel());
  return out;
}

}  // namespace

Tensor bce(const Tensor& p, const Tensor& target) {
  check_loss_args("bce", p, target);
  check_target_constant("bce", target);
  Tensor out = scalar_like(p);
  NOVA_CALL(out, bce_forward, ptr<T>(out), ptr<T>(p), ptr<T>(target), p.numel());
  const Tensor p_saved = p.detach(), t_saved = target.detach();
  record_op(out, "bce", {p, target}, [=](const Tensor& g) {
    Tensor gp = like(p_saved);
    NOVA_CALL(gp, bce_backward, ptr<T>(gp), ptr<T>(g), ptr<T>(p_saved), ptr<T>(t_saved),
              gp.numel());
    return std::vector<Tensor>{gp, Tensor()};
  });
  return out;
}

Tensor bce_with_logits(const Tensor& logits, const Tensor& target) {
  check_loss_args("bce_with_logits", logits, target);
  check_target_constant("bce_with_logits", target);
  Tensor out = scalar_like(logits);
  NOVA_CALL(out, bce_logits_forward, ptr<T>(out), ptr<T>(logits), ptr<T>(target), logits.numel());
  const Tensor x_saved = logits.detach(), t_saved = target.detach();
  record_op(out, "bce_with_logits", {logits, target}, [=](const Tensor& g) {
    Tensor gx = like(x_saved);
    NOVA_CALL(gx, bce_logits_backward, ptr<T>(gx), ptr<T>(g), ptr<T>(x_saved), ptr<T>(t_saved),
              gx.numel());
    return std::vector<Tensor>{gx, Tensor()};
  });
  return out;
}

Tensor mse_loss(const Tensor& a, const Tensor& b) {
  check_loss_args("mse_loss", a, b);
  Tensor out = scalar_like(a);
  NOVA_CALL(out, mse_forward, ptr<T>(out), ptr<T>(a), ptr<T>(b), a.numel());
  const Tensor a_saved = a.detach(), b_saved = b.detach();
  record_op(out, "mse_loss", {a, b}, [=](const Tensor& g) {
    Tensor ga = like(a_saved);
    NOVA_CALL(ga, mse_backward, ptr<T>(ga), ptr<T>(g), ptr<T>(a_saved), ptr<T>(b_saved),
              ga.numel());
    return std::vector<Tensor>{ga, b.requires_grad() ? negated(ga) : Tensor()};
  });
  return out;
}

Tensor l1_loss(const Tensor& a, const Tensor& b) {
  check_loss_args("l1_loss", a, b);
  Tensor out = scalar_like(a);
  NOVA_CALL(out, l1_forward, ptr<T>(out), ptr<T>(a), ptr<T>(b), a.numel());
  const Tensor a_saved = a.detach(), b_saved = b.detach();
  record_op(out, "l1_loss", {a, b}, [=](const Tensor& g) {
    Tensor ga = like(a_saved);
    NOVA_CALL(ga, l1_backward, ptr<T>(ga), ptr<T>(g), ptr<T>(a_saved), ptr<T>(b_saved), ga.numel());
    return std::vector<Tensor>{ga, b.requires_grad() ? negated(ga) : Tensor()};
  });
  return out;
}

namespace {

// Elements per sample: the factor from a mean over all elements to a mean
// over the batch of per-sample sums.
double elements_per_sample(const char* op, const Tensor& a) {
  NOVA_CHECK(a.dim() >= 1 && a.size(0) > 0, op, ": needs a non-empty batch dimension, got ",
             to_string(a.shape()));
  return static_cast<double>(a.numel()) / static_cast<double>(a.size(0));
}

}  // namespace

Tensor squared_error_norm(const Tensor& a, const Tensor& b) {
  return scale(mse_loss(a, b), elements_per_sample("squared_error_norm", a));
}

Tensor absolute_error_norm(const Tensor& a, const Tensor& b) {
  return scale(l1_loss(a, b), elements_per_sample("absolute_error_norm", a));
}

Tensor kl_gaussian(const Tensor& mu, const Tensor& logvar) {
  check_loss_args("kl_gaussian", mu, logvar);
  NOVA_CHECK(mu.dim() >= 1, "kl_gaussian: needs a batch dimension, got ", to_string(mu.shape()));
  const int64_t batch = mu.size(0), dim = mu.numel() / batch;
  Tensor out = scalar_like(mu);
  NOVA_CALL(out, kl_gaussian_forward, ptr<T>(out), ptr<T>(mu), ptr<T>(logvar), batch, dim);
  const Tensor mu_saved = mu.detach(), lv_saved = logvar.detach();
  record_op(out, "kl_gaussian", {mu, logvar}, [=](const Tensor& g) {
    Tensor gmu = like(mu_saved), glv = like(lv_saved);
    NOVA_CALL(gmu, kl_gaussian_backward, ptr<T>(gmu), ptr<T>(glv), ptr<T>(g), ptr<T>(mu_saved),
              ptr<T>(lv_saved), batch, dim);
    return std::vector<Tensor>{gmu, glv};
  });
  return out;
}

}  // namespace nova
