// The per-element arithmetic follows the CPU kernels' order of operations with
// every product and sum rounded separately (__fmul_rn / __fadd_rn prevent
// fused multiply-adds), and IEEE sqrt and division, so both backends compute
// the same bits. Scalars derived from the hyper-parameters come from the host
// in double, rounded to float exactly as on the CPU.
#include <cmath>

#include "kernels/cuda/common.cuh"
#include "kernels/cuda/optim.h"

namespace nova::kernels::cuda {
namespace {

struct AdamScalars {
  float step_size, b1, b2, one_minus_b1, one_minus_b2, bc2_sqrt, eps, wd;
};

__device__ __forceinline__ void adam_element(float& param, float& m, float& v, float grad,
                                             const AdamScalars& k) {
  const float g = __fadd_rn(grad, __fmul_rn(k.wd, param));
  m = __fadd_rn(__fmul_rn(k.b1, m), __fmul_rn(k.one_minus_b1, g));
  v = __fadd_rn(__fmul_rn(k.b2, v), __fmul_rn(__fmul_rn(k.one_minus_b2, g), g));
  const float denom = __fadd_rn(__fdiv_rn(__fsqrt_rn(v), k.bc2_sqrt), k.eps);
  param = __fsub_rn(param, __fdiv_rn(__fmul_rn(k.step_size, m), denom));
}

__global__ void adam_kernel(float* param, float* exp_avg, float* exp_avg_sq, const float* grad,
                            int64_t n, AdamScalars k) {
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    float p = param[i], m = exp_avg[i], v = exp_avg_sq[i];
    adam_element(p, m, v, grad[i], k);
    param[i] = p;
    exp_avg[i] = m;
    exp_avg_sq[i] = v;
  }
}

// Four elements per thread with 16-byte loads and stores (aligned pointers).
__global__ void adam_vec4_kernel(float* param, float* exp_avg, float* exp_avg_sq, const float* grad,
                                 int64_t n, AdamScalars k) {
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  const int64_t tid = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t n4 = n / 4;
  for (int64_t i = tid; i < n4; i += stride) {
    float4 p = reinterpret_cast<float4*>(param)[i];
    float4 m = reinterpret_cast<float4*>(exp_avg)[i];
    float4 v = reinterpret_cast<float4*>(exp_avg_sq)[i];
    const float4 g = reinterpret_cast<const float4*>(grad)[i];
    adam_element(p.x, m.x, v.x, g.x, k);
    adam_element(p.y, m.y, v.y, g.y, k);
    adam_element(p.z, m.z, v.z, g.z, k);
    adam_element(p.w, m.w, v.w, g.w, k);
    reinterpret_cast<float4*>(param)[i] = p;
    reinterpret_cast<float4*>(exp_avg)[i] = m;
    reinterpret_cast<float4*>(exp_avg_sq)[i] = v;
  }
  const int64_t i = n4 * 4 + tid;
  if (i < n) {
    float p = param[i], m = exp_avg[i], v = exp_avg_sq[i];
    adam_element(p, m, v, grad[i], k);
    param[i] = p;
    exp_avg[i] = m;
    exp_avg_sq[i] = v;
  }
}

__global__ void sgd_kernel(float* param, float* momentum_buf, const float* grad, int64_t n,
                           float lr, float momentum, float wd, bool use_momentum, bool first_step) {
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const float p = param[i];
    const float g = __fadd_rn(grad[i], __fmul_rn(wd, p));
    float direction = g;
    if (use_momentum) {
      direction = first_step ? g : __fadd_rn(__fmul_rn(momentum, momentum_buf[i]), g);
      momentum_buf[i] = direction;
    }
    param[i] = __fsub_rn(p, __fmul_rn(lr, direction));
  }
}

}  // namespace

void adam_step(float* param, float* exp_avg, float* exp_avg_sq, const float* grad, int64_t n,
               const AdamParams& p, cudaStream_t stream) {
  if (n <= 0) return;
  const double beta1 = p.beta1, beta2 = p.beta2;
  const double step = static_cast<double>(p.step);
  const double bias_correction1 = 1.0 - std::pow(beta1, step);
  const double bias_correction2_sqrt = std::sqrt(1.0 - std::pow(beta2, step));
  AdamScalars k;
  k.step_size = static_cast<float>(static_cast<double>(p.lr) / bias_correction1);
  k.b1 = static_cast<float>(beta1);
  k.b2 = static_cast<float>(beta2);
  k.one_minus_b1 = static_cast<float>(1.0 - beta1);
  k.one_minus_b2 = static_cast<float>(1.0 - beta2);
  k.bc2_sqrt = static_cast<float>(bias_correction2_sqrt);
  k.eps = p.eps;
  k.wd = p.weight_decay;
  const bool vec = detail::aligned16(param) && detail::aligned16(exp_avg) &&
                   detail::aligned16(exp_avg_sq) && detail::aligned16(grad);
  if (vec) {
    detail::launch(adam_vec4_kernel, detail::grid_size(n / 4 > 0 ? n / 4 : 1), detail::kThreads,
                   stream, param, exp_avg, exp_avg_sq, grad, n, k);
    NOVA_LAUNCH_CHECK(adam_vec4_kernel);
  } else {
    detail::launch(adam_kernel, detail::grid_size(n), detail::kThreads, stream, param, exp_avg,
                   exp_avg_sq, grad, n, k);
    NOVA_LAUNCH_CHECK(adam_kernel);
  }
}

void sgd_step(float* param, float* momentum_buf, const float* grad, int64_t n, const SgdParams& p,
              cudaStream_t stream) {
  if (n <= 0) return;
  detail::launch(sgd_kernel, detail::grid_size(n), detail::kThreads, stream, param, momentum_buf,
                 grad, n, p.lr, p.momentum, p.weight_decay, p.momentum != 0.0f, p.first_step);
  NOVA_LAUNCH_CHECK(sgd_kernel);
}

}  // namespace nova::kernels::cuda
