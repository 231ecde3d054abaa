#include "engine/optim/rmsprop.h"

#include "engine/backend.h"
#include "engine/error.h"

namespace nova::optim {

using backend::ptr;

namespace {

// RMSProp is Adam with beta1 = 0 (the first moment is the gradient itself),
// beta2 = alpha and no bias correction. Adam's corrections are 1 - beta^t;
// a step count this large drives beta^t to exactly 0 in double for every
// beta < 1, so both corrections are exactly 1 and the Adam kernels of both
// backends apply RMSProp's formula, with no kernel of its own.
constexpr int64_t kNoBiasCorrectionStep = int64_t(1) << 40;

}  // namespace

RmsProp::RmsProp(std::vector<Tensor> params, const Options& options)
    : Optimizer(std::move(params)), options_(options) {
  NOVA_CHECK(options_.lr > 0.0, "RMSProp: lr must be > 0, got ", options_.lr);
  NOVA_CHECK(options_.alpha >= 0.0 && options_.alpha < 1.0,
             "RMSProp: alpha must lie in [0, 1), got ", options_.alpha);
  NOVA_CHECK(options_.eps > 0.0, "RMSProp: eps must be > 0, got ", options_.eps);
  NOVA_CHECK(options_.initial_square_avg >= 0.0, "RMSProp: initial_square_avg must be >= 0, got ",
             options_.initial_square_avg);
  for (const Tensor& p : params_) {
    square_avg_.push_back(
        Tensor::full(p.shape(), options_.initial_square_avg, p.dtype(), p.device()));
    scratch_.push_back(Tensor::zeros(p.shape(), p.dtype(), p.device()));
  }
}

void RmsProp::step() {
  kernels::cpu::AdamParams a;
  a.lr = options_.lr;
  a.beta1 = 0.0;
  a.beta2 = options_.alpha;
  a.eps = options_.eps;
  a.weight_decay = options_.weight_decay;
  a.step = kNoBiasCorrectionStep;
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor& p = params_[i];
    const Tensor g = p.grad();
    if (!g.defined()) continue;  // no gradient reached it this step, as in PyTorch
    NOVA_CALL(p, adam_step, ptr<T>(p), ptr<T>(scratch_[i]), ptr<T>(square_avg_[i]), ptr<T>(g),
              p.numel(), a);
  }
}

std::vector<std::pair<std::string, Tensor>> RmsProp::state() {
  std::vector<std::pair<std::string, Tensor>> out;
  for (size_t i = 0; i < square_avg_.size(); ++i) {
    out.emplace_back(std::to_string(i) + ".square_avg", square_avg_[i]);
  }
  return out;
}

}  // namespace nova::optim
