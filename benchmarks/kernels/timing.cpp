#include "benchmarks/kernels/timing.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace nova::bench {

Timing summarize(std::vector<double> times_ms) {
  Timing t;
  if (times_ms.empty()) return t;
  std::sort(times_ms.begin(), times_ms.end());
  const size_t n = times_ms.size();
  t.median_ms = n % 2 ? times_ms[n / 2] : 0.5 * (times_ms[n / 2 - 1] + times_ms[n / 2]);
  t.min_ms = times_ms.front();
  t.repetitions = static_cast<int>(n);
  return t;
}

Timing time_on_cpu(const Call& call, double min_seconds) {
  constexpr int kMinRepetitions = 3;
  using Clock = std::chrono::steady_clock;
  call();  // warm-up: first touch of the outputs, OpenMP and BLAS threads
  std::vector<double> times_ms;
  const auto start = Clock::now();
  while (static_cast<int>(times_ms.size()) < kMinRepetitions ||
         std::chrono::duration<double>(Clock::now() - start).count() < min_seconds) {
    const auto before = Clock::now();
    call();
    times_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - before).count());
  }
  return summarize(std::move(times_ms));
}

}  // namespace nova::bench
