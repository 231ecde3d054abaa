// OCGAN on CUDA against OCGAN on the CPU: the same seed and the same batches
// give the same first iterations, within float tolerance. Both runs draw their
// noise and latent samples from the counter-based generator, which yields the
// same numbers on both devices, and start from the same initial weights
// (built on the CPU, then moved), so any difference is arithmetic.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "engine/tensor.h"
#include "models/ocgan/ocgan.h"
#include "tests/cuda/cuda_test_util.h"
#include "tests/support/model_testing.h"
#include "tests/support/ocgan_testing.h"

using namespace nova;
using namespace nova::testing;

namespace {

// Largest |a - b| over two runs' tensors of the same name.
double max_difference(const Tensor& a, const Tensor& b) {
  const std::vector<float> x = a.to(Device::CPU).to_vector();
  const std::vector<float> y = b.to(Device::CPU).to_vector();
  REQUIRE(x.size() == y.size());
  double worst = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    REQUIRE(std::isfinite(y[i]));
    worst = std::max(worst, std::fabs(static_cast<double>(x[i]) - y[i]));
  }
  return worst;
}

}  // namespace

TEST_CASE("ocgan: CPU and CUDA runs of the same seed agree over the first iterations",
          "[cuda][ocgan]") {
  NOVA_SKIP_WITHOUT_CUDA();
  // The paper's full Algorithm 1: classifier, both discriminators, five
  // mining steps, autoencoder.
  const ocgan::Config c = small_ocgan_config();
  ocgan::Model cpu(c, 21, Device::CPU), gpu(c, 21, Device::CUDA);
  constexpr int kIterations = 3;
  for (int i = 0; i < kIterations; ++i) {
    const Tensor x = image_batch(c.batch_size, 40 + i);
    const models::NamedLosses on_cpu = cpu.train_step(x, 0);
    const models::NamedLosses on_gpu = gpu.train_step(x.to(Device::CUDA), 0);
    REQUIRE(on_cpu.size() == on_gpu.size());
    for (size_t k = 0; k < on_cpu.size(); ++k) {
      INFO("iteration " << i + 1 << ", loss " << on_cpu[k].first);
      REQUIRE(on_gpu[k].first == on_cpu[k].first);
      CHECK(on_gpu[k].second.item() == Approx(on_cpu[k].second.item()).epsilon(1e-3));
    }
  }
  // The losses of iterations 2 and 3 are computed with the updated weights,
  // so they are what shows that the updates agree. The weights are not
  // compared one by one: Adam moves a weight by about lr whatever the size of
  // its gradient, so a near-zero gradient whose sign differs in the two
  // devices' rounding puts that weight 2 lr apart, a bound any update meets.
  // Batchnorm running statistics follow the activations and are held to the
  // losses' relative tolerance.
  const nn::NamedTensors a = cpu.network_state(), b = gpu.network_state();
  REQUIRE(a.size() == b.size());
  for (size_t k = 0; k < a.size(); ++k) {
    INFO(a[k].first);
    REQUIRE(b[k].first == a[k].first);
    if (a[k].first.find("running") == std::string::npos) continue;
    double scale = 1.0;
    for (float v : a[k].second.to_vector())
      scale = std::max(scale, static_cast<double>(std::fabs(v)));
    CHECK(max_difference(a[k].second, b[k].second) <= 1e-3 * scale);
  }
}
