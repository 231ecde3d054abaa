// Timing one prepared call: a warm-up call, then repetitions until at least
// `min_seconds` of wall time and a minimum count have passed; the median is
// the figure reported (robust to the odd preempted repetition).
#pragma once

#include <vector>

#include "benchmarks/kernels/implementation.h"

namespace nova::bench {

struct Timing {
  double median_ms = 0.0;
  double min_ms = 0.0;
  int repetitions = 0;
};

// std::chrono::steady_clock around each call; at least 3 repetitions.
Timing time_on_cpu(const Call& call, double min_seconds);

// CUDA builds only: a cudaEvent pair around each call on the runtime's
// stream, with the L2 cache flushed before each (a memset of twice its size),
// so every repetition reads its inputs from device memory as a layer in a
// network does; at least 10 repetitions.
Timing time_on_cuda(const Call& call, double min_seconds);

// Median and minimum of per-repetition times.
Timing summarize(std::vector<double> times_ms);

}  // namespace nova::bench
