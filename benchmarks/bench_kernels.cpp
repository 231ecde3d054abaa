// The kernel benchmark suite: every kernel of the CPU and CUDA backends on the
// speed cases of tests/support/op_cases.h, next to cuDNN and cuBLAS on the
// same cases. See benchmarks/README.md for the columns and how to run it.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "apps/common/openmp_env.h"
#include "benchmarks/kernels/bench_case.h"
#include "benchmarks/kernels/implementation.h"
#include "benchmarks/kernels/machine_info.h"
#include "benchmarks/kernels/report.h"
#include "benchmarks/kernels/timing.h"
#include "kernels/cpu/gemm.h"
#ifdef NOVA_WITH_CUDA
#include "kernels/cuda/runtime.h"
#endif

using namespace nova::bench;

namespace {

const char* const kUsage =
    "usage: bench_kernels [--device cpu|cuda|all] [--filter SUBSTRING] [--impl NAME,...]\n"
    "                     [--min-time SECONDS] [--cpu-all] [--json PATH] [--csv PATH]\n"
    "                     [--commit HASH] [--list] [--help]\n"
    "  --device    which backends to time (default: all when a CUDA device answers, else cpu)\n"
    "  --filter    only rows whose \"op/case\" contains SUBSTRING\n"
    "  --impl      only these implementations (see --list), comma-separated\n"
    "  --min-time  seconds of repetitions per row, at least 3 (CPU) or 10 (CUDA) (default 0.2)\n"
    "  --cpu-all   also time the CPU on cases above its work limit (slow)\n"
    "  --json, --csv  also write the rows there\n"
    "  --commit    git commit recorded in the header (default: $NOVA_COMMIT)\n"
    "  --list      print the implementations and rows, time nothing\n";

// The CPU skips calls above these unless --cpu-all: the batch-512 and large
// convolutions and the 64M-element cases would take the CPU part of a default
// run on a 2-core machine well past its 3-minute budget.
constexpr double kCpuFlopLimit = 3e9;
constexpr double kCpuByteLimit = 6e8;

struct Options {
  std::string device;  // "cpu", "cuda", "all"; empty: decided by whether a device answers
  std::string filter;
  std::vector<std::string> implementations;
  double min_time = 0.2;
  bool cpu_all = false;
  std::string json_path, csv_path, commit;
  bool list = false;
};

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

Options parse_options(int argc, char** argv) {
  Options o;
  if (const char* commit = std::getenv("NOVA_COMMIT")) o.commit = commit;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw UsageError(flag + " needs a value");
      return argv[++i];
    };
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (flag == "--device") {
      o.device = value();
      if (o.device != "cpu" && o.device != "cuda" && o.device != "all") {
        throw UsageError("--device must be cpu, cuda or all, not '" + o.device + "'");
      }
    } else if (flag == "--filter") {
      o.filter = value();
    } else if (flag == "--impl") {
      o.implementations = split_commas(value());
    } else if (flag == "--min-time") {
      const std::string text = value();
      char* end = nullptr;
      o.min_time = std::strtod(text.c_str(), &end);
      if (end == text.c_str() || *end != '\0' || !(o.min_time >= 0.0)) {
        throw UsageError("--min-time needs a number of seconds >= 0, not '" + text + "'");
      }
    } else if (flag == "--cpu-all") {
      o.cpu_all = true;
    } else if (flag == "--json") {
      o.json_path = value();
    } else if (flag == "--csv") {
      o.csv_path = value();
    } else if (flag == "--commit") {
      o.commit = value();
    } else if (flag == "--list") {
      o.list = true;
    } else {
      throw UsageError("unknown flag '" + flag + "'");
    }
  }
  return o;
}

bool cuda_device_answers() {
#ifdef NOVA_WITH_CUDA
  return nova::cuda::device_available();
#else
  return false;
#endif
}

const char* no_cuda_reason() {
#ifdef NOVA_WITH_CUDA
  return "no CUDA device answered";
#else
  return "this build has no CUDA backend (configured without CUDA)";
#endif
}

