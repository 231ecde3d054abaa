// Weight initializers, all drawing from a seeded Generator.
#pragma once

#include "engine/random.h"
#include "engine/tensor.h"

namespace nova::nn::init {

// fan_in / fan_out as torch.nn.init computes them: dim 1 / dim 0 times the
// receptive field (so a transposed conv's fan_in is its weight's dim 1).
int64_t fan_in(const Tensor& weight);
int64_t fan_out(const Tensor& weight);

void uniform_(Tensor& t, Generator& gen, double lo, double hi);
void normal_(Tensor& t, Generator& gen, double mean, double std);
void constant_(Tensor& t, double value);
// Kaiming (He) for leaky-ReLU slope a, fan-in mode.
void kaiming_uniform_(Tensor& t, Generator& gen, double a = 0.0);
void kaiming_normal_(Tensor& t, Generator& gen, double a = 0.0);
void xavier_uniform_(Tensor& t, Generator& gen, double gain = 1.0);
void xavier_normal_(Tensor& t, Generator& gen, double gain = 1.0);
// PyTorch's default for Conv and Linear: weight kaiming_uniform(a = sqrt(5)),
// i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the bias U(-1/sqrt(fan_in), ...).
void torch_default_(Tensor& weight, Tensor& bias, Generator& gen);

}  // namespace nova::nn::init
