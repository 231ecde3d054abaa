// Same formulas as kernels/cpu/random.cpp, with products and sums rounded
// separately (no fused multiply-add) so the results match the CPU's bits.
#include "kernels/common/philox.h"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/random.h"

namespace nova::kernels::cuda {
namespace {

__global__ void uniform_kernel(float* out, int64_t n, uint64_t seed, uint64_t offset, float lo,
                               float hi) {
  const float range = __fsub_rn(hi, lo);
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const float u = philox_uniform(seed, offset + static_cast<uint64_t>(i));
    const float value = __fadd_rn(lo, __fmul_rn(range, __fsub_rn(1.0f, u)));
    out[i] = (value >= hi && hi > lo) ? lo : value;
  }
}

__global__ void normal_kernel(float* out, int64_t n, uint64_t seed, uint64_t offset, float mean,
                              float std) {
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const float z = philox_normal(seed, offset + static_cast<uint64_t>(i));
    out[i] = __fadd_rn(mean, __fmul_rn(std, z));
  }
}

__global__ void dropout_kernel(float* mask, int64_t n, uint64_t seed, uint64_t offset, float p,
                               float keep_value) {
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const float u = philox_uniform(seed, offset + static_cast<uint64_t>(i));
    mask[i] = u > p ? keep_value : 0.0f;
  }
}

}  // namespace

void random_uniform(float* out, int64_t n, uint64_t seed, uint64_t offset, float lo, float hi,
                    cudaStream_t stream) {
  if (n <= 0) return;
  detail::launch(uniform_kernel, detail::grid_size(n), detail::kThreads, stream, out, n, seed,
                 offset, lo, hi);
  NOVA_LAUNCH_CHECK(uniform_kernel);
}

void random_normal(float* out, int64_t n, uint64_t seed, uint64_t offset, float mean, float std,
                   cudaStream_t stream) {
  if (n <= 0) return;
  detail::launch(normal_kernel, detail::grid_size(n), detail::kThreads, stream, out, n, seed,
                 offset, mean, std);
  NOVA_LAUNCH_CHECK(normal_kernel);
}

void dropout_mask(float* mask, int64_t n, uint64_t seed, uint64_t offset, float p,
                  cudaStream_t stream) {
  if (n <= 0) return;
  const float keep_value = p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;  // computed on the host
  detail::launch(dropout_kernel, detail::grid_size(n), detail::kThreads, stream, mask, n, seed,
                 offset, p, keep_value);
  NOVA_LAUNCH_CHECK(dropout_kernel);
}

}  // namespace nova::kernels::cuda
