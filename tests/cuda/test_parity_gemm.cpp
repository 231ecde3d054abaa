// CUDA GEMM (cuBLAS, row-major) against the CPU GEMM over the op-case table.
#include <string>
#include <vector>

#include "kernels/cpu/gemm.h"
#include "kernels/cuda/gemm.h"
#include "tests/cuda/cuda_test_util.h"

namespace {

using namespace nova::testing;
using namespace nova::testing::cuda;
namespace kcpu = nova::kernels::cpu;
namespace kcuda = nova::kernels::cuda;

std::string describe(const GemmCase& c, float alpha, float beta) {
  return c.name + " (m " + std::to_string(c.m) + ", n " + std::to_string(c.n) + ", k " +
         std::to_string(c.k) + (c.trans_a ? ", A^T" : "") + (c.trans_b ? ", B^T" : "") +
         ", alpha " + std::to_string(alpha) + ", beta " + std::to_string(beta) + ")";
}

}  // namespace

TEST_CASE("CUDA gemm matches the CPU gemm", "[cuda][gemm][parity]") {
  NOVA_SKIP_WITHOUT_CUDA();
  REQUIRE_FALSE(kcuda::gemm_allow_tf32());  // full FP32 is the reference
  uint32_t seed = 1;
  for (const GemmCase& c : gemm_cases()) {
    if (!parity_case(c.name, c.use)) continue;
    const auto a = random_vector(c.m * c.k, seed++);
    const auto b = random_vector(c.k * c.n, seed++);
    const auto c0 = random_vector(c.m * c.n, seed++);
    // beta = 0 must overwrite a NaN-poisoned C; beta != 0 accumulates.
    for (const auto& [alpha, beta] : {std::pair<float, float>{1.0f, 0.0f}, {1.3f, 0.5f}}) {
      const std::string what = describe(c, alpha, beta);
      std::vector<float> want = c0;
      if (beta == 0.0f) want.assign(want.size(), std::nanf(""));
      kcpu::gemm<float>(want.data(), a.data(), b.data(), c.m, c.n, c.k, c.trans_a, c.trans_b, alpha,
                        beta);
      DeviceBuffer<float> da(a), db(b), dc(c0);
      if (beta == 0.0f) dc.poison();
      kcuda::gemm(dc.data(), da.data(), db.data(), c.m, c.n, c.k, c.trans_a, c.trans_b, alpha, beta,
                  stream());
      check_close(result_of(dc, what), want, sum_tolerance(c.k, want), what);
    }
  }
}

TEST_CASE("CUDA gemm handles k = 0", "[cuda][gemm]") {
  NOVA_SKIP_WITHOUT_CUDA();
  // C = beta * C when there is nothing to multiply.
  const auto c0 = random_vector(12, 5);
  std::vector<float> want(c0.size());
  for (size_t i = 0; i < c0.size(); ++i) want[i] = 0.5f * c0[i];
  DeviceBuffer<float> a(1), b(1), c(c0);
  kcuda::gemm(c.data(), a.data(), b.data(), 3, 4, 0, false, false, 1.0f, 0.5f, stream());
  check_close(result_of(c, "k = 0"), want, Tolerance{0.0, 1e-7}, "k = 0");
}
