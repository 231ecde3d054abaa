// CPU elementwise kernels. Every element is computed independently, so an
// output may alias an input, and the result does not depend on the thread count.
#include "kernels/cpu/elementwise.h"

#include <type_traits>

namespace nova::kernels::cpu {
namespace {

// Below this many elements the loops stay on one thread.
constexpr int64_t kParallelMin = int64_t(1) << 15;

// Each activation gets a loop of its own, the switch outside it, so the
// compiler can vectorize the ReLU family into selects instead of branching on
// every element. The loops take their arrays as parameters, not through a
// lambda's captures, so the compiler sees they do not change in the loop.
template <Activation A, typename T>
void forward_loop(T* out, const T* in, int64_t n, T slope) {
#pragma omp parallel for simd schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) out[i] = activation_value(A, in[i], slope);
}

template <Activation A, typename T>
void backward_loop(T* grad_in, const T* grad_out, const T* in, const T* out, int64_t n, T slope) {
  if constexpr (activation_uses_output(A)) {
#pragma omp parallel for simd schedule(static) if (n >= kParallelMin)
    for (int64_t i = 0; i < n; ++i) {
      grad_in[i] = grad_out[i] * activation_derivative(A, T(0), out[i], slope);
    }
  } else {
#pragma omp parallel for simd schedule(static) if (n >= kParallelMin)
    for (int64_t i = 0; i < n; ++i) {
      grad_in[i] = grad_out[i] * activation_derivative(A, in[i], T(0), slope);
    }
  }
}

// body(std::integral_constant<Activation, a>{}): a as a compile-time constant.
template <typename F>
void with_activation(Activation a, F&& body) {
  using A = Activation;
  switch (a) {
    case A::Relu:
      return body(std::integral_constant<A, A::Relu>{});
    case A::LeakyRelu:
      return body(std::integral_constant<A, A::LeakyRelu>{});
    case A::Tanh:
      return body(std::integral_constant<A, A::Tanh>{});
    case A::Sigmoid:
      return body(std::integral_constant<A, A::Sigmoid>{});
    case A::Exp:
      return body(std::integral_constant<A, A::Exp>{});
  }
}

}  // namespace

template <typename T>
void activation_forward(T* out, const T* in, int64_t n, Activation a, T slope) {
  with_activation(a, [=](auto kind) { forward_loop<decltype(kind)::value>(out, in, n, slope); });
}

// Tanh, Sigmoid and Exp read only `out`, Relu and LeakyRelu only `in`; the
// pointer that is not read may be null.
template <typename T>
void activation_backward(T* grad_in, const T* grad_out, const T* in, const T* out, int64_t n,
                         Activation a, T slope) {
  with_activation(a, [=](auto kind) {
    backward_loop<decltype(kind)::value>(grad_in, grad_out, in, out, n, slope);
  });
}

template <typename T>
void binary(T* out, const T* a, const T* b, int64_t n, BinaryOp op) {
  switch (op) {
    case BinaryOp::Add:
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
      for (int64_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
      break;
    case BinaryOp::Sub:
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
      for (int64_t i = 0; i < n; ++i) out[i] = a[i] - b[i];
      break;
    case BinaryOp::Mul:
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
      for (int64_t i = 0; i < n; ++i) out[i] = a[i] * b[i];
      break;
  }
}

template <typename T>
void axpby(T* out, T alpha, const T* x, T beta, const T* y, int64_t n) {
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) out[i] = alpha * x[i] + beta * y[i];
}

template <typename T>
void scale_shift(T* out, const T* x, T alpha, T shift, int64_t n) {
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) out[i] = alpha * x[i] + shift;
}

template <typename T>
void fill(T* out, T value, int64_t n) {
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) out[i] = value;
}

// NaN passes through (every comparison with it is false), as in torch.clamp.
template <typename T>
void clamp_forward(T* out, const T* x, T lo, T hi, int64_t n) {
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) {
    const T v = x[i];
    out[i] = v < lo ? lo : (v > hi ? hi : v);
  }
}

template <typename T>
void clamp_backward(T* grad_in, const T* grad_out, const T* x, T lo, T hi, int64_t n) {
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) {
    grad_in[i] = (x[i] >= lo && x[i] <= hi) ? grad_out[i] : T(0);
  }
}

void convert(double* out, const float* in, int64_t n) {
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<double>(in[i]);
}

void convert(float* out, const double* in, int64_t n) {
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(in[i]);
}

#define NOVA_INSTANTIATE_ELEMENTWISE(T)                                                           \
  template void activation_forward<T>(T*, const T*, int64_t, Activation, T);                      \
  template void activation_backward<T>(T*, const T*, const T*, const T*, int64_t, Activation, T); \
  template void binary<T>(T*, const T*, const T*, int64_t, BinaryOp);                             \
  template void axpby<T>(T*, T, const T*, T, const T*, int64_t);                                  \
  template void scale_shift<T>(T*, const T*, T, T, int64_t);                                      \
  template void fill<T>(T*, T, int64_t);                                                          \
  template void clamp_forward<T>(T*, const T*, T, T, int64_t);                                    \
  template void clamp_backward<T>(T*, const T*, const T*, T, T, int64_t);

NOVA_INSTANTIATE_ELEMENTWISE(float)
NOVA_INSTANTIATE_ELEMENTWISE(double)

#undef NOVA_INSTANTIATE_ELEMENTWISE

}  // namespace nova::kernels::cpu
