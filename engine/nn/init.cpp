#include "engine/nn/init.h"

#include <cmath>

#include "engine/error.h"

namespace nova::nn::init {

namespace {
int64_t receptive_field(const Tensor& w) {
  int64_t r = 1;
  for (int64_t d = 2; d < w.dim(); ++d) r *= w.size(d);
  return r;
}
double leaky_gain(double a) { return std::sqrt(2.0 / (1.0 + a * a)); }
}  // namespace

int64_t fan_in(const Tensor& w) {
  NOVA_CHECK(w.dim() >= 2, "fan_in needs a weight of rank >= 2, got ", to_string(w.shape()));
  return w.size(1) * receptive_field(w);
}

int64_t fan_out(const Tensor& w) {
  NOVA_CHECK(w.dim() >= 2, "fan_out needs a weight of rank >= 2, got ", to_string(w.shape()));
  return w.size(0) * receptive_field(w);
}

void uniform_(Tensor& t, Generator& gen, double lo, double hi) { fill_uniform_(t, gen, lo, hi); }
void normal_(Tensor& t, Generator& gen, double mean, double std) {
  fill_normal_(t, gen, mean, std);
}
void constant_(Tensor& t, double value) {
  t.copy_from(Tensor::full(t.shape(), value, t.dtype(), Device::CPU));
}

void kaiming_uniform_(Tensor& t, Generator& gen, double a) {
  const double bound = leaky_gain(a) * std::sqrt(3.0 / static_cast<double>(fan_in(t)));
  uniform_(t, gen, -bound, bound);
}

void kaiming_normal_(Tensor& t, Generator& gen, double a) {
  normal_(t, gen, 0.0, leaky_gain(a) / std::sqrt(static_cast<double>(fan_in(t))));
}

void xavier_uniform_(Tensor& t, Generator& gen, double gain) {
  const double bound = gain * std::sqrt(6.0 / static_cast<double>(fan_in(t) + fan_out(t)));
  uniform_(t, gen, -bound, bound);
}

void xavier_normal_(Tensor& t, Generator& gen, double gain) {
  normal_(t, gen, 0.0, gain * std::sqrt(2.0 / static_cast<double>(fan_in(t) + fan_out(t))));
}

void torch_default_(Tensor& weight, Tensor& bias, Generator& gen) {
  kaiming_uniform_(weight, gen, std::sqrt(5.0));
  if (bias.defined()) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in(weight)));
    uniform_(bias, gen, -bound, bound);
  }
}

}  // namespace nova::nn::init
