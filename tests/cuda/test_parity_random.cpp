// CUDA random fills against the CPU fills: the same Philox counters give the
// same numbers.
#include <string>
#include <vector>

#include "kernels/cpu/random.h"
#include "kernels/cuda/random.h"
#include "tests/cuda/cuda_test_util.h"

namespace {

using namespace nova::testing;
using namespace nova::testing::cuda;
namespace kcpu = nova::kernels::cpu;
namespace kcuda = nova::kernels::cuda;

}  // namespace

TEST_CASE("CUDA random fills match the CPU fills", "[cuda][random][parity]") {
  NOVA_SKIP_WITHOUT_CUDA();
  const uint64_t seed = 0x1234567890abcdefull;
  for (const ElementwiseCase& c : elementwise_cases()) {
    if (!parity_case(c.name, c.use)) continue;
    // An offset past 2^32 exercises the counter's high word.
    for (uint64_t offset : {uint64_t(0), uint64_t(1000), (uint64_t(1) << 32) - 5}) {
      const std::string what = c.name + ", offset " + std::to_string(offset);
      const size_t n = static_cast<size_t>(c.n);
      {
        std::vector<float> want(n);
        kcpu::random_uniform<float>(want.data(), c.n, seed, offset, -2.0f, 3.0f);
        DeviceBuffer<float> out(c.n);
        out.poison();
        kcuda::random_uniform(out.data(), c.n, seed, offset, -2.0f, 3.0f, stream());
        const auto got = result_of(out, what + " uniform");
        check_identical(got, want, what + " uniform");
        for (float v : got) {
          if (!(v >= -2.0f && v < 3.0f)) {
            FAIL(what << " uniform: " << v << " outside [-2, 3)");
          }
        }
      }
      {
        std::vector<float> want(n);
        kcpu::random_normal<float>(want.data(), c.n, seed, offset, 0.5f, 2.0f);
        DeviceBuffer<float> out(c.n);
        out.poison();
        kcuda::random_normal(out.data(), c.n, seed, offset, 0.5f, 2.0f, stream());
        // logf and cosf round differently on the device: a few ulps of the radius.
        check_close(result_of(out, what + " normal"), want, Tolerance{2e-6 * 2.0 * 6.0, 1e-5},
                    what + " normal");
      }
      for (float p : {0.0f, 0.3f, 1.0f}) {
        std::vector<float> want(n);
        kcpu::dropout_mask<float>(want.data(), c.n, seed, offset, p);
        DeviceBuffer<float> out(c.n);
        out.poison();
        kcuda::dropout_mask(out.data(), c.n, seed, offset, p, stream());
        check_identical(result_of(out, what + " dropout"), want,
                        what + " dropout p " + std::to_string(p));
      }
    }
  }
}
