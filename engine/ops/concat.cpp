// Concatenation along one axis, viewed as (outer, size, inner) blocks.
#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/ops.h"

namespace nova {

using backend::ptr;

Tensor cat(const std::vector<Tensor>& tensors, int64_t axis) {
  NOVA_CHECK(!tensors.empty(), "cat: no tensors given");
  const Tensor& first = tensors.front();
  const int64_t rank = first.dim();
  const int64_t a = axis < 0 ? axis + rank : axis;
  NOVA_CHECK(a >= 0 && a < rank, "cat: axis ", axis, " out of range for shape ",
             to_string(first.shape()));
  Shape out_shape = first.shape();
  out_shape[a] = 0;
  for (const Tensor& t : tensors) {
    check_same_kind("cat", first, t);
    bool compatible = t.dim() == rank;
    for (int64_t d = 0; compatible && d < rank; ++d) {
      compatible = d == a || t.shape()[d] == first.shape()[d];
    }
    NOVA_CHECK(compatible, "cat along axis ", a, ": shapes ", to_string(first.shape()), " and ",
               to_string(t.shape()), " differ in another axis");
    out_shape[a] += t.shape()[a];
  }
  int64_t outer = 1;
  for (int64_t d = 0; d < a; ++d) outer *= out_shape[d];
  const int64_t out_cols = outer == 0 ? 0 : shape_numel(out_shape) / outer;

  Tensor out = Tensor::empty(out_shape, first.dtype(), first.device());
  std::vector<int64_t> offsets, widths;
  int64_t offset = 0;
  for (const Tensor& t : tensors) {
    const int64_t cols = outer == 0 ? 0 : t.numel() / outer;
    NOVA_CALL(out, copy_into_columns, ptr<T>(out), ptr<T>(t), outer, cols, out_cols, offset);
    offsets.push_back(offset);
    widths.push_back(cols);
    offset += cols;
  }
  std::vector<Shape> shapes;
  for (const Tensor& t : tensors) shapes.push_back(t.shape());
  record_op(out, "cat", tensors, [=](const Tensor& g) {
    std::vector<Tensor> grads;
    for (size_t i = 0; i < shapes.size(); ++i) {
      Tensor gi = Tensor::empty(shapes[i], g.dtype(), g.device());
      NOVA_CALL(gi, copy_from_columns, ptr<T>(gi), ptr<T>(g), outer, widths[i], out_cols,
                offsets[i]);
      grads.push_back(gi);
    }
    return grads;
  });
  return out;
}

}  // namespace nova
