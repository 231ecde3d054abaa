// "cublas": cublasSgemm called directly on the GEMM cases, the reference for
// nova_cuda's GEMM. CUBLAS_DEFAULT_MATH: full FP32, no TF32 tensor cores.
#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>

#include "benchmarks/kernels/buffers.h"
#include "benchmarks/kernels/implementation.h"
#include "benchmarks/kernels/op_arrays.h"
#include "kernels/cuda/runtime.h"

namespace nova::bench {
namespace {

void check_cublas(cublasStatus_t status, const char* expr) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  throw std::runtime_error(std::string("cuBLAS error ") + cublasGetStatusName(status) + " (" +
                           cublasGetStatusString(status) + ") in " + expr);
}

#define BENCH_CUBLAS_CHECK(expr) check_cublas((expr), #expr)

cublasHandle_t cublas_handle() {
  static cublasHandle_t handle = [] {
    cublasHandle_t h = nullptr;
    BENCH_CUBLAS_CHECK(cublasCreate(&h));
    BENCH_CUBLAS_CHECK(cublasSetMathMode(h, CUBLAS_DEFAULT_MATH));
    BENCH_CUBLAS_CHECK(
        cublasSetStream(h, static_cast<cudaStream_t>(::nova::cuda::stream_handle())));
    return h;
  }();
  return handle;
}

// Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T, so the
// operands go in swapped, each with its row-major row length as leading dimension.
Call prepare_cublas(const BenchCase& c) {
  if (c.op != Op::Gemm) return {};
  auto buffers = make_buffers(Backend::Cuda);
  const GemmShape g = c.gemm;
  const GemmArrays arrays = gemm_arrays(*buffers, g);
  const int m = static_cast<int>(g.m), n = static_cast<int>(g.n), k = static_cast<int>(g.k);
  const int lda = g.trans_a ? m : k, ldb = g.trans_b ? k : n;
  const cublasOperation_t op_a = g.trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
  const cublasOperation_t op_b = g.trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;
  cublasHandle_t handle = cublas_handle();
  return keeping(buffers, [=] {
    const float one = 1.0f, zero = 0.0f;
    BENCH_CUBLAS_CHECK(cublasSgemm(handle, op_b, op_a, n, m, k, &one, arrays.b, ldb, arrays.a, lda,
                                   &zero, arrays.out, n));
  });
}

}  // namespace

void add_cublas_implementation(std::vector<Implementation>& out) {
  out.push_back({"cublas", Backend::Cuda, true, "cublasSgemm, CUBLAS_DEFAULT_MATH (no TF32)",
                 prepare_cublas});
}

}  // namespace nova::bench
