// CUDA loss kernels against the CPU kernels. The upstream gradient is read
// from the device.
#include <string>
#include <vector>

#include "kernels/cpu/loss.h"
#include "kernels/cuda/loss.h"
#include "tests/cuda/cuda_test_util.h"

namespace {

using namespace nova::testing;
using namespace nova::testing::cuda;
namespace kcpu = nova::kernels::cpu;
namespace kcuda = nova::kernels::cuda;

// The device computes each term in float, the CPU in double; both sum in double.
const Tolerance kLossTol{1e-6, 1e-5};
const Tolerance kGradTol{1e-9, 1e-5};

using Forward = void (*)(float*, const float*, const float*, int64_t, cudaStream_t);
using Backward = void (*)(float*, const float*, const float*, const float*, int64_t, cudaStream_t);
using CpuForward = void (*)(float*, const float*, const float*, int64_t);
using CpuBackward = void (*)(float*, const float*, const float*, const float*, int64_t);

void check_loss(const std::string& what, const std::vector<float>& a, const std::vector<float>& b,
                Forward forward, Backward backward, CpuForward cpu_forward,
                CpuBackward cpu_backward, int64_t misalign) {
  const int64_t n = static_cast<int64_t>(a.size());
  const std::vector<float> g = {0.75f};
  std::vector<float> want_loss(1), want_grad(a.size());
  cpu_forward(want_loss.data(), a.data(), b.data(), n);
  cpu_backward(want_grad.data(), g.data(), a.data(), b.data(), n);
  DeviceBuffer<float> da(a, misalign), db(b, misalign), dg(g), loss(1), grad(n, misalign);
  loss.poison();
  grad.poison();
  forward(loss.data(), da.data(), db.data(), n, stream());
  backward(grad.data(), dg.data(), da.data(), db.data(), n, stream());
  check_close(result_of(loss, what + " forward"), want_loss, kLossTol, what + " forward");
  check_close(result_of(grad, what + " backward"), want_grad, kGradTol, what + " backward");
}

}  // namespace

TEST_CASE("CUDA losses match the CPU kernels", "[cuda][loss][parity]") {
  NOVA_SKIP_WITHOUT_CUDA();
  for (const ElementwiseCase& c : elementwise_cases()) {
    if (!parity_case(c.name, c.use)) continue;
    for (int64_t misalign : {0, 1}) {
      const std::string name = c.name + (misalign ? " misaligned" : "");
      // Probabilities away from 0 and 1 except a few clamped ones; hard and
      // soft targets.
      auto p = random_vector(c.n, 1, 0.01f, 0.99f);
      p[0] = 0.0f;
      if (c.n > 1) p[1] = 1.0f;
      auto t = random_vector(c.n, 2, 0.0f, 1.0f);
      for (size_t i = 0; i < t.size(); i += 3) t[i] = t[i] < 0.5f ? 0.0f : 1.0f;
      const auto x = random_vector(c.n, 3, -8.0f, 8.0f);
      const auto a = random_vector(c.n, 4);
      const auto b = random_vector(c.n, 5);
      check_loss(name + " bce", p, t, kcuda::bce_forward, kcuda::bce_backward,
                 kcpu::bce_forward<float>, kcpu::bce_backward<float>, misalign);
      check_loss(name + " bce_logits", x, t, kcuda::bce_logits_forward, kcuda::bce_logits_backward,
                 kcpu::bce_logits_forward<float>, kcpu::bce_logits_backward<float>, misalign);
      check_loss(name + " mse", a, b, kcuda::mse_forward, kcuda::mse_backward,
                 kcpu::mse_forward<float>, kcpu::mse_backward<float>, misalign);
      auto a_l1 = a;
      a_l1[0] = b[0];  // sign(0) = 0
      check_loss(name + " l1", a_l1, b, kcuda::l1_forward, kcuda::l1_backward,
                 kcpu::l1_forward<float>, kcpu::l1_backward<float>, misalign);
    }
  }
}

TEST_CASE("CUDA KL divergence matches the CPU kernel", "[cuda][loss][parity]") {
  NOVA_SKIP_WITHOUT_CUDA();
  struct Dims {
    int64_t batch, dim;
  };
  for (const Dims& d : {Dims{1, 1}, Dims{7, 5}, Dims{64, 100}, Dims{512, 2048}}) {
    const std::string what =
        "kl batch " + std::to_string(d.batch) + ", dim " + std::to_string(d.dim);
    const int64_t n = d.batch * d.dim;
    const auto mu = random_vector(n, 6);
    const auto logvar = random_vector(n, 7, -2.0f, 1.0f);
    const std::vector<float> g = {1.25f};
    std::vector<float> want_loss(1), want_mu(mu.size()), want_lv(mu.size());
    kcpu::kl_gaussian_forward<float>(want_loss.data(), mu.data(), logvar.data(), d.batch, d.dim);
    kcpu::kl_gaussian_backward<float>(want_mu.data(), want_lv.data(), g.data(), mu.data(),
                                      logvar.data(), d.batch, d.dim);
    DeviceBuffer<float> dmu(mu), dlv(logvar), dg(g), loss(1), gmu(n), glv(n);
    loss.poison();
    gmu.poison();
    glv.poison();
    kcuda::kl_gaussian_forward(loss.data(), dmu.data(), dlv.data(), d.batch, d.dim, stream());
    kcuda::kl_gaussian_backward(gmu.data(), glv.data(), dg.data(), dmu.data(), dlv.data(), d.batch,
                                d.dim, stream());
    check_close(result_of(loss, what), want_loss, kLossTol, what + " forward");
    check_close(result_of(gmu, what), want_mu, kGradTol, what + " grad mu");
    check_close(result_of(glv, what), want_lv, Tolerance{1e-9, 2e-5}, what + " grad logvar");
    // Either gradient may be skipped.
    glv.poison();
    kcuda::kl_gaussian_backward(nullptr, glv.data(), dg.data(), dmu.data(), dlv.data(), d.batch,
                                d.dim, stream());
    check_close(result_of(glv, what), want_lv, Tolerance{1e-9, 2e-5}, what + " grad logvar only");
  }
}

TEST_CASE("CUDA losses of an empty input are NaN", "[cuda][loss]") {
  NOVA_SKIP_WITHOUT_CUDA();
  DeviceBuffer<float> a(1), b(1), loss(1);
  kcuda::mse_forward(loss.data(), a.data(), b.data(), 0, stream());
  const auto got = result_of(loss, "empty mse");
  CHECK(std::isnan(got[0]));
}
