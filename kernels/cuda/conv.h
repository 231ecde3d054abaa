// CUDA convolution kernels: the twins of kernels/cpu/conv.h (float, device
// pointers, plus the stream). PyTorch semantics, NCHW, weight [c_out, c_in, kh,
// kw]; a transposed conv's forward is conv2d_backward_input. Each kernel
// overwrites its output. No cuDNN, no cuBLAS, no atomics: every output element
// is a fixed-order sum, so results are bit-identical from run to run.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/common/shapes.h"

namespace nova::kernels::cuda {

void conv2d_forward(float* out,           // (n, c_out, h_out, w_out)
                    const float* in,      // (n, c_in, h_in, w_in)
                    const float* weight,  // (c_out, c_in, kh, kw)
                    const ConvShape& s, cudaStream_t stream);

void conv2d_backward_input(float* grad_in,         // (n, c_in, h_in, w_in)
                           const float* grad_out,  // (n, c_out, h_out, w_out)
                           const float* weight,    // (c_out, c_in, kh, kw)
                           const ConvShape& s, cudaStream_t stream);

void conv2d_backward_weight(float* grad_weight,     // (c_out, c_in, kh, kw)
                            const float* grad_out,  // (n, c_out, h_out, w_out)
                            const float* in,        // (n, c_in, h_in, w_in)
                            const ConvShape& s, cudaStream_t stream);

// out[i, c, p] += bias[c]
void add_channel_bias(float* out,         // (n, c, hw)
                      const float* bias,  // (c)
                      int64_t n, int64_t c, int64_t hw, cudaStream_t stream);

// grad_bias[c] = sum over i, p of grad_out[i, c, p]
void channel_sum(float* grad_bias,       // (c)
                 const float* grad_out,  // (n, c, hw)
                 int64_t n, int64_t c, int64_t hw, cudaStream_t stream);

// The conv kernels come in versions kept side by side for benchmarks:
//   "direct":        one thread per output element (forward, backward-input),
//                    one warp per weight element (backward-weight); the plain
//                    reference.
//   "implicit_gemm": 64x64 shared-memory tiles of the convolution seen as a
//                    GEMM, gathering the input on the fly; backward-input is
//                    split into stride phases so no zero taps are multiplied;
//                    a deterministic split-K (partials added in a fixed order
//                    by a second kernel) when there are too few tiles.
//   "auto":          implicit_gemm, except direct where the GEMM has fewer
//                    than 8 rows (output channels; input channels for
//                    backward-input), which would leave most of a tile idle.
// The default is "auto", or the environment's NOVA_CONV_ALGO. Shapes the
// implicit GEMM does not handle (strides above 4, kernels above 16, sizes past
// 2^31) fall back to "direct". Full FP32 throughout (no TF32). Throws
// std::invalid_argument for an unknown name.
void set_conv_algorithm(const std::string& name);
std::string conv_algorithm();
std::vector<std::string> conv_algorithms();

}  // namespace nova::kernels::cuda
