#include "kernels/cuda/common.cuh"
#include "kernels/cuda/elementwise.h"

namespace nova::kernels::cuda {
namespace {

using detail::Inputs;
using detail::launch_map;

// The activation is a template argument so each kernel's switch folds away.
template <Activation A>
struct ActivationForward {
  float slope;
  __device__ float operator()(const float* v, float) const {
    return activation_value<float>(A, v[0], slope);
  }
};

// v = {grad_out, x} for the ReLU family, {grad_out, y} for tanh, sigmoid, exp:
// as on the CPU, the pointer that is not needed may be null and is not read.
template <Activation A>
struct ActivationBackward {
  float slope;
  __device__ float operator()(const float* v, float) const {
    constexpr bool uses_output = activation_uses_output(A);
    const float x = uses_output ? 0.0f : v[1];
    const float y = uses_output ? v[1] : 0.0f;
    return v[0] * activation_derivative<float>(A, x, y, slope);
  }
};

template <BinaryOp Op>
struct Binary {
  __device__ float operator()(const float* v, float) const {
    if constexpr (Op == BinaryOp::Add) return v[0] + v[1];
    if constexpr (Op == BinaryOp::Sub) return v[0] - v[1];
    return v[0] * v[1];
  }
};

// Products and sums rounded separately (no fused multiply-add), as the CPU
// backend computes them, so both give the same bits.
struct Axpby {
  float alpha, beta;
  __device__ float operator()(const float* v, float) const {
    return __fadd_rn(__fmul_rn(alpha, v[0]), __fmul_rn(beta, v[1]));
  }
};

struct ScaleShift {
  float alpha, shift;
  __device__ float operator()(const float* v, float) const {
    return __fadd_rn(__fmul_rn(alpha, v[0]), shift);
  }
};

struct Fill {
  float value;
  __device__ float operator()(const float*, float) const { return value; }
};

struct ClampForward {  // NaN passes through, as in torch.clamp
  float lo, hi;
  __device__ float operator()(const float* v, float) const {
    const float x = v[0];
    return x < lo ? lo : (x > hi ? hi : x);
  }
};

struct ClampBackward {  // v = {grad_out, x}
  float lo, hi;
  __device__ float operator()(const float* v, float) const {
    return (v[1] >= lo && v[1] <= hi) ? v[0] : 0.0f;
  }
};

template <typename To, typename From>
__global__ void convert_kernel(To* out, const From* in, int64_t n) {
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    out[i] = static_cast<To>(in[i]);
  }
}

template <class F>
void map1(float* out, const float* x, int64_t n, F f, cudaStream_t stream) {
  launch_map<1>(out, Inputs<1>{{x}}, nullptr, n, f, stream);
}

}  // namespace

void activation_forward(float* out, const float* in, int64_t n, Activation a, float slope,
                        cudaStream_t stream) {
  switch (a) {
    case Activation::Relu:
      return map1(out, in, n, ActivationForward<Activation::Relu>{slope}, stream);
    case Activation::LeakyRelu:
      return map1(out, in, n, ActivationForward<Activation::LeakyRelu>{slope}, stream);
    case Activation::Tanh:
      return map1(out, in, n, ActivationForward<Activation::Tanh>{slope}, stream);
    case Activation::Sigmoid:
      return map1(out, in, n, ActivationForward<Activation::Sigmoid>{slope}, stream);
    case Activation::Exp:
      return map1(out, in, n, ActivationForward<Activation::Exp>{slope}, stream);
  }
}

void activation_backward(float* grad_in, const float* grad_out, const float* in, const float* out,
                         int64_t n, Activation a, float slope, cudaStream_t stream) {
  const Inputs<2> with_x{{grad_out, in}}, with_y{{grad_out, out}};
  switch (a) {
    case Activation::Relu:
      return launch_map<2>(grad_in, with_x, nullptr, n, ActivationBackward<Activation::Relu>{slope},
                           stream);
    case Activation::LeakyRelu:
      return launch_map<2>(grad_in, with_x, nullptr, n,
                           ActivationBackward<Activation::LeakyRelu>{slope}, stream);
    case Activation::Tanh:
      return launch_map<2>(grad_in, with_y, nullptr, n, ActivationBackward<Activation::Tanh>{slope},
                           stream);
    case Activation::Sigmoid:
      return launch_map<2>(grad_in, with_y, nullptr, n,
                           ActivationBackward<Activation::Sigmoid>{slope}, stream);
    case Activation::Exp:
      return launch_map<2>(grad_in, with_y, nullptr, n, ActivationBackward<Activation::Exp>{slope},
                           stream);
  }
}

void binary(float* out, const float* a, const float* b, int64_t n, BinaryOp op,
            cudaStream_t stream) {
  const Inputs<2> v{{a, b}};
  switch (op) {
    case BinaryOp::Add:
      return launch_map<2>(out, v, nullptr, n, Binary<BinaryOp::Add>{}, stream);
    case BinaryOp::Sub:
      return launch_map<2>(out, v, nullptr, n, Binary<BinaryOp::Sub>{}, stream);
    case BinaryOp::Mul:
      return launch_map<2>(out, v, nullptr, n, Binary<BinaryOp::Mul>{}, stream);
  }
}

void axpby(float* out, float alpha, const float* x, float beta, const float* y, int64_t n,
           cudaStream_t stream) {
  launch_map<2>(out, Inputs<2>{{x, y}}, nullptr, n, Axpby{alpha, beta}, stream);
}

void scale_shift(float* out, const float* x, float alpha, float shift, int64_t n,
                 cudaStream_t stream) {
  map1(out, x, n, ScaleShift{alpha, shift}, stream);
}

void fill(float* out, float value, int64_t n, cudaStream_t stream) {
  launch_map<0>(out, Inputs<0>{{nullptr}}, nullptr, n, Fill{value}, stream);
}

void clamp_forward(float* out, const float* x, float lo, float hi, int64_t n, cudaStream_t stream) {
  map1(out, x, n, ClampForward{lo, hi}, stream);
}

void clamp_backward(float* grad_in, const float* grad_out, const float* x, float lo, float hi,
                    int64_t n, cudaStream_t stream) {
  launch_map<2>(grad_in, Inputs<2>{{grad_out, x}}, nullptr, n, ClampBackward{lo, hi}, stream);
}

void convert(double* out, const float* in, int64_t n, cudaStream_t stream) {
  if (n <= 0) return;
  detail::launch(convert_kernel<double, float>, detail::grid_size(n), detail::kThreads, stream, out,
                 in, n);
  NOVA_LAUNCH_CHECK(convert_kernel);
}

void convert(float* out, const double* in, int64_t n, cudaStream_t stream) {
  if (n <= 0) return;
  detail::launch(convert_kernel<float, double>, detail::grid_size(n), detail::kThreads, stream, out,
                 in, n);
  NOVA_LAUNCH_CHECK(convert_kernel);
}

}  // namespace nova::kernels::cuda
