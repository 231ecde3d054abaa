// RMSProp (torch.optim.RMSprop without momentum or centering):
//   g = grad + weight_decay * param
//   square_avg = alpha * square_avg + (1 - alpha) * g^2
//   param -= lr * g / (sqrt(square_avg) + eps)
// The release of ALOCC (CVPR 2018) trains with TensorFlow 1's
// RMSPropOptimizer, which starts square_avg at 1 instead of 0;
// initial_square_avg reproduces that.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/optim/optimizer.h"

namespace nova::optim {

class RmsProp : public Optimizer {
 public:
  struct Options {
    double lr = 1e-2, alpha = 0.99, eps = 1e-8, weight_decay = 0.0;
    double initial_square_avg = 0.0;  // PyTorch: 0; TensorFlow 1: 1
  };
  RmsProp(std::vector<Tensor> params, const Options& options);
  void step() override;
  // The running averages of the squared gradients, one per parameter.
  std::vector<std::pair<std::string, Tensor>> state() override;
  const Options& options() const { return options_; }

 private:
  Options options_;
  std::vector<Tensor> square_avg_;
  // Scratch for the Adam kernel's first moment, which with beta1 = 0 is just
  // the gradient, rewritten every step: not part of the state.
  std::vector<Tensor> scratch_;
};

}  // namespace nova::optim
