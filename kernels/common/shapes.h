// Shape structs passed to raw-pointer kernels. Sizes are 64-bit so index
// arithmetic never overflows on large tensors.
#pragma once

#include <cstdint>

namespace nova::kernels {

// Geometry of a 2-d convolution in PyTorch's sense (NCHW, weight
// [c_out, c_in, kh, kw]). A transposed convolution with weight
// [Cin_t, Cout_t, kh, kw] is described by the conv whose backward-data it is:
// c_in = Cout_t (its output), c_out = Cin_t (its input), h_in/w_in = its output
// size, h_out/w_out = its input size.
struct ConvShape {
  int64_t n = 0;
  int64_t c_in = 0, h_in = 0, w_in = 0;
  int64_t c_out = 0, h_out = 0, w_out = 0;
  int64_t kh = 0, kw = 0;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;
  int64_t dilation_h = 1, dilation_w = 1;
};

// Output size of a convolution along one axis, as torch.nn.Conv2d computes it.
inline int64_t conv_out_size(int64_t in, int64_t k, int64_t stride, int64_t pad, int64_t dilation) {
  return (in + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
}

// Output size of a transposed convolution along one axis (torch.nn.ConvTranspose2d).
inline int64_t conv_transpose_out_size(int64_t in, int64_t k, int64_t stride, int64_t pad,
                                       int64_t dilation, int64_t output_padding) {
  return (in - 1) * stride - 2 * pad + dilation * (k - 1) + output_padding + 1;
}

// A batchnorm input viewed as (n, c, hw): hw = H*W for 4-d inputs, 1 for 2-d.
struct BatchNormShape {
  int64_t n = 0, c = 0, hw = 1;
};

}  // namespace nova::kernels
