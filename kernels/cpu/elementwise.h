// CPU elementwise kernels over flat arrays of n elements. Outputs may alias
// inputs (out == a is an in-place update).
#pragma once

#include <cstdint>

#include "kernels/common/activation.h"

namespace nova::kernels::cpu {

enum class BinaryOp { Add, Sub, Mul };

template <typename T>
void activation_forward(T* out, const T* in, int64_t n, Activation a, T slope);

// grad_in = grad_out * activation'(x); `in` is x, `out` is activation(x).
template <typename T>
void activation_backward(T* grad_in, const T* grad_out, const T* in, const T* out, int64_t n,
                         Activation a, T slope);

template <typename T>
void binary(T* out, const T* a, const T* b, int64_t n, BinaryOp op);

// out = alpha * x + beta * y
template <typename T>
void axpby(T* out, T alpha, const T* x, T beta, const T* y, int64_t n);

// out = alpha * x + shift
template <typename T>
void scale_shift(T* out, const T* x, T alpha, T shift, int64_t n);

template <typename T>
void fill(T* out, T value, int64_t n);

// out = clamp(x, lo, hi)
template <typename T>
void clamp_forward(T* out, const T* x, T lo, T hi, int64_t n);

// grad_in = grad_out where lo <= x <= hi, else 0 (PyTorch's clamp gradient).
template <typename T>
void clamp_backward(T* grad_in, const T* grad_out, const T* x, T lo, T hi, int64_t n);

// Converts between float and double arrays (tensor dtype casts).
void convert(double* out, const float* in, int64_t n);
void convert(float* out, const double* in, int64_t n);

}  // namespace nova::kernels::cpu
