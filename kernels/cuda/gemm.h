// CUDA GEMM through cuBLAS, row-major like kernels/cpu/gemm.h:
// C = alpha * op(A) * op(B) + beta * C, op(X) = X or X^T; device pointers, plus
// the stream. beta == 0 overwrites C without reading it (BLAS convention).
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace nova::kernels::cuda {

void gemm(float* c,        // (m, n)
          const float* a,  // (m, k), or (k, m) when trans_a
          const float* b,  // (k, n), or (n, k) when trans_b
          int64_t m, int64_t n, int64_t k, bool trans_a, bool trans_b, float alpha, float beta,
          cudaStream_t stream);

// Lets cuBLAS use TF32 tensor cores (off by default: full FP32 is the
// reference). Applies to later gemm calls.
void set_gemm_allow_tf32(bool allow);
bool gemm_allow_tf32();

}  // namespace nova::kernels::cuda
