// Times training iterations of OCGAN, R+D or OCLR at a batch size on the CPU
// or CUDA backend, on one fixed batch of random images in [-1, 1]:
//  1. warm-up iterations, then the mean over --iters iterations, the device
//     synchronized only at the end (as benchmarks/reference/ocgan_step.py does);
//  2. the same number of iterations again with the device synchronized as
//     each phase of the step begins (OneClassModel::set_phase_observer), for
//     the time and the kernel calls of each phase.
// Also counts the kernel calls per iteration (NOVA_CALL dispatches) and, on
// CUDA, the kernels launched (ours and cuBLAS's) and cudaMalloc calls.
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "apps/common/flags.h"
#include "apps/common/openmp_env.h"
#include "benchmarks/kernels/machine_info.h"
#include "engine/error.h"
#include "engine/io/json.h"
#include "engine/io/text_file.h"
#include "engine/kernel_calls.h"
#include "engine/random.h"
#include "models/ocgan/ocgan.h"
#include "models/oclr/oclr.h"
#include "models/rd/rd.h"
#ifdef NOVA_WITH_CUDA
#include "kernels/cuda/runtime.h"
#endif

using namespace nova;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void synchronize(Device device) {
#ifdef NOVA_WITH_CUDA
  if (device == Device::CUDA) cuda::synchronize();
#else
  (void)device;
#endif
}

// Counters that only a CUDA run has; zero on the CPU.
struct CudaCounts {
  int64_t launches = 0, mallocs = 0;
};

CudaCounts cuda_counts(Device device) {
  CudaCounts c;
#ifdef NOVA_WITH_CUDA
  if (device == Device::CUDA) {
    c.launches = cuda::launches();
    c.mallocs = static_cast<int64_t>(cuda::memory_stats().cuda_malloc_calls);
  }
#else
  (void)device;
#endif
  return c;
}

// "cuda (NVIDIA H200)" or "cpu (AMD EPYC, 2 threads)".
std::string device_description(Device device) {
#ifdef NOVA_WITH_CUDA
  if (device == Device::CUDA) return "cuda (" + bench::cuda_device().name + ")";
#endif
  return to_string(device) + " (" + bench::cpu_model() + ", " +
         std::to_string(bench::cpu_threads()) +
         (bench::cpu_threads() == 1 ? " thread)" : " threads)");
}

// n random images in [-1, 1]: OCLR computes its latent center from the
// training set before the first step.
data::ImageSet random_images(int64_t n, int64_t channels, int64_t size) {
  data::ImageSet set;
  set.n = n;
  set.c = channels;
  set.h = set.w = size;
  Generator gen(3);
  const Tensor pixels = uniform({n, channels, size, size}, gen, -1.0, 1.0, DType::Float32);
  set.pixels = pixels.to_vector();
  set.labels.assign(static_cast<size_t>(n), 0);
  return set;
}

std::unique_ptr<models::OneClassModel> make_model(const std::string& name,
                                                  const std::string& preset, Device device) {
  const uint64_t seed = 1;
  if (name == "ocgan") return std::make_unique<ocgan::Model>(ocgan::preset(preset), seed, device);
  if (name == "rd") return std::make_unique<rd::Model>(rd::preset(preset), seed, device);
  if (name == "oclr") {
    auto model = std::make_unique<oclr::Model>(oclr::preset(preset), seed, device);
    const models::InputShape shape = model->input_shape();
    model->prepare(random_images(256, shape.channels, shape.size));
    return model;
  }
  throw Error("unknown --model '" + name + "' (expected ocgan, rd or oclr)");
}

// Time and kernel calls of each phase, summed over iterations, in the order
// the phases first began.
struct PhaseTotals {
  std::vector<std::string> order;
  std::map<std::string, double> ms;
  std::map<std::string, int64_t> calls;
};

PhaseTotals time_phases(models::OneClassModel& model, const Tensor& x, int64_t epoch, int64_t iters,
                        Device device) {
  PhaseTotals totals;
  std::string current;
  Clock::time_point started;
  int64_t calls_at_start = 0;
  auto close_phase = [&] {
    synchronize(device);
    if (current.empty()) return;
    if (!totals.ms.count(current)) totals.order.push_back(current);
    totals.ms[current] += ms_since(started);
    totals.calls[current] += backend::kernel_calls() - calls_at_start;
  };
  model.set_phase_observer([&](const char* phase) {
    close_phase();
    current = phase;
    started = Clock::now();
    calls_at_start = backend::kernel_calls();
  });
  for (int64_t i = 0; i < iters; ++i) {
    current.clear();
    model.train_step(x, epoch);
    close_phase();
  }
  model.set_phase_observer(nullptr);
  return totals;
}

void declare_flags(apps::Flags& flags) {
  flags.add_string("model", "ocgan", "ocgan, rd or oclr");
  flags.add_string("preset", "paper", "the model's preset");
  flags.add_string("device", "", "cpu or cuda (default: cuda when a device answers)");
  flags.add_int("batch", 64, "images per iteration");
  flags.add_int("iters", 5, "timed iterations (and as many again for the phases)");
  flags.add_int("warmup", 1, "untimed iterations first (allocator caches, BLAS threads)");
  flags.add_int("epoch", 0, "epoch index given to each step (OCGAN mines from its preset's start)");
  flags.add_string("json", "", "also write the figures to this file");
  flags.add_string("commit", "", "git commit recorded in the JSON");
}

}  // namespace

