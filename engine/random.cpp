#include "engine/random.h"

#include "engine/backend.h"

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

}  // namespace nova
