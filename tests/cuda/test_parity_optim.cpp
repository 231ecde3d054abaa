// CUDA optimizer steps against the CPU kernels, over several steps.
#include <string>
#include <vector>

#include "kernels/cpu/optim.h"
#include "kernels/cuda/optim.h"
#include "tests/cuda/cuda_test_util.h"

namespace {

using namespace nova::testing;
using namespace nova::testing::cuda;
namespace kcpu = nova::kernels::cpu;
namespace kcuda = nova::kernels::cuda;

// The device kernels round every operation as the CPU does (no fused
// multiply-adds), so they should agree bit for bit; a few ulps are allowed.
const Tolerance kOptimTol{1e-9, 1e-6};

}  // namespace

TEST_CASE("CUDA Adam matches the CPU kernel", "[cuda][optim][parity]") {
  NOVA_SKIP_WITHOUT_CUDA();
  for (const ElementwiseCase& c : elementwise_cases()) {
    if (!parity_case(c.name, c.use)) continue;
    for (float weight_decay : {0.0f, 0.01f}) {
      for (int64_t misalign : {0, 1}) {
        const std::string what = c.name + " adam, weight decay " + std::to_string(weight_decay) +
                                 (misalign ? ", misaligned" : "");
        std::vector<float> param = random_vector(c.n, 1);
        std::vector<float> m(param.size(), 0.0f), v(param.size(), 0.0f);
        DeviceBuffer<float> dp(param, misalign), dm(m, misalign), dv(v, misalign);
        for (int64_t step = 1; step <= 3; ++step) {
          const auto grad = random_vector(c.n, static_cast<uint32_t>(10 + step));
          kcpu::AdamParams p;
          p.lr = 2e-4f;
          p.beta1 = 0.5f;
          p.beta2 = 0.999f;
          p.weight_decay = weight_decay;
          p.step = step;
          kcpu::adam_step<float>(param.data(), m.data(), v.data(), grad.data(), c.n, p);
          DeviceBuffer<float> dg(grad, misalign);
          kcuda::adam_step(dp.data(), dm.data(), dv.data(), dg.data(), c.n, p, stream());
        }
        check_close(result_of(dp, what), param, kOptimTol, what + " param");
        check_close(result_of(dm, what), m, kOptimTol, what + " exp_avg");
        check_close(result_of(dv, what), v, kOptimTol, what + " exp_avg_sq");
      }
    }
  }
}

TEST_CASE("CUDA SGD matches the CPU kernel", "[cuda][optim][parity]") {
  NOVA_SKIP_WITHOUT_CUDA();
  for (const ElementwiseCase& c : elementwise_cases()) {
    if (!parity_case(c.name, c.use)) continue;
    for (float momentum : {0.0f, 0.9f}) {
      const std::string what = c.name + " sgd, momentum " + std::to_string(momentum);
      std::vector<float> param = random_vector(c.n, 2);
      std::vector<float> buf(param.size(), 0.0f);
      DeviceBuffer<float> dp(param), db(buf);
      for (int step = 0; step < 3; ++step) {
        const auto grad = random_vector(c.n, static_cast<uint32_t>(20 + step));
        kcpu::SgdParams p;
        p.lr = 0.05f;
        p.momentum = momentum;
        p.weight_decay = 1e-3f;
        p.first_step = step == 0;
        kcpu::sgd_step<float>(param.data(), momentum != 0.0f ? buf.data() : nullptr, grad.data(),
                              c.n, p);
        DeviceBuffer<float> dg(grad);
        kcuda::sgd_step(dp.data(), momentum != 0.0f ? db.data() : nullptr, dg.data(), c.n, p,
                        stream());
      }
      check_close(result_of(dp, what), param, kOptimTol, what + " param");
      check_close(result_of(db, what), buf, kOptimTol, what + " momentum buffer");
    }
  }
}
