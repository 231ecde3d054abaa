// Gradient checking: central differences in double against a random
// projection of the output, L = sum(f(inputs) * R). A plain sum would be
// blind to batchnorm, whose output sums to a constant per channel.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace nova::testing {

struct GradCheckOptions {
  double step = 1e-6;  // central-difference step
  double atol = 1e-6;  // |analytic - numeric| <= atol + rtol * |numeric|
  double rtol = 1e-5;
  uint64_t projection_seed = 7;
  std::vector<bool> check_input;  // which inputs to check; empty = all
};

struct GradCheckResult {
  bool ok = true;
  double max_error = 0.0;  // the largest |analytic - numeric| seen
  std::string report;      // the worst element, for the failure message
};

using GradFn = std::function<Tensor(const std::vector<Tensor>&)>;

// `inputs` must be float64 CPU tensors; they are copied, never modified.
GradCheckResult gradcheck(const GradFn& f, const std::vector<Tensor>& inputs,
                          const GradCheckOptions& options = {});

// A float64 CPU tensor of the given shape with values drawn uniformly from
// [lo, hi) and, when min_magnitude > 0, pushed away from zero (off the kinks
// of ReLU-like functions).
Tensor random_double(const Shape& shape, uint64_t seed, double lo = -1.0, double hi = 1.0,
                     double min_magnitude = 0.0);

}  // namespace nova::testing