// The implementations --impl names (all when none), on the backends run.
std::vector<Implementation> chosen_implementations(const Options& o, bool run_cpu, bool run_cuda) {
  const std::vector<Implementation> all = implementations();
  std::set<std::string> wanted(o.implementations.begin(), o.implementations.end());
  for (const std::string& name : wanted) {
    bool known = false;
    for (const Implementation& impl : all) known = known || impl.name == name;
    if (!known) {
      std::string names;
      for (const Implementation& impl : all) names += (names.empty() ? "" : ", ") + impl.name;
      throw UsageError("unknown implementation '" + name + "' (this build has " + names + ")");
    }
  }
  std::vector<Implementation> chosen;
  for (const Implementation& impl : all) {
    if (!wanted.empty() && !wanted.count(impl.name)) continue;
    if (impl.backend == Backend::Cpu ? run_cpu : run_cuda) chosen.push_back(impl);
  }
  return chosen;
}

bool above_cpu_limit(const BenchCase& c) {
  return c.work > (c.unit == WorkUnit::Flop ? kCpuFlopLimit : kCpuByteLimit);
}

std::string case_label(const BenchCase& c) { return op_name(c) + "/" + c.case_name; }

Timing time_call(const Implementation& impl, const Call& call, double min_time) {
#ifdef NOVA_WITH_CUDA
  if (impl.backend == Backend::Cuda) return time_on_cuda(call, min_time);
#endif
  (void)impl;
  return time_on_cpu(call, min_time);
}

// Rows are measured case by case; the table groups them by op (in the order
// ops first appear), keeping the cases and implementations in run order.
void group_by_op(std::vector<Row>& rows) {
  std::map<std::string, size_t> rank;
  for (const Row& r : rows) rank.emplace(r.op, rank.size());
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const Row& a, const Row& b) { return rank[a.op] < rank[b.op]; });
}

// Each non-vendor CUDA row against the vendor row of its op and case.
void add_vendor_ratios(std::vector<Row>& rows) {
  for (Row& r : rows) {
    if (r.backend != Backend::Cuda || r.vendor) continue;
    for (const Row& v : rows) {
      if (!v.vendor || v.op != r.op || v.case_name != r.case_name) continue;
      r.vendor_ratio = v.timing.median_ms / r.timing.median_ms;
      r.vendor_name = v.implementation;
    }
  }
}

std::string format_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  return text;
}

std::string command_line(int argc, char** argv) {
  std::string text;
  for (int i = 0; i < argc; ++i) text += (i ? " " : "") + std::string(argv[i]);
  return text;
}

void print_list(const std::vector<Implementation>& impls, const std::vector<BenchCase>& cases) {
  std::printf("implementations:\n");
  for (const Implementation& impl : impls) {
    std::printf("  %-24s %-4s %s\n", impl.name.c_str(),
                impl.backend == Backend::Cpu ? "cpu" : "cuda", impl.description.c_str());
  }
  std::printf("rows (op/case, work of one call):\n");
  for (const BenchCase& c : cases) {
    std::printf("  %-60s %10.3g %s\n", case_label(c).c_str(), c.work,
                c.unit == WorkUnit::Flop ? "FLOP" : "bytes");
  }
}

int run(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  const bool cuda_answers = cuda_device_answers();
  const std::string device = o.device.empty() ? (cuda_answers ? "all" : "cpu") : o.device;
  if (device == "cuda" && !cuda_answers) {
    std::fprintf(stderr, "bench_kernels: --device cuda: %s\n", no_cuda_reason());
    return 1;
  }
  const bool run_cpu = device != "cuda";
  const bool run_cuda = device != "cpu" && cuda_answers;

  Report report;
  report.header = {{"program", "bench_kernels"},
                   {"command", command_line(argc, argv)},
                   {"date", utc_now()},
                   {"commit", o.commit.empty() ? "unknown" : o.commit},
                   {"cpu", cpu_model()},
                   {"cpu_threads", std::to_string(cpu_threads())},
                   {"cpu_gemm", nova::kernels::cpu::gemm_uses_blas() ? "OpenBLAS" : "loops"},
                   {"min_time_s", format_seconds(o.min_time)}};
  // Unless the CPU alone was asked for, say why CUDA did not run.
  if (!run_cuda) {
    const bool asked_cpu = o.device == "cpu";
    report.header.push_back({"cuda", asked_cpu ? "not requested" : no_cuda_reason()});
    if (!asked_cpu) report.notes.push_back(std::string("CUDA skipped: ") + no_cuda_reason());
  }
#ifdef NOVA_WITH_CUDA
  std::optional<CudaDevice> gpu;
  if (run_cuda) {
    gpu = cuda_device();
    const auto version = [](int v) {
      return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10);
    };
    report.header.insert(
        report.header.end(),
        {{"device", gpu->name + " (sm_" + std::to_string(gpu->compute_major) +
                        std::to_string(gpu->compute_minor) + ", " + std::to_string(gpu->sm_count) +
                        " SMs)"},
         {"driver", version(gpu->driver_version)},
         {"runtime", version(gpu->runtime_version)},
         {"fp32_peak_tflops", std::to_string(gpu->peak_flops / 1e12) + " (SMs x " +
                                  std::to_string(gpu->clock_khz) + " kHz x " +
                                  std::to_string(gpu->fp32_lanes_per_sm) + " FP32 lanes x 2)"},
         {"dram_peak_gb_s", std::to_string(gpu->peak_bytes_per_second / 1e9) + " (2 x " +
                                std::to_string(gpu->memory_clock_khz) + " kHz x " +
                                std::to_string(gpu->bus_width_bits) + " bits / 8)"},
         {"l2_flush_bytes", std::to_string(2 * static_cast<long long>(gpu->l2_bytes))},
         {"math", "full FP32: cuDNN CUDNN_FMA_MATH, cuBLAS CUBLAS_DEFAULT_MATH, no TF32"},
         {"timing", "cudaEvent pair per repetition, L2 flushed before each, median"}});
  }
