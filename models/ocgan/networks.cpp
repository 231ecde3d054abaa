#include "models/ocgan/networks.h"

#include "kernels/common/shapes.h"

namespace nova::ocgan {

namespace {

using nn::ActivationKind;

template <typename L, typename... Args>
void add(nn::Sequential& net, Args&&... args) {
  net.add(std::make_shared<L>(std::forward<Args>(args)...));
}

// conv 5x5 stride 2 -> batchnorm -> activation, the block every conv net here repeats.
void add_conv_block(nn::Sequential& net, int64_t in, int64_t out, int64_t padding,
                    ActivationKind act, double slope, Generator& gen) {
  add<nn::Conv2d>(net, in, out, kKernel, nn::ConvOptions{kStride, padding, 0, true}, gen);
  add<nn::BatchNorm>(net, out, 4);
  add<nn::Activation>(net, act, slope);
}

// A conv net ending in one logit: the visual discriminator and the classifier.
// The paper: three 5x5 stride-2 convolutions, batchnorm and ReLU after each.
std::shared_ptr<nn::Sequential> conv_critic(const Config& c, int64_t base, Generator& gen) {
  auto net = std::make_shared<nn::Sequential>();
  int64_t channels = c.image_channels, size = c.image_size;
  for (int64_t i = 0; i < 3; ++i) {
    const int64_t out = base << i;
    add_conv_block(*net, channels, out, c.padding, ActivationKind::Relu, 0.0, gen);
    channels = out;
    size = kernels::conv_out_size(size, kKernel, kStride, c.padding, 1);
  }
  add<nn::Reshape>(*net, Shape{-1});
  add<nn::Linear>(*net, channels * size * size, 1, gen);
  return net;
}

}  // namespace

std::vector<std::pair<std::string, nn::Module*>> Networks::all() {
  return {{"encoder", encoder.get()},
          {"decoder", decoder.get()},
          {"latent_disc", latent_disc.get()},
          {"visual_disc", visual_disc.get()},
          {"classifier", classifier.get()}};
}

Networks build_networks(const Config& c, Generator& gen) {
  c.validate();
  Networks n;
  // Encoder: conv-BN-LeakyReLU blocks, then a last conv followed immediately
  // by tanh, bounding the latent space to (-1, 1)^d (the released code: a
  // leaky ReLU, unbounded).
  n.encoder = std::make_shared<nn::Sequential>();
  std::vector<int64_t> sizes{c.image_size};
  std::vector<int64_t> channels{c.image_channels};
  for (int64_t i = 0; i < c.depth; ++i) {
    const bool last = i + 1 == c.depth;
    const int64_t out = last ? c.latent_channels : c.base_channels << i;
    if (last) {
      add<nn::Conv2d>(*n.encoder, channels.back(), out, kKernel,
                      nn::ConvOptions{kStride, c.padding, 0, true}, gen);
      if (c.latent_activation == "tanh") {
        add<nn::Activation>(*n.encoder, ActivationKind::Tanh);
      } else {
        add<nn::Activation>(*n.encoder, ActivationKind::LeakyRelu, c.leaky_slope);
      }
    } else {
      add_conv_block(*n.encoder, channels.back(), out, c.padding, ActivationKind::LeakyRelu,
                     c.leaky_slope, gen);
    }
    channels.push_back(out);
    sizes.push_back(kernels::conv_out_size(sizes.back(), kKernel, kStride, c.padding, 1));
  }

  // Decoder: transposed convs retracing the encoder's sizes exactly (the
  // output padding recovers sizes that stride 2 rounded down), BN and
  // LeakyReLU (released: ReLU, and dropout after the first block) after each
  // but the last, which ends in tanh.
  n.decoder = std::make_shared<nn::Sequential>();
  const bool relu = c.decoder_activation == "relu";
  for (int64_t i = c.depth; i >= 1; --i) {
    const int64_t in_size = sizes[i], target = sizes[i - 1];
    const int64_t plain =
        kernels::conv_transpose_out_size(in_size, kKernel, kStride, c.padding, 1, 0);
    const int64_t out_channels = i == 1 ? c.image_channels : channels[i - 1];
    add<nn::ConvTranspose2d>(*n.decoder, channels[i], out_channels, kKernel,
                             nn::ConvOptions{kStride, c.padding, target - plain, true}, gen);
    if (i == 1) {
      add<nn::Activation>(*n.decoder, ActivationKind::Tanh);
      continue;
    }
    add<nn::BatchNorm>(*n.decoder, out_channels, 4);
    add<nn::Activation>(*n.decoder, relu ? ActivationKind::Relu : ActivationKind::LeakyRelu,
                        relu ? 0.0 : c.leaky_slope);
    if (i == c.depth && c.decoder_dropout > 0.0) {
      add<nn::Dropout>(*n.decoder, c.decoder_dropout, gen);
    }
  }

  // Latent discriminator: fully connected 128-64-32-16 with BN (not in the
  // released code) and ReLU, then a logit.
  n.latent_disc = std::make_shared<nn::Sequential>();
  add<nn::Reshape>(*n.latent_disc, Shape{-1});
  int64_t width = c.latent_dim();
  for (int64_t w : c.latent_disc_widths) {
    add<nn::Linear>(*n.latent_disc, width, w, gen);
    if (c.latent_disc_batchnorm) add<nn::BatchNorm>(*n.latent_disc, w, 2);
    add<nn::Activation>(*n.latent_disc, ActivationKind::Relu);
    width = w;
  }
  add<nn::Linear>(*n.latent_disc, width, 1, gen);

  n.visual_disc = conv_critic(c, c.visual_base_channels, gen);
  n.classifier = conv_critic(c, c.classifier_base_channels, gen);
  return n;
}

}  // namespace nova::ocgan
