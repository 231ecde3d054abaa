// "nova_cuda": the CUDA backend's kernels (kernels/cuda) on the runtime's one
// stream, as the engine calls them; "nova_cuda_direct" and
// "nova_cuda_implicit_gemm": the conv kernels' versions (see
// kernels/cuda/conv.h), for the conv ops only. Compiled in CUDA builds only.
#include <cuda_runtime_api.h>

#include <string>
#include <utility>

#include "benchmarks/kernels/implementation.h"
#include "benchmarks/kernels/nova_calls.h"
#include "kernels/cuda/batchnorm.h"
#include "kernels/cuda/conv.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/gemm.h"
#include "kernels/cuda/loss.h"
#include "kernels/cuda/optim.h"
#include "kernels/cuda/random.h"
#include "kernels/cuda/reduce.h"
#include "kernels/cuda/runtime.h"

namespace nova::bench {
namespace {

cudaStream_t runtime_stream() { return static_cast<cudaStream_t>(cuda::stream_handle()); }

// The kernel set of prepare_nova_call for kernels::cuda.
struct CudaKernels {
  static constexpr Backend backend = Backend::Cuda;

#define NOVA_BENCH_FORWARD_TO_CUDA(name)            \
  template <typename... Args>                       \
  static void name(Args... args) {                  \
    kernels::cuda::name(args..., runtime_stream()); \
  }
  NOVA_BENCH_FOR_EACH_KERNEL(NOVA_BENCH_FORWARD_TO_CUDA)
#undef NOVA_BENCH_FORWARD_TO_CUDA
};

// A conv call that first selects the conv kernels' version `algorithm`: the
// setting is one for the whole process, shared by the implementations, so
// each call sets it again.
Call with_conv_algorithm(Call conv, std::string algorithm) {
  if (!conv) return {};
  return [conv = std::move(conv), algorithm = std::move(algorithm)] {
    kernels::cuda::set_conv_algorithm(algorithm);
    conv();
  };
}

Call prepare_cuda(const BenchCase& c) {
  Call call = prepare_nova_call<CudaKernels>(c);
  return op_family(c.op) == OpFamily::Conv ? with_conv_algorithm(std::move(call), "auto") : call;
}

// The conv versions alone: every other op has one CUDA kernel, timed by nova_cuda.
Call prepare_conv_version(const BenchCase& c, const std::string& algorithm) {
  if (op_family(c.op) != OpFamily::Conv) return {};
  return with_conv_algorithm(prepare_nova_call<CudaKernels>(c), algorithm);
}

}  // namespace

void add_cuda_implementations(std::vector<Implementation>& out) {
  // GEMM is cuBLAS with TF32 off, the engine's default, set here so the rows
  // stay full FP32 whatever the environment.
  kernels::cuda::set_gemm_allow_tf32(false);
  out.push_back({"nova_cuda", Backend::Cuda, false,
                 "kernels/cuda, conv algorithm \"auto\", GEMM via cuBLAS without TF32",
                 prepare_cuda});
  out.push_back({"nova_cuda_direct", Backend::Cuda, false,
                 "kernels/cuda conv, algorithm \"direct\"",
                 [](const BenchCase& c) { return prepare_conv_version(c, "direct"); }});
  out.push_back({"nova_cuda_implicit_gemm", Backend::Cuda, false,
                 "kernels/cuda conv, algorithm \"implicit_gemm\"",
                 [](const BenchCase& c) { return prepare_conv_version(c, "implicit_gemm"); }});
}

}  // namespace nova::bench
