#include "engine/nn/layers.h"

#include "engine/error.h"
#include "engine/nn/init.h"

namespace nova::nn {

Conv2d::Conv2d(int64_t in_channels, int64_t out_channels, int64_t kernel, const ConvOptions& o,
               Generator& gen, DType dtype)
    : options_(o) {
  weight = register_parameter("weight",
                              Tensor::empty({out_channels, in_channels, kernel, kernel}, dtype));
  if (o.bias) bias = register_parameter("bias", Tensor::empty({out_channels}, dtype));
  init::torch_default_(weight, bias, gen);
}

Tensor Conv2d::forward(const Tensor& x) {
  return conv2d(x, weight, bias, {options_.stride, options_.padding, 1, 0});
}

ConvTranspose2d::ConvTranspose2d(int64_t in_channels, int64_t out_channels, int64_t kernel,
                                 const ConvOptions& o, Generator& gen, DType dtype)
    : options_(o) {
  weight = register_parameter("weight",
                              Tensor::empty({in_channels, out_channels, kernel, kernel}, dtype));
  if (o.bias) bias = register_parameter("bias", Tensor::empty({out_channels}, dtype));
  init::torch_default_(weight, bias, gen);
}

Tensor ConvTranspose2d::forward(const Tensor& x) {
  return conv_transpose2d(x, weight, bias,
                          {options_.stride, options_.padding, 1, options_.output_padding});
}

Linear::Linear(int64_t in_features, int64_t out_features, Generator& gen, bool has_bias,
               DType dtype) {
  weight = register_parameter("weight", Tensor::empty({out_features, in_features}, dtype));
  if (has_bias) bias = register_parameter("bias", Tensor::empty({out_features}, dtype));
  init::torch_default_(weight, bias, gen);
}

Tensor Linear::forward(const Tensor& x) { return linear(x, weight, bias); }

BatchNorm::BatchNorm(int64_t features, int64_t input_rank, DType dtype, double momentum, double eps)
    : rank_(input_rank), momentum_(momentum), eps_(eps) {
  NOVA_CHECK(input_rank == 2 || input_rank == 4, "BatchNorm: input rank must be 2 or 4, got ",
             input_rank);
  weight = register_parameter("weight", Tensor::ones({features}, dtype));
  bias = register_parameter("bias", Tensor::zeros({features}, dtype));
  running_mean = register_buffer("running_mean", Tensor::zeros({features}, dtype));
  running_var = register_buffer("running_var", Tensor::ones({features}, dtype));
}

Tensor BatchNorm::forward(const Tensor& x) {
  NOVA_CHECK(x.dim() == rank_, "BatchNorm", rank_ == 2 ? "1d" : "2d", " expects a ", rank_,
             "-d input, got ", to_string(x.shape()));
  // Evaluation always reads the running statistics; training updates them
  // only while they are tracked.
  const bool track = tracks_running_stats() || !is_training();
  return batch_norm(x, weight, bias, track ? running_mean : Tensor(),
                    track ? running_var : Tensor(), is_training(), momentum_, eps_);
}

Tensor Activation::forward(const Tensor& x) {
  switch (kind_) {
    case ActivationKind::Relu:
      return relu(x);
    case ActivationKind::LeakyRelu:
      return leaky_relu(x, slope_);
    case ActivationKind::Tanh:
      return tanh(x);
    case ActivationKind::Sigmoid:
      return sigmoid(x);
  }
  return x;
}

Tensor Reshape::forward(const Tensor& x) {
  Shape s{x.size(0)};
  s.insert(s.end(), per_sample_.begin(), per_sample_.end());
  return x.reshape(s);
}

Tensor Sequential::forward(const Tensor& x) {
  Tensor h = x;
  for (auto& layer : layers_) h = layer->forward(h);
  return h;
}

}  // namespace nova::nn
