// Sums and means, over everything or per sample.
#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/ops.h"

namespace nova {

using backend::ptr;

namespace {

// out (rows) = scale * row sums of x viewed as (rows, cols).
Tensor reduce_rows(const char* name, const Tensor& x, int64_t rows, double scale_by,
                   const Shape& out_shape) {
  const int64_t cols = rows == 0 ? 0 : x.numel() / rows;
  Tensor out = Tensor::empty(out_shape, x.dtype(), x.device());
  NOVA_CALL(out, row_sum, ptr<T>(out), ptr<T>(x), rows, cols, T(scale_by));
  const Shape in_shape = x.shape();
  record_op(out, name, {x}, [=](const Tensor& g) {
    Tensor gx = Tensor::empty(in_shape, g.dtype(), g.device());
    NOVA_CALL(gx, broadcast_rows, ptr<T>(gx), ptr<T>(g), rows, cols, T(scale_by));
    return std::vector<Tensor>{gx};
  });
  return out;
}

int64_t per_sample_count(const char* name, const Tensor& x) {
  NOVA_CHECK(x.dim() >= 1 && x.size(0) > 0, name, ": needs a batch dimension, got shape ",
             to_string(x.shape()));
  return x.size(0);
}

}  // namespace

Tensor sum(const Tensor& x) { return reduce_rows("sum", x, 1, 1.0, {1}); }

Tensor mean(const Tensor& x) {
  NOVA_CHECK(x.numel() > 0, "mean of an empty tensor");
  return reduce_rows("mean", x, 1, 1.0 / static_cast<double>(x.numel()), {1});
}

Tensor sum_per_sample(const Tensor& x) {
  const int64_t n = per_sample_count("sum_per_sample", x);
  return reduce_rows("sum_per_sample", x, n, 1.0, {n});
}

Tensor mean_per_sample(const Tensor& x) {
  const int64_t n = per_sample_count("mean_per_sample", x);
  return reduce_rows("mean_per_sample", x, n, static_cast<double>(n) / x.numel(), {n});
}

}  // namespace nova
