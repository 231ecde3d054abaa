#include "engine/optim/optimizer.h"

#include "engine/backend.h"
#include "engine/error.h"

namespace nova::optim {

void append_optimizer_state(std::vector<std::pair<std::string, Tensor>>& out,
                            const std::string& name, Optimizer& opt) {
  for (auto& [state_name, t] : opt.state()) out.emplace_back("optim." + name + "." + state_name, t);
}

using backend::ptr;

Optimizer::Optimizer(std::vector<Tensor> params) : params_(std::move(params)) {
  for (const Tensor& p : params_) {
    NOVA_CHECK(p.defined() && p.is_leaf(), "optimizer: every parameter must be a leaf tensor");
  }
}

void Optimizer::zero_grad() {
  for (Tensor& p : params_) p.zero_grad();
}

Adam::Adam(std::vector<Tensor> params, const Options& options)
    : Optimizer(std::move(params)), options_(options) {
  for (const Tensor& p : params_) {
    exp_avg_.push_back(Tensor::zeros(p.shape(), p.dtype(), p.device()));
    exp_avg_sq_.push_back(Tensor::zeros(p.shape(), p.dtype(), p.device()));
  }
  step_ = Tensor::zeros({1}, DType::Float64);
}

int64_t Adam::step_count() const { return static_cast<int64_t>(step_.data<double>()[0]); }

void Adam::step() {
  step_.data<double>()[0] += 1.0;
  kernels::cpu::AdamParams a;
  a.lr = options_.lr;
  a.beta1 = options_.beta1;
  a.beta2 = options_.beta2;
  a.eps = options_.eps;
  a.weight_decay = options_.weight_decay;
  a.step = step_count();
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor& p = params_[i];
    const Tensor g = p.grad();
    if (!g.defined()) continue;  // no gradient reached it this step, as in PyTorch
    NOVA_CALL(p, adam_step, ptr<T>(p), ptr<T>(exp_avg_[i]), ptr<T>(exp_avg_sq_[i]), ptr<T>(g),
              p.numel(), a);
  }
}

std::vector<std::pair<std::string, Tensor>> Adam::state() {
  std::vector<std::pair<std::string, Tensor>> out{{"step", step_}};
  for (size_t i = 0; i < params_.size(); ++i) {
    out.emplace_back(std::to_string(i) + ".exp_avg", exp_avg_[i]);
    out.emplace_back(std::to_string(i) + ".exp_avg_sq", exp_avg_sq_[i]);
  }
  return out;
}

Sgd::Sgd(std::vector<Tensor> params, const Options& options)
    : Optimizer(std::move(params)), options_(options) {
  for (const Tensor& p : params_)
    momentum_.push_back(Tensor::zeros(p.shape(), p.dtype(), p.device()));
  started_ = Tensor::zeros({1}, DType::Float64);
}

void Sgd::step() {
  kernels::cpu::SgdParams s;
  s.lr = options_.lr;
  s.momentum = options_.momentum;
  s.weight_decay = options_.weight_decay;
  s.first_step = started_.data<double>()[0] == 0.0;
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor& p = params_[i];
    const Tensor g = p.grad();
    if (!g.defined()) continue;
    NOVA_CALL(p, sgd_step, ptr<T>(p), ptr<T>(momentum_[i]), ptr<T>(g), p.numel(), s);
  }
  started_.data<double>()[0] = 1.0;
}

std::vector<std::pair<std::string, Tensor>> Sgd::state() {
  std::vector<std::pair<std::string, Tensor>> out{{"started", started_}};
  for (size_t i = 0; i < momentum_.size(); ++i) {
    out.emplace_back(std::to_string(i) + ".momentum", momentum_[i]);
  }
  return out;
}

}  // namespace nova::optim
