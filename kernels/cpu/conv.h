// CPU reference convolution kernels (PyTorch semantics, NCHW, weight
// [c_out, c_in, kh, kw]). Three kernels serve both conv2d and
// conv_transpose2d: a transposed conv's forward is conv2d_backward_input, its
// grad-input is conv2d_forward, its grad-weight is conv2d_backward_weight with
// the roles of input and grad-output swapped. Each kernel overwrites its output.
#pragma once

#include <cstdint>

#include "kernels/common/shapes.h"

namespace nova::kernels::cpu {

template <typename T>
void conv2d_forward(T* out,           // (n, c_out, h_out, w_out)
                    const T* in,      // (n, c_in, h_in, w_in)
                    const T* weight,  // (c_out, c_in, kh, kw)
                    const ConvShape& s);

template <typename T>
void conv2d_backward_input(T* grad_in,         // (n, c_in, h_in, w_in)
                           const T* grad_out,  // (n, c_out, h_out, w_out)
                           const T* weight,    // (c_out, c_in, kh, kw)
                           const ConvShape& s);

template <typename T>
void conv2d_backward_weight(T* grad_weight,     // (c_out, c_in, kh, kw)
                            const T* grad_out,  // (n, c_out, h_out, w_out)
                            const T* in,        // (n, c_in, h_in, w_in)
                            const ConvShape& s);

// out[i, c, p] += bias[c]: the bias of conv, transposed conv and linear (hw = 1).
template <typename T>
void add_channel_bias(T* out,         // (n, c, hw)
                      const T* bias,  // (c)
                      int64_t n, int64_t c, int64_t hw);

// grad_bias[c] = sum over i, p of grad_out[i, c, p]: the bias gradient.
template <typename T>
void channel_sum(T* grad_bias,       // (c)
                 const T* grad_out,  // (n, c, hw)
                 int64_t n, int64_t c, int64_t hw);

}  // namespace nova::kernels::cpu
