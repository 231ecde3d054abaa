#include "tests/support/gradcheck.h"

#include <cmath>
#include <sstream>

#include "engine/autograd.h"
#include "engine/error.h"
#include "engine/ops.h"
#include "engine/random.h"

namespace nova::testing {

Tensor random_double(const Shape& shape, uint64_t seed, double lo, double hi,
                     double min_magnitude) {
  Generator gen(seed);
  Tensor t = uniform(shape, gen, lo, hi, DType::Float64);
  double* p = t.data<double>();
  for (int64_t i = 0; i < t.numel(); ++i) {
    if (std::fabs(p[i]) < min_magnitude)
      p[i] = p[i] < 0 ? p[i] - min_magnitude : p[i] + min_magnitude;
  }
  return t;
}

GradCheckResult gradcheck(const GradFn& f, const std::vector<Tensor>& inputs,
                          const GradCheckOptions& options) {
  for (const Tensor& t : inputs) {
    NOVA_CHECK(t.dtype() == DType::Float64 && t.device() == Device::CPU,
               "gradcheck runs in float64 on the CPU");
  }
  auto wanted = [&](size_t i) { return options.check_input.empty() || options.check_input[i]; };

  // Analytic gradients of L = sum(f(x) * R).
  std::vector<Tensor> leaves;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Tensor leaf = inputs[i].clone();
    if (wanted(i)) leaf.requires_grad_(true);
    leaves.push_back(leaf);
  }
  const Tensor out = f(leaves);
  Generator gen(options.projection_seed);
  const Tensor projection = normal(out.shape(), gen, 0.0, 1.0, DType::Float64);
  sum(mul(out, projection)).backward();

  auto objective = [&](const std::vector<Tensor>& x) {
    NoGradGuard no_grad;
    return sum(mul(f(x), projection)).item();
  };

  GradCheckResult result;
  std::ostringstream report;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!wanted(i)) continue;
    const Tensor analytic_grad = leaves[i].grad();
    std::vector<double> analytic = analytic_grad.defined()
                                       ? analytic_grad.to_double_vector()
                                       : std::vector<double>(inputs[i].numel(), 0.0);
    std::vector<Tensor> probe;
    for (const Tensor& t : inputs) probe.push_back(t.clone());
    double* x = probe[i].data<double>();
    for (int64_t k = 0; k < probe[i].numel(); ++k) {
      const double saved = x[k];
      x[k] = saved + options.step;
      const double up = objective(probe);
      x[k] = saved - options.step;
      const double down = objective(probe);
      x[k] = saved;
      const double numeric = (up - down) / (2.0 * options.step);
      const double error = std::fabs(analytic[k] - numeric);
      const bool bad =
          error > options.atol + options.rtol * std::fabs(numeric) || std::isnan(error);
      if (error > result.max_error || bad) {
        result.max_error = std::max(result.max_error, error);
        if (bad && result.ok) {
          report << "input " << i << " element " << k << ": analytic " << analytic[k]
                 << ", numeric " << numeric << "; ";
        }
      }
      result.ok = result.ok && !bad;
    }
  }
  result.report = report.str();
  return result;
}

}  // namespace nova::testing
