// conv2d and conv_transpose2d. Three kernels serve both: a transposed conv's
// forward is the conv's backward-data, its backward-data is the conv's forward,
// and both weight gradients are the conv's backward-weight.
#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/ops.h"

namespace nova {

using backend::ptr;
using kernels::ConvShape;

namespace {

void check_conv_args(const char* op, const Tensor& x, const Tensor& w, const Tensor& bias,
                     const Conv2dOptions& o) {
  NOVA_CHECK(x.dim() == 4, op, ": input must be (N, C, H, W), got ", to_string(x.shape()));
  NOVA_CHECK(w.dim() == 4, op, ": weight must be 4-d, got ", to_string(w.shape()));
  check_same_kind(op, x, w);
  NOVA_CHECK(o.stride >= 1 && o.dilation >= 1 && o.padding >= 0, op, ": stride ", o.stride,
             ", dilation ", o.dilation, " must be >= 1 and padding ", o.padding, " >= 0");
  if (bias.defined()) check_same_kind(op, x, bias);
}

Tensor channel_sum_of(const Tensor& g, int64_t n, int64_t c, int64_t hw) {
  Tensor gb = Tensor::empty({c}, g.dtype(), g.device());
  NOVA_CALL(gb, channel_sum, ptr<T>(gb), ptr<T>(g), n, c, hw);
  return gb;
}

void add_bias(Tensor& out, const Tensor& bias, int64_t n, int64_t c, int64_t hw) {
  NOVA_CHECK(bias.shape() == Shape{c}, "bias of shape ", to_string(bias.shape()), " for ", c,
             " output channels");
  NOVA_CALL(out, add_channel_bias, ptr<T>(out), ptr<T>(bias), n, c, hw);
}

Tensor conv_forward_raw(const Tensor& in, const Tensor& w, const ConvShape& s) {
  Tensor out = Tensor::empty({s.n, s.c_out, s.h_out, s.w_out}, in.dtype(), in.device());
  NOVA_CALL(out, conv2d_forward, ptr<T>(out), ptr<T>(in), ptr<T>(w), s);
  return out;
}

Tensor conv_backward_input_raw(const Tensor& grad_out, const Tensor& w, const ConvShape& s) {
  Tensor gi = Tensor::empty({s.n, s.c_in, s.h_in, s.w_in}, grad_out.dtype(), grad_out.device());
  NOVA_CALL(gi, conv2d_backward_input, ptr<T>(gi), ptr<T>(grad_out), ptr<T>(w), s);
  return gi;
}

Tensor conv_backward_weight_raw(const Tensor& grad_out, const Tensor& in, const ConvShape& s) {
  Tensor gw = Tensor::empty({s.c_out, s.c_in, s.kh, s.kw}, in.dtype(), in.device());
  NOVA_CALL(gw, conv2d_backward_weight, ptr<T>(gw), ptr<T>(grad_out), ptr<T>(in), s);
  return gw;
}

}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const Conv2dOptions& o) {
  check_conv_args("conv2d", x, weight, bias, o);
  NOVA_CHECK(x.size(1) == weight.size(1), "conv2d: input has ", x.size(1), " channels but weight ",
             to_string(weight.shape()), " expects ", weight.size(1));
  ConvShape s;
  s.n = x.size(0);
  s.c_in = x.size(1);
  s.h_in = x.size(2);
  s.w_in = x.size(3);
  s.c_out = weight.size(0);
  s.kh = weight.size(2);
  s.kw = weight.size(3);
  s.stride_h = s.stride_w = o.stride;
  s.pad_h = s.pad_w = o.padding;
  s.dilation_h = s.dilation_w = o.dilation;
  s.h_out = kernels::conv_out_size(s.h_in, s.kh, o.stride, o.padding, o.dilation);
  s.w_out = kernels::conv_out_size(s.w_in, s.kw, o.stride, o.padding, o.dilation);
  NOVA_CHECK(s.h_out > 0 && s.w_out > 0, "conv2d: input ", to_string(x.shape()),
             " is too small for kernel ", s.kh, "x", s.kw, " with padding ", o.padding);

  Tensor out = conv_forward_raw(x, weight, s);
  if (bias.defined()) add_bias(out, bias, s.n, s.c_out, s.h_out * s.w_out);
  const Tensor x_saved = x.detach(), w_saved = weight.detach();
  const bool has_bias = bias.defined();
  record_op(out, "conv2d", {x, weight, bias}, [=](const Tensor& g) {
    return std::vector<Tensor>{
        x.requires_grad() ? conv_backward_input_raw(g, w_saved, s) : Tensor(),
        weight.requires_grad() ? conv_backward_weight_raw(g, x_saved, s) : Tensor(),
        has_bias ? channel_sum_of(g, s.n, s.c_out, s.h_out * s.w_out) : Tensor()};
  });
  return out;
}

Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                        const Conv2dOptions& o) {
  check_conv_args("conv_transpose2d", x, weight, bias, o);
  NOVA_CHECK(x.size(1) == weight.size(0), "conv_transpose2d: input has ", x.size(1),
             " channels but weight ", to_string(weight.shape()), " expects ", weight.size(0));
  NOVA_CHECK(
      o.output_padding >= 0 && (o.output_padding < o.stride || o.output_padding < o.dilation),
      "conv_transpose2d: output_padding ", o.output_padding,
      " must be smaller than stride or dilation");
  // The conv whose backward-data this layer is: its output is our input.
  ConvShape s;
  s.n = x.size(0);
  s.c_out = x.size(1);
  s.h_out = x.size(2);
  s.w_out = x.size(3);
  s.c_in = weight.size(1);
  s.kh = weight.size(2);
  s.kw = weight.size(3);
  s.stride_h = s.stride_w = o.stride;
  s.pad_h = s.pad_w = o.padding;
  s.dilation_h = s.dilation_w = o.dilation;
  s.h_in = kernels::conv_transpose_out_size(s.h_out, s.kh, o.stride, o.padding, o.dilation,
                                            o.output_padding);
  s.w_in = kernels::conv_transpose_out_size(s.w_out, s.kw, o.stride, o.padding, o.dilation,
                                            o.output_padding);
  NOVA_CHECK(s.h_in > 0 && s.w_in > 0, "conv_transpose2d: output size would be ", s.h_in, "x",
             s.w_in, " for input ", to_string(x.shape()));

  Tensor out = conv_backward_input_raw(x, weight, s);
  if (bias.defined()) add_bias(out, bias, s.n, s.c_in, s.h_in * s.w_in);
  const Tensor x_saved = x.detach(), w_saved = weight.detach();
  const bool has_bias = bias.defined();
  record_op(out, "conv_transpose2d", {x, weight, bias}, [=](const Tensor& g) {
    return std::vector<Tensor>{
        x.requires_grad() ? conv_forward_raw(g, w_saved, s) : Tensor(),
        weight.requires_grad() ? conv_backward_weight_raw(x_saved, g, s) : Tensor(),
        has_bias ? channel_sum_of(g, s.n, s.c_in, s.h_in * s.w_in) : Tensor()};
  });
  return out;
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  NOVA_CHECK(x.dim() == 2, "linear: input must be (N, features), got ", to_string(x.shape()));
  NOVA_CHECK(weight.dim() == 2 && weight.size(1) == x.size(1), "linear: input ",
             to_string(x.shape()), " does not match weight ", to_string(weight.shape()),
             " (expected [out, ", x.size(1), "])");
  check_same_kind("linear", x, weight);
  const int64_t n = x.size(0), in = x.size(1), out_features = weight.size(0);
  Tensor out = Tensor::empty({n, out_features}, x.dtype(), x.device());
  NOVA_CALL(out, gemm, ptr<T>(out), ptr<T>(x), ptr<T>(weight), n, out_features, in, false, true,
            T(1), T(0));
  if (bias.defined()) add_bias(out, bias, n, out_features, 1);
  const Tensor x_saved = x.detach(), w_saved = weight.detach();
  const bool has_bias = bias.defined();
  record_op(out, "linear", {x, weight, bias}, [=](const Tensor& g) {
    Tensor gx, gw;
    if (x.requires_grad()) {
      gx = Tensor::empty({n, in}, g.dtype(), g.device());
      NOVA_CALL(gx, gemm, ptr<T>(gx), ptr<T>(g), ptr<T>(w_saved), n, in, out_features, false, false,
                T(1), T(0));
    }
    if (weight.requires_grad()) {
      gw = Tensor::empty({out_features, in}, g.dtype(), g.device());
      NOVA_CALL(gw, gemm, ptr<T>(gw), ptr<T>(g), ptr<T>(x_saved), out_features, in, n, true, false,
                T(1), T(0));
    }
    return std::vector<Tensor>{gx, gw, has_bias ? channel_sum_of(g, n, out_features, 1) : Tensor()};
  });
  return out;
}

}  // namespace nova
