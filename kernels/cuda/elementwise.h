// CUDA elementwise kernels over flat float arrays of n elements: the twins of
// kernels/cpu/elementwise.h (same names and arguments, float only, plus the
// stream). Pointers are device pointers; outputs may alias inputs.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "kernels/common/activation.h"
#include "kernels/cpu/elementwise.h"  // BinaryOp

namespace nova::kernels::cuda {

using cpu::BinaryOp;

void activation_forward(float* out, const float* in, int64_t n, Activation a, float slope,
                        cudaStream_t stream);

// grad_in = grad_out * activation'(x); `in` is x, `out` is activation(x).
void activation_backward(float* grad_in, const float* grad_out, const float* in, const float* out,
                         int64_t n, Activation a, float slope, cudaStream_t stream);

void binary(float* out, const float* a, const float* b, int64_t n, BinaryOp op,
            cudaStream_t stream);

// out = alpha * x + beta * y
void axpby(float* out, float alpha, const float* x, float beta, const float* y, int64_t n,
           cudaStream_t stream);

// out = alpha * x + shift
void scale_shift(float* out, const float* x, float alpha, float shift, int64_t n,
                 cudaStream_t stream);

void fill(float* out, float value, int64_t n, cudaStream_t stream);

// out = clamp(x, lo, hi)
void clamp_forward(float* out, const float* x, float lo, float hi, int64_t n, cudaStream_t stream);

// grad_in = grad_out where lo <= x <= hi, else 0.
void clamp_backward(float* grad_in, const float* grad_out, const float* x, float lo, float hi,
                    int64_t n, cudaStream_t stream);

// Converts between float and double device arrays.
void convert(double* out, const float* in, int64_t n, cudaStream_t stream);
void convert(float* out, const double* in, int64_t n, cudaStream_t stream);

}  // namespace nova::kernels::cuda
