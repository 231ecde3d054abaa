#include "models/oclr/networks.h"

#include "kernels/common/shapes.h"

namespace nova::oclr {

namespace {

using nn::ActivationKind;

template <typename L, typename... Args>
void add(nn::Sequential& net, Args&&... args) {
  net.add(std::make_shared<L>(std::forward<Args>(args)...));
}

// DCGAN's discriminator layout, shared by G_e, G_e' and D: `depth` strided
// convolutions of base * 2^i channels with leaky ReLU, batchnorm after all
// but the first (DCGAN leaves the input layer unnormalized), then a
// convolution covering the whole remaining map to (N, outputs, 1, 1).
std::shared_ptr<nn::Sequential> strided_encoder(const Config& c, int64_t base, int64_t outputs,
                                                Generator& init) {
  auto net = std::make_shared<nn::Sequential>();
  int64_t channels = c.image_channels;
  for (int64_t i = 0; i < c.depth; ++i) {
    const int64_t out = base << i;
    add<nn::Conv2d>(*net, channels, out, c.kernel, nn::ConvOptions{kStride, c.padding(), 0, true},
                    init);
    if (i > 0) add<nn::BatchNorm>(*net, out, 4);
    add<nn::Activation>(*net, ActivationKind::LeakyRelu, c.leaky_slope);
    channels = out;
  }
  add<nn::Conv2d>(*net, channels, outputs, c.feature_size(), nn::ConvOptions{1, 0, 0, true}, init);
  return net;
}

// The encoder's mirror: a transposed convolution from the latent vector to
// the last feature map, then transposed strided convolutions retracing the
// encoder's sizes exactly (the output padding recovers the sizes that
// stride 2 rounded down), batchnorm and leaky ReLU after each but the last,
// which ends in tanh.
std::shared_ptr<nn::Sequential> mirror_decoder(const Config& c, Generator& init) {
  std::vector<int64_t> sizes{c.image_size};
  for (int64_t i = 0; i < c.depth; ++i) {
    sizes.push_back(kernels::conv_out_size(sizes.back(), c.kernel, kStride, c.padding(), 1));
  }
  auto net = std::make_shared<nn::Sequential>();
  int64_t channels = c.base_channels << (c.depth - 1);
  add<nn::ConvTranspose2d>(*net, c.latent_dim, channels, c.feature_size(),
                           nn::ConvOptions{1, 0, 0, true}, init);
  add<nn::BatchNorm>(*net, channels, 4);
  add<nn::Activation>(*net, ActivationKind::LeakyRelu, c.leaky_slope);
  for (int64_t i = c.depth; i >= 1; --i) {
    const bool last = i == 1;
    const int64_t out = last ? c.image_channels : c.base_channels << (i - 2);
    const int64_t plain =
        kernels::conv_transpose_out_size(sizes[i], c.kernel, kStride, c.padding(), 1, 0);
    add<nn::ConvTranspose2d>(*net, channels, out, c.kernel,
                             nn::ConvOptions{kStride, c.padding(), sizes[i - 1] - plain, true},
                             init);
    if (last) {
      add<nn::Activation>(*net, ActivationKind::Tanh);
    } else {
      add<nn::BatchNorm>(*net, out, 4);
      add<nn::Activation>(*net, ActivationKind::LeakyRelu, c.leaky_slope);
    }
    channels = out;
  }
  return net;
}

}  // namespace

Autoencoder::Autoencoder(const Config& c, Generator& init) {
  c.validate();
  encoder = register_module("encoder", strided_encoder(c, c.base_channels, c.latent_dim, init));
  decoder = register_module("decoder", mirror_decoder(c, init));
}

std::vector<std::pair<std::string, nn::Module*>> Networks::all() {
  return {{"generator", generator.get()},
          {"discriminator", discriminator.get()},
          {"auxiliary", auxiliary.get()}};
}

Networks build_networks(const Config& c, Generator& init) {
  c.validate();
  Networks n;
  n.generator = std::make_shared<Autoencoder>(c, init);
  n.discriminator = strided_encoder(c, c.disc_base_channels, 1, init);
  n.discriminator->add(std::make_shared<nn::Reshape>(Shape{-1}));  // (N, 1, 1, 1) -> (N, 1)
  n.auxiliary = std::make_shared<Autoencoder>(c, init);
  return n;
}

}  // namespace nova::oclr
