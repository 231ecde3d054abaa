// Optimizers update parameters in place from their accumulated gradients.
// Freezing a network = not stepping its optimizer; gradients may still flow
// through it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/tensor.h"
#include "kernels/cpu/optim.h"

namespace nova::optim {

class Optimizer {
 public:
  explicit Optimizer(std::vector<Tensor> params);
  virtual ~Optimizer() = default;
  virtual void step() = 0;
  void zero_grad();
  const std::vector<Tensor>& params() const { return params_; }
  // Named state (moments, step count) for checkpoints, so resume is exact.
  virtual std::vector<std::pair<std::string, Tensor>> state() = 0;

 protected:
  std::vector<Tensor> params_;
};

// Appends opt.state() to `out` as "optim.<name>.<state name>".
void append_optimizer_state(std::vector<std::pair<std::string, Tensor>>& out,
                            const std::string& name, Optimizer& opt);

class Adam : public Optimizer {
 public:
  struct Options {
    double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
  };
  Adam(std::vector<Tensor> params, const Options& options);
  void step() override;
  std::vector<std::pair<std::string, Tensor>> state() override;
  Options& options() { return options_; }
  int64_t step_count() const;

 private:
  Options options_;
  std::vector<Tensor> exp_avg_, exp_avg_sq_;
  Tensor step_;  // float64 [1] on the CPU, so it can be checkpointed like the rest
};

class Sgd : public Optimizer {
 public:
  struct Options {
    double lr = 1e-2, momentum = 0.0, weight_decay = 0.0;
  };
  Sgd(std::vector<Tensor> params, const Options& options);
  void step() override;
  std::vector<std::pair<std::string, Tensor>> state() override;

 private:
  Options options_;
  std::vector<Tensor> momentum_;
  Tensor started_;  // float64 [1]: 0 until the first step fills the momentum buffers
};

}  // namespace nova::optim
