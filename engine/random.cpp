#include "engine/random.h"

#include "engine/backend.h"
#include "engine/error.h"

namespace nova {

using backend::ptr;

void fill_uniform_(Tensor& t, Generator& gen, double lo, double hi) {
  const uint64_t offset = gen.advance(static_cast<uint64_t>(t.numel()));
  NOVA_CALL(t, random_uniform, ptr<T>(t), t.numel(), gen.seed(), offset, T(lo), T(hi));
}

void fill_normal_(Tensor& t, Generator& gen, double mean, double std) {
  const uint64_t offset = gen.advance(static_cast<uint64_t>(t.numel()));
  NOVA_CALL(t, random_normal, ptr<T>(t), t.numel(), gen.seed(), offset, T(mean), T(std));
}

Tensor uniform(const Shape& shape, Generator& gen, double lo, double hi, DType dtype,
               Device device) {
  Tensor t = Tensor::empty(shape, dtype, device);
  fill_uniform_(t, gen, lo, hi);
  return t;
}

Tensor normal(const Shape& shape, Generator& gen, double mean, double std, DType dtype,
              Device device) {
  Tensor t = Tensor::empty(shape, dtype, device);
  fill_normal_(t, gen, mean, std);
  return t;
}

void write_generator_state(const Generator& gen, Tensor& state) {
  NOVA_CHECK(state.dtype() == DType::Float64 && state.numel() == 4 && state.device() == Device::CPU,
             "generator state must be a float64 [4] CPU tensor, got ", to_string(state.shape()));
  double* g = state.data<double>();
  const uint64_t words[2] = {gen.seed(), gen.offset()};
  for (int i = 0; i < 2; ++i) {
    g[2 * i] = static_cast<double>(words[i] & 0xFFFFFFFFu);
    g[2 * i + 1] = static_cast<double>(words[i] >> 32);
  }
}

Generator read_generator_state(const Tensor& state) {
  NOVA_CHECK(state.dtype() == DType::Float64 && state.numel() == 4 && state.device() == Device::CPU,
             "generator state must be a float64 [4] CPU tensor, got ", to_string(state.shape()));
  const double* g = state.data<double>();
  auto word = [&](int i) {
    return static_cast<uint64_t>(g[2 * i]) | (static_cast<uint64_t>(g[2 * i + 1]) << 32);
  };
  Generator gen(word(0));
  gen.set_offset(word(1));
  return gen;
}

}  // namespace nova