int main(int argc, char** argv) {
  apps::use_passive_openmp_threads(argv);
  try {
    apps::Flags flags("bench_train_step",
                      "Times training iterations of OCGAN, R+D or OCLR, per phase, with the "
                      "kernel calls per iteration.");
    declare_flags(flags);
    if (!flags.parse(argc, argv)) {
      std::printf("%s", flags.help().c_str());
      return 0;
    }
    const Device device =
        flags.given("device") ? parse_device(flags.str("device")) : default_device();
    const int64_t batch = flags.integer("batch"), iters = flags.integer("iters");
    const int64_t warmup = flags.integer("warmup"), epoch = flags.integer("epoch");
    NOVA_CHECK(batch >= 2, "--batch ", batch, ": batchnorm needs at least 2 images");
    NOVA_CHECK(iters >= 1, "--iters ", iters, ": at least 1 iteration must be timed");
    NOVA_CHECK(warmup >= 0 && epoch >= 0, "--warmup and --epoch must not be negative");

    auto model = make_model(flags.str("model"), flags.str("preset"), device);
    const models::InputShape shape = model->input_shape();
    Generator data_gen(2);
    const Tensor x = uniform({batch, shape.channels, shape.size, shape.size}, data_gen, -1.0, 1.0,
                             DType::Float32, device);

    for (int64_t i = 0; i < warmup; ++i) model->train_step(x, epoch);
    synchronize(device);
    const int64_t calls_before = backend::kernel_calls();
    const CudaCounts cuda_before = cuda_counts(device);
    const Clock::time_point start = Clock::now();
    for (int64_t i = 0; i < iters; ++i) model->train_step(x, epoch);
    synchronize(device);
    const double ms = ms_since(start) / static_cast<double>(iters);
    const double calls = static_cast<double>(backend::kernel_calls() - calls_before) / iters;
    const CudaCounts cuda_after = cuda_counts(device);
    const double launches = static_cast<double>(cuda_after.launches - cuda_before.launches) / iters;
    const int64_t mallocs = cuda_after.mallocs - cuda_before.mallocs;

    const PhaseTotals phases = time_phases(*model, x, epoch, iters, device);
    double phased_ms = 0.0;
    for (const auto& name : phases.order) phased_ms += phases.ms.at(name);

    const std::string where = device_description(device);
    std::printf(
        "%s %s iteration, batch %lld, %s: %.1f ms (%.0f images/s), mean of %lld after %lld "
        "warm-up\n",
        model->name().c_str(), flags.str("preset").c_str(), static_cast<long long>(batch),
        where.c_str(), ms, batch * 1000.0 / ms, static_cast<long long>(iters),
        static_cast<long long>(warmup));
    std::printf("kernel calls per iteration: %.0f", calls);
    if (device == Device::CUDA) {
      std::printf(" (kernels launched: %.0f; cudaMalloc calls in the timed iterations: %lld)",
                  launches, static_cast<long long>(mallocs));
    }
    std::printf("\n\n%-16s %10s %7s %13s\n", "phase", "ms", "share", "kernel calls");
    for (const auto& name : phases.order) {
      const double phase_ms = phases.ms.at(name) / iters;
      std::printf("%-16s %10.1f %6.1f%% %13.0f\n", name.c_str(), phase_ms,
                  100.0 * phases.ms.at(name) / phased_ms,
                  static_cast<double>(phases.calls.at(name)) / iters);
    }
    std::printf("%-16s %10.1f  (synchronized as each phase begins)\n", "sum", phased_ms / iters);

    if (!flags.str("json").empty()) {
      io::JsonWriter j;
      j.begin_object();
      j.key("benchmark").value("train_step").key("framework").value("nova");
      j.key("model").value(model->name()).key("preset").value(flags.str("preset"));
      j.key("device").value(to_string(device)).key("device_name").value(where);
      j.key("cpu").value(bench::cpu_model());
      j.key("cpu_threads").value(bench::cpu_threads());
      j.key("date").value(bench::utc_now()).key("commit").value(flags.str("commit"));
      j.key("batch").value(batch).key("iters").value(iters).key("warmup").value(warmup);
      j.key("ms_per_iteration").value(ms).key("images_per_s").value(batch * 1000.0 / ms);
      j.key("kernel_calls_per_iteration").value(calls);
      if (device == Device::CUDA) {
        j.key("kernels_launched_per_iteration").value(launches);
        j.key("cuda_malloc_calls_timed").value(mallocs);
      }
      j.key("phases").begin_array();
      for (const auto& name : phases.order) {
        j.begin_object().key("phase").value(name);
        j.key("ms").value(phases.ms.at(name) / iters);
        j.key("kernel_calls").value(static_cast<double>(phases.calls.at(name)) / iters);
        j.end_object();
      }
      j.end_array().end_object();
      io::write_text_file(flags.str("json"), j.str() + "\n");
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_train_step: %s\n", e.what());
    return 1;
  }
}
