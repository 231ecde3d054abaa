// Row-major GEMM on column-major cuBLAS: a row-major (r, c) array is the
// column-major (c, r) array of its transpose, so C = op(A) op(B) is computed as
// C^T = op(B)^T op(A)^T with the operands swapped and each transpose flag kept.
#include <cublas_v2.h>

#include <atomic>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "kernels/cuda/check.h"
#include "kernels/cuda/gemm.h"

namespace nova::kernels::cuda {
namespace {

std::atomic<bool> allow_tf32{false};

void check_cublas(cublasStatus_t status, const char* expr, int line) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  std::ostringstream os;
  os << "cuBLAS error " << cublasGetStatusName(status) << " (" << static_cast<int>(status)
     << "): " << cublasGetStatusString(status) << " in " << expr << " at " << __FILE__ << ":"
     << line;
  throw std::runtime_error(os.str());
}

#define NOVA_CUBLAS_CHECK(expr) check_cublas((expr), #expr, __LINE__)

// One handle, created on first use; bound to the caller's stream before each
// call. The mutex serializes host threads sharing it.
std::mutex handle_mutex;

cublasHandle_t handle() {
  static cublasHandle_t h = [] {
    cublasHandle_t created = nullptr;
    NOVA_CUBLAS_CHECK(cublasCreate(&created));
    NOVA_CUBLAS_CHECK(cublasSetPointerMode(created, CUBLAS_POINTER_MODE_HOST));
    return created;
  }();
  return h;
}

}  // namespace

void set_gemm_allow_tf32(bool allow) { allow_tf32.store(allow); }
bool gemm_allow_tf32() { return allow_tf32.load(); }

void gemm(float* c, const float* a, const float* b, int64_t m, int64_t n, int64_t k, bool trans_a,
          bool trans_b, float alpha, float beta, cudaStream_t stream) {
  if (m <= 0 || n <= 0) return;
  std::lock_guard<std::mutex> lock(handle_mutex);
  cublasHandle_t h = handle();
  NOVA_CUBLAS_CHECK(cublasSetStream(h, stream));
  NOVA_CUBLAS_CHECK(
      cublasSetMathMode(h, allow_tf32.load() ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
  // Column-major: C^T (n x m) = op(B)^T (n x k) * op(A)^T (k x m).
  const cublasOperation_t op_b = trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;
  const cublasOperation_t op_a = trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
  const int64_t ldb = trans_b ? k : n;
  const int64_t lda = trans_a ? m : k;
  const int64_t ldc = n;
  // Leading dimensions must be at least 1 even when k == 0.
  NOVA_CUBLAS_CHECK(cublasSgemm_64(h, op_b, op_a, n, m, k, &alpha, b, ldb > 0 ? ldb : 1, a,
                                   lda > 0 ? lda : 1, &beta, c, ldc));
  NOVA_LAUNCH_CHECK(cublasSgemm_64);
}

}  // namespace nova::kernels::cuda
