// Times OCGAN training iterations (Algorithm 1 with mining) at a given batch
// size on the CPU or CUDA backend: warm-up, then the mean over repetitions.
// Usage: bench_train_step [--device cpu|cuda] [--batch 64] [--iters 5]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "apps/common/openmp_env.h"
#include "engine/error.h"
#include "engine/random.h"
#include "models/ocgan/ocgan.h"
#ifdef NOVA_WITH_CUDA
#include "kernels/cuda/runtime.h"
#endif

using namespace nova;

namespace {

void synchronize(Device device) {
#ifdef NOVA_WITH_CUDA
  if (device == Device::CUDA) cuda::synchronize();
#else
  (void)device;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  apps::use_passive_openmp_threads(argv);
  try {
    Device device = default_device();
    int64_t batch = 64, iters = 5;
    for (int i = 1; i < argc; ++i) {
      const std::string flag = argv[i];
      NOVA_CHECK(i + 1 < argc, flag, ": missing value");
      const std::string value = argv[++i];
      if (flag == "--device")
        device = parse_device(value);
      else if (flag == "--batch")
        batch = std::stoll(value);
      else if (flag == "--iters")
        iters = std::stoll(value);
      else
        throw Error("unknown flag " + flag + " (expected --device, --batch, --iters)");
    }
    ocgan::Config config = ocgan::preset("paper");
    ocgan::Model model(config, 1, device);
    Generator data_gen(2);
    const Tensor x = uniform({batch, 1, 28, 28}, data_gen, -1.0, 1.0, DType::Float32, device);
    model.train_step(x, 0);  // warm-up: allocator caches, BLAS threads
    synchronize(device);
    const auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < iters; ++i) model.train_step(x, 0);
    synchronize(device);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count() /
        static_cast<double>(iters);
    std::printf("OCGAN paper iteration, batch %lld, %s: %.1f ms (%.0f images/s)\n",
                static_cast<long long>(batch), to_string(device).c_str(), ms, batch * 1000.0 / ms);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_train_step: %s\n", e.what());
    return 1;
  }
}