#endif

  const std::vector<Implementation> impls = chosen_implementations(o, run_cpu, run_cuda);
  std::vector<BenchCase> cases;
  for (const BenchCase& c : bench_cases()) {
    if (case_label(c).find(o.filter) != std::string::npos) cases.push_back(c);
  }
  if (o.list) {
    print_list(implementations(), cases);  // all this build has, whatever answers
    return 0;
  }
  if (cases.empty()) throw UsageError("no row matches --filter '" + o.filter + "'");

  const bool progress = isatty(STDERR_FILENO);
  int cpu_skipped = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const BenchCase& c = cases[i];
    for (const Implementation& impl : impls) {
      if (impl.backend == Backend::Cpu && !o.cpu_all && above_cpu_limit(c)) {
        ++cpu_skipped;
        continue;
      }
      if (progress) {
        std::fprintf(stderr, "\r\033[K[%zu/%zu] %s %s", i + 1, cases.size(), case_label(c).c_str(),
                     impl.name.c_str());
      }
      const Call call = impl.prepare(c);
      if (!call) continue;  // no kernel of this implementation for the op
      Row r;
      r.op = op_name(c);
      r.case_name = c.case_name;
      r.implementation = impl.name;
      r.backend = impl.backend;
      r.vendor = impl.vendor;
      r.unit = c.unit;
      r.work = c.work;
      r.timing = time_call(impl, call, o.min_time);
      r.rate = c.work / (r.timing.median_ms * 1e-3) / 1e9;
#ifdef NOVA_WITH_CUDA
      if (impl.backend == Backend::Cuda) {
        const double peak = c.unit == WorkUnit::Flop ? gpu->peak_flops : gpu->peak_bytes_per_second;
        r.peak_fraction = r.rate * 1e9 / peak;
      }
#endif
      report.rows.push_back(r);
    }
  }
  if (progress) std::fputs("\r\033[K", stderr);
  group_by_op(report.rows);
  add_vendor_ratios(report.rows);
  if (cpu_skipped > 0) {
    char note[160];
    std::snprintf(note, sizeof note,
                  "nova_cpu skipped %d rows above %.1f GFLOP or %.0f MB per call "
                  "(--cpu-all runs them)",
                  cpu_skipped, kCpuFlopLimit / 1e9, kCpuByteLimit / 1e6);
    report.notes.push_back(note);
  }

  for (const auto& [key, value] : report.header)
    std::printf("%s: %s\n", key.c_str(), value.c_str());
  std::printf("implementations:");
  for (const Implementation& impl : impls)
    std::printf(" %s (%s);", impl.name.c_str(), impl.description.c_str());
  std::printf("\n\n");
  print_table(stdout, report);
  for (const std::string& note : report.notes) std::printf("\nnote: %s", note.c_str());
  std::printf("\n");
  if (!o.json_path.empty()) write_json(o.json_path, report);
  if (!o.csv_path.empty()) write_csv(o.csv_path, report);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  nova::apps::use_passive_openmp_threads(argv);
  try {
    return run(argc, argv);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "bench_kernels: %s\n%s", e.what(), kUsage);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_kernels: %s\n", e.what());
    return 1;
  }
}
