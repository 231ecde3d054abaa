// CPU GEMM, row-major: C = alpha * op(A) * op(B) + beta * C, op(X) = X or X^T.
// Uses the system BLAS (cblas) when the build found one, else a blocked loop.
#pragma once

#include <cstdint>

namespace nova::kernels::cpu {

template <typename T>
void gemm(T* c,        // (m, n)
          const T* a,  // (m, k), or (k, m) when trans_a
          const T* b,  // (k, n), or (n, k) when trans_b
          int64_t m, int64_t n, int64_t k, bool trans_a, bool trans_b, T alpha, T beta);

// True when gemm calls a BLAS library rather than the fallback loop.
bool gemm_uses_blas();

}  // namespace nova::kernels::cpu
