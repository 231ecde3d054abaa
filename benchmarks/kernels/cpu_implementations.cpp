// "nova_cpu": the CPU backend's kernels (kernels/cpu), in float.
#include <string>

#include "benchmarks/kernels/implementation.h"
#include "benchmarks/kernels/nova_calls.h"
#include "kernels/cpu/batchnorm.h"
#include "kernels/cpu/conv.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/loss.h"
#include "kernels/cpu/optim.h"
#include "kernels/cpu/random.h"
#include "kernels/cpu/reduce.h"

namespace nova::bench {
namespace {

// The kernel set of prepare_nova_call for kernels::cpu. The float is named
// because some arguments (a null pointer) would not deduce it.
struct CpuKernels {
  static constexpr Backend backend = Backend::Cpu;

#define NOVA_BENCH_FORWARD_TO_CPU(name) \
  template <typename... Args>           \
  static void name(Args... args) {      \
    kernels::cpu::name<float>(args...); \
  }
  NOVA_BENCH_FOR_EACH_KERNEL(NOVA_BENCH_FORWARD_TO_CPU)
#undef NOVA_BENCH_FORWARD_TO_CPU
};

}  // namespace

void add_cpu_implementations(std::vector<Implementation>& out) {
  const std::string gemm =
      kernels::cpu::gemm_uses_blas() ? "GEMM through OpenBLAS" : "GEMM as plain loops";
  out.push_back({"nova_cpu", Backend::Cpu, false, "kernels/cpu, float, " + gemm,
                 prepare_nova_call<CpuKernels>});
}

}  // namespace nova::bench
