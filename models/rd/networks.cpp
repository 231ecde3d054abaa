#include "models/rd/networks.h"

#include "kernels/common/shapes.h"
#include "models/rd/latent.h"

namespace nova::rd {

namespace {

using nn::ActivationKind;

template <typename L, typename... Args>
std::shared_ptr<L> add(nn::Sequential& net, Args&&... args) {
  return net.add(std::make_shared<L>(std::forward<Args>(args)...));
}

nn::ConvOptions conv_options(int64_t output_padding = 0) {
  return nn::ConvOptions{kStride, kPadding, output_padding, true};
}

ActivationKind decoder_activation(const Config& c) {
  return c.decoder_activation == "relu" ? ActivationKind::Relu : ActivationKind::LeakyRelu;
}

}  // namespace

Refiner::Refiner(const Config& c, Generator& init) {
  c.validate();
  // R1: the sizes it passes through, so R2 can retrace them exactly.
  encoder_ = register_module("encoder", std::make_shared<nn::Sequential>());
  std::vector<int64_t> sizes{c.image_size};
  int64_t channels = c.image_channels;
  for (int64_t width : c.encoder_widths) {
    add<nn::Conv2d>(*encoder_, channels, width, kKernel, conv_options(), init);
    add<nn::BatchNorm>(*encoder_, width, 4, DType::Float32, 0.1, c.batchnorm_eps);
    add<nn::Activation>(*encoder_, ActivationKind::LeakyRelu, c.leaky_slope);
    channels = width;
    sizes.push_back(kernels::conv_out_size(sizes.back(), kKernel, kStride, kPadding, 1));
  }
  const int64_t map_size = sizes.back();
  const int64_t map_features = channels * map_size * map_size;

  // Z: linear heads for the mean and log variance; R2 starts with a linear
  // layer back to R1's map shape, with batchnorm and R2's activation.
  if (c.gaussian_latent()) {
    mu_ = register_module("mu", std::make_shared<nn::Linear>(map_features, c.latent_dim, init));
    logvar_ =
        register_module("logvar", std::make_shared<nn::Linear>(map_features, c.latent_dim, init));
    latent_to_map_ = register_module("latent_to_map", std::make_shared<nn::Sequential>());
    add<nn::Linear>(*latent_to_map_, c.latent_dim, map_features, init);
    add<nn::BatchNorm>(*latent_to_map_, map_features, 2, DType::Float32, 0.1, c.batchnorm_eps);
    add<nn::Activation>(*latent_to_map_, decoder_activation(c), c.leaky_slope);
    add<nn::Reshape>(*latent_to_map_, Shape{channels, map_size, map_size});
  }

  // R2: transposed convolutions back through R1's sizes (the output padding
  // recovers the sizes stride 2 rounded down), tanh at the end.
  decoder_ = register_module("decoder", std::make_shared<nn::Sequential>());
  const size_t depth = c.encoder_widths.size();
  for (size_t i = depth; i >= 1; --i) {
    const bool last = i == 1;
    const int64_t out = last ? c.image_channels : c.decoder_widths[depth - i];
    const int64_t plain =
        kernels::conv_transpose_out_size(sizes[i], kKernel, kStride, kPadding, 1, 0);
    add<nn::ConvTranspose2d>(*decoder_, channels, out, kKernel, conv_options(sizes[i - 1] - plain),
                             init);
    if (last) {
      add<nn::Activation>(*decoder_, ActivationKind::Tanh);
    } else {
      add<nn::BatchNorm>(*decoder_, out, 4, DType::Float32, 0.1, c.batchnorm_eps);
      add<nn::Activation>(*decoder_, decoder_activation(c), c.leaky_slope);
    }
    channels = out;
  }
}

Refiner::Output Refiner::forward(const Tensor& x, Generator* sampling) {
  Output out;
  Tensor map = encoder_->forward(x);
  if (mu_) {
    const Tensor flat = map.flatten(1);
    out.mu = mu_->forward(flat);
    out.logvar = logvar_->forward(flat);
    const Tensor z = sampling ? sample_latent(out.mu, out.logvar, *sampling) : out.mu;
    map = latent_to_map_->forward(z);
  }
  out.reconstruction = decoder_->forward(map);
  return out;
}

std::vector<std::pair<std::string, nn::Module*>> Networks::all() {
  return {{"refiner", refiner.get()}, {"detector", detector.get()}};
}

Networks build_networks(const Config& c, Generator& init) {
  Networks n;
  n.refiner = std::make_shared<Refiner>(c, init);

  // D: conv, batchnorm (not after the first unless asked), leaky ReLU; a
  // linear logit on the flattened last map.
  n.detector = std::make_shared<nn::Sequential>();
  int64_t channels = c.image_channels;
  for (size_t i = 0; i < c.detector_widths.size(); ++i) {
    const int64_t width = c.detector_widths[i];
    add<nn::Conv2d>(*n.detector, channels, width, kKernel, conv_options(), init);
    if (i > 0 || c.detector_first_batchnorm) {
      add<nn::BatchNorm>(*n.detector, width, 4, DType::Float32, 0.1, c.batchnorm_eps);
    }
    add<nn::Activation>(*n.detector, ActivationKind::LeakyRelu, c.leaky_slope);
    channels = width;
  }
  const int64_t size = c.detector_output_size();
  add<nn::Reshape>(*n.detector, Shape{-1});
  add<nn::Linear>(*n.detector, channels * size * size, 1, init);
  return n;
}

}  // namespace nova::rd
