// Batch normalization over (N, C) or (N, C, H, W).
#include <cmath>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/ops.h"

namespace nova {

using backend::ptr;

namespace {

// 1 / sqrt(running_var + eps), computed on the host: the evaluation-mode
// backward is rare (gradients through a frozen network in eval mode) and C is small.
Tensor running_invstd(const Tensor& running_var, double eps) {
  std::vector<double> v = running_var.to_double_vector();
  for (double& x : v) x = 1.0 / std::sqrt(x + eps);
  Tensor host = Tensor::from_vector(v, running_var.shape());
  return host.to(running_var.dtype()).to(running_var.device());
}

}  // namespace

Tensor batch_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, Tensor running_mean,
                  Tensor running_var, bool training, double momentum, double eps) {
  NOVA_CHECK(x.dim() == 2 || x.dim() == 4, "batch_norm: input must be (N, C) or (N, C, H, W), got ",
             to_string(x.shape()));
  const int64_t c = x.size(1);
  kernels::BatchNormShape s{x.size(0), c, x.dim() == 4 ? x.size(2) * x.size(3) : 1};
  for (const Tensor* p : {&gamma, &beta}) {
    NOVA_CHECK(p->defined() && p->shape() == Shape{c},
               "batch_norm: weight and bias must have shape [", c, "] for input ",
               to_string(x.shape()));
    check_same_kind("batch_norm", x, *p);
  }
  const bool has_running = running_mean.defined() && running_var.defined();
  if (has_running) {
    NOVA_CHECK(running_mean.shape() == Shape{c} && running_var.shape() == Shape{c},
               "batch_norm: running statistics must have shape [", c, "]");
  }
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  Tensor mean_used, invstd_used;
  if (training) {
    NOVA_CHECK(s.n * s.hw > 1, "batch_norm: training needs more than one value per channel, got ",
               to_string(x.shape()));
    mean_used = Tensor::empty({c}, x.dtype(), x.device());
    invstd_used = Tensor::empty({c}, x.dtype(), x.device());
    NOVA_CALL(out, batch_norm_forward_train, ptr<T>(out), ptr<T>(mean_used), ptr<T>(invstd_used),
              has_running ? ptr<T>(running_mean) : nullptr,
              has_running ? ptr<T>(running_var) : nullptr, ptr<T>(x), ptr<T>(gamma), ptr<T>(beta),
              s, T(momentum), T(eps));
  } else {
    NOVA_CHECK(has_running, "batch_norm: evaluation mode needs running statistics");
    NOVA_CALL(out, batch_norm_forward_eval, ptr<T>(out), ptr<T>(x), ptr<T>(gamma), ptr<T>(beta),
              ptr<T>(running_mean), ptr<T>(running_var), s, T(eps));
  }
  const Tensor x_saved = x.detach(), gamma_saved = gamma.detach();
  // Evaluation-mode backward needs the running statistics as they were (a
  // later training pass moves them); training-mode backward uses the batch's.
  const bool keep_running = has_running && !training;
  const Tensor running_mean_saved = keep_running ? running_mean.clone() : Tensor();
  const Tensor running_var_saved = keep_running ? running_var.clone() : Tensor();
  record_op(out, "batch_norm", {x, gamma, beta}, [=](const Tensor& g) {
    const Tensor mean_b = training ? mean_used : running_mean_saved;
    const Tensor invstd_b = training ? invstd_used : running_invstd(running_var_saved, eps);
    Tensor gx = Tensor::empty(x_saved.shape(), g.dtype(), g.device());
    Tensor ggamma = Tensor::empty({c}, g.dtype(), g.device());
    Tensor gbeta = Tensor::empty({c}, g.dtype(), g.device());
    NOVA_CALL(gx, batch_norm_backward, ptr<T>(gx), ptr<T>(ggamma), ptr<T>(gbeta), ptr<T>(g),
              ptr<T>(x_saved), ptr<T>(gamma_saved), ptr<T>(mean_b), ptr<T>(invstd_b), s, training);
    return std::vector<Tensor>{gx, ggamma, gbeta};
  });
  return out;
}

}  // namespace nova
