// The layers the models are built from, with torch.nn's weight layouts and
// default initialization.
#pragma once

#include <memory>
#include <vector>

#include "engine/nn/module.h"
#include "engine/ops.h"
#include "engine/random.h"

namespace nova::nn {

struct ConvOptions {
  int64_t stride = 1, padding = 0, output_padding = 0;
  bool bias = true;
};

class Conv2d : public Layer {
 public:
  Conv2d(int64_t in_channels, int64_t out_channels, int64_t kernel, const ConvOptions& o,
         Generator& gen, DType dtype = DType::Float32);
  Tensor forward(const Tensor& x) override;
  Tensor weight, bias;  // [out, in, k, k], [out]

 private:
  ConvOptions options_;
};

class ConvTranspose2d : public Layer {
 public:
  ConvTranspose2d(int64_t in_channels, int64_t out_channels, int64_t kernel, const ConvOptions& o,
                  Generator& gen, DType dtype = DType::Float32);
  Tensor forward(const Tensor& x) override;
  Tensor weight, bias;  // [in, out, k, k], [out]

 private:
  ConvOptions options_;
};

class Linear : public Layer {
 public:
  Linear(int64_t in_features, int64_t out_features, Generator& gen, bool bias = true,
         DType dtype = DType::Float32);
  Tensor forward(const Tensor& x) override;
  Tensor weight, bias;  // [out, in], [out]
};

// BatchNorm1d over (N, C) and BatchNorm2d over (N, C, H, W) in one class; the
// rank it accepts is fixed at construction so a wrong input is reported.
class BatchNorm : public Layer {
 public:
  BatchNorm(int64_t features, int64_t input_rank, DType dtype = DType::Float32,
            double momentum = 0.1, double eps = 1e-5);
  Tensor forward(const Tensor& x) override;
  Tensor weight, bias, running_mean, running_var;

 private:
  int64_t rank_;
  double momentum_, eps_;
};

enum class ActivationKind { Relu, LeakyRelu, Tanh, Sigmoid };

class Activation : public Layer {
 public:
  explicit Activation(ActivationKind kind, double slope = 0.2) : kind_(kind), slope_(slope) {}
  Tensor forward(const Tensor& x) override;

 private:
  ActivationKind kind_;
  double slope_;
};

class Dropout : public Layer {
 public:
  Dropout(double p, Generator& gen) : p_(p), gen_(&gen) {}
  Tensor forward(const Tensor& x) override { return dropout(x, p_, is_training(), *gen_); }

 private:
  double p_;
  Generator* gen_;
};

// Reshapes each sample: (N, ...) -> (N, shape...). Flatten is Reshape({-1}).
class Reshape : public Layer {
 public:
  explicit Reshape(Shape per_sample) : per_sample_(std::move(per_sample)) {}
  Tensor forward(const Tensor& x) override;

 private:
  Shape per_sample_;
};

class Sequential : public Layer {
 public:
  // Children are named "0", "1", ... as in torch.nn.Sequential.
  template <typename M>
  std::shared_ptr<M> add(std::shared_ptr<M> layer) {
    layers_.push_back(layer);
    return register_module(std::to_string(layers_.size() - 1), layer);
  }
  Tensor forward(const Tensor& x) override;
  size_t size() const { return layers_.size(); }

 private:
  std::vector<std::shared_ptr<Layer>> layers_;
};

}  // namespace nova::nn
