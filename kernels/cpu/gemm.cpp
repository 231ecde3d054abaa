// CPU GEMM: cblas when the build found a BLAS, else a cache-blocked loop;
// either way the result does not depend on the thread count.
#include "kernels/cpu/gemm.h"

#include <algorithm>
#include <climits>
#include <vector>

#ifdef NOVA_WITH_BLAS
#include <cblas.h>
#endif

namespace nova::kernels::cpu {
namespace {

// Fallback blocking: a (kBlockK x kBlockN) panel of op(B) is packed row-major
// (512 KiB in float) and streamed against one row of C at a time.
constexpr int64_t kBlockK = 256;
constexpr int64_t kBlockN = 512;
// Below this many multiply-adds per panel the loop stays on one thread.
constexpr int64_t kParallelMinWork = int64_t(1) << 15;

// C = beta * C; beta == 0 overwrites, so NaN or garbage in C is not read (as in BLAS).
template <typename T>
void scale_output(T* c, int64_t count, T beta) {
  if (beta == T(0)) {
    std::fill(c, c + count, T(0));
  } else if (beta != T(1)) {
    for (int64_t i = 0; i < count; ++i) c[i] *= beta;
  }
}

template <typename T>
void gemm_loop(T* c, const T* a, const T* b, int64_t m, int64_t n, int64_t k, bool trans_a,
               bool trans_b, T alpha, T beta) {
  scale_output(c, m * n, beta);
  if (k == 0 || alpha == T(0)) return;
  std::vector<T> panel(static_cast<size_t>(std::min(k, kBlockK) * std::min(n, kBlockN)));
  for (int64_t j0 = 0; j0 < n; j0 += kBlockN) {
    const int64_t nb = std::min(kBlockN, n - j0);
    for (int64_t k0 = 0; k0 < k; k0 += kBlockK) {
      const int64_t kb = std::min(kBlockK, k - k0);
      // panel[kk, j] = op(B)[k0 + kk, j0 + j]
      T* p = panel.data();
      for (int64_t kk = 0; kk < kb; ++kk) {
        for (int64_t j = 0; j < nb; ++j) {
          p[kk * nb + j] = trans_b ? b[(j0 + j) * k + k0 + kk] : b[(k0 + kk) * n + j0 + j];
        }
      }
      // Each row of C is owned by one thread and summed over k in a fixed
      // order, so the result does not depend on the thread count.
#pragma omp parallel for schedule(static) if (m * nb * kb >= kParallelMinWork)
      for (int64_t i = 0; i < m; ++i) {
        T* crow = c + i * n + j0;
        for (int64_t kk = 0; kk < kb; ++kk) {
          const T aik = alpha * (trans_a ? a[(k0 + kk) * m + i] : a[i * k + k0 + kk]);
          const T* prow = p + kk * nb;
#pragma omp simd
          for (int64_t j = 0; j < nb; ++j) crow[j] += aik * prow[j];
        }
      }
    }
  }
}

#ifdef NOVA_WITH_BLAS
// OpenBLAS's own threads share a product in ways that depend on how many of
// them there are, and so does the rounding: the same seed trained different
// models on 1 and 2 threads. BLAS therefore runs on one thread, on a grid of
// C tiles fixed by the shape alone, and Nova's OpenMP threads share the
// tiles: every element is the same whatever the thread count.
constexpr int64_t kBlasTileM = 256;
constexpr int64_t kBlasTileN = 512;

// Width of the tiles along n: at most kBlasTileN, and when n needs more than
// one tile, a count of tiles that is a multiple of 4, so 2 or 4 threads get
// equal shares (7 tiles of 512 on 2 threads left one thread a tile behind).
// Whole 16-column panels, so the BLAS kernels keep their full vector width.
int64_t blas_tile_n(int64_t n) {
  if (n <= kBlasTileN) return n;
  const int64_t tiles = ((n + kBlasTileN - 1) / kBlasTileN + 3) / 4 * 4;
  return ((n + tiles - 1) / tiles + 15) / 16 * 16;
}

bool fits_blas_int(int64_t m, int64_t n, int64_t k) {
  const int64_t limit = INT_MAX;
  return m <= limit && n <= limit && k <= limit;
}

void pin_blas_to_one_thread() {
  static const bool pinned = [] {
    openblas_set_num_threads(1);
    return true;
  }();
  (void)pinned;
}

void blas_call(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
               bool trans_b, int lda, int ldb, int ldc, float alpha, float beta) {
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void blas_call(double* c, const double* a, const double* b, int m, int n, int k, bool trans_a,
               bool trans_b, int lda, int ldb, int ldc, double alpha, double beta) {
  cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// One single-threaded BLAS call per tile of C; a tile of rows [i0, i0 + mb)
// and columns [j0, j0 + nb) reads the same rows of op(A) and columns of
// op(B), addressed inside the full matrices through their leading dimensions.
template <typename T>
void blas_gemm(T* c, const T* a, const T* b, int64_t m, int64_t n, int64_t k, bool trans_a,
               bool trans_b, T alpha, T beta) {
  pin_blas_to_one_thread();
  const int64_t tile_n = blas_tile_n(n);
  const int64_t tiles_m = (m + kBlasTileM - 1) / kBlasTileM;
  const int64_t tiles_n = (n + tile_n - 1) / tile_n;
  const int lda = static_cast<int>(std::max<int64_t>(1, trans_a ? m : k));
  const int ldb = static_cast<int>(std::max<int64_t>(1, trans_b ? k : n));
  const int ldc = static_cast<int>(std::max<int64_t>(1, n));
#pragma omp parallel for schedule(static) if (tiles_m * tiles_n > 1 && \
                                              m * n * k >= kParallelMinWork)
  for (int64_t t = 0; t < tiles_m * tiles_n; ++t) {
    const int64_t i0 = (t / tiles_n) * kBlasTileM, j0 = (t % tiles_n) * tile_n;
    const int64_t mb = std::min(kBlasTileM, m - i0), nb = std::min(tile_n, n - j0);
    const T* a_tile = trans_a ? a + i0 : a + i0 * k;
    const T* b_tile = trans_b ? b + j0 * k : b + j0;
    blas_call(c + i0 * n + j0, a_tile, b_tile, static_cast<int>(mb), static_cast<int>(nb),
              static_cast<int>(k), trans_a, trans_b, lda, ldb, ldc, alpha, beta);
  }
}
#endif

}  // namespace

template <typename T>
void gemm(T* c, const T* a, const T* b, int64_t m, int64_t n, int64_t k, bool trans_a, bool trans_b,
          T alpha, T beta) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    scale_output(c, m * n, beta);
    return;
  }
#ifdef NOVA_WITH_BLAS
  // Leading dimensions must fit BLAS's 32-bit int; larger products use the loop.
  if (fits_blas_int(m, n, k)) {
    blas_gemm(c, a, b, m, n, k, trans_a, trans_b, alpha, beta);
    return;
  }
#endif
  gemm_loop(c, a, b, m, n, k, trans_a, trans_b, alpha, beta);
}

bool gemm_uses_blas() {
#ifdef NOVA_WITH_BLAS
  return true;
#else
  return false;
#endif
}

template void gemm<float>(float*, const float*, const float*, int64_t, int64_t, int64_t, bool, bool,
                          float, float);
template void gemm<double>(double*, const double*, const double*, int64_t, int64_t, int64_t, bool,
                           bool, double, double);

}  // namespace nova::kernels::cpu
