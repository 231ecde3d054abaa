#include "engine/metrics/normal_calibration.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace nova::metrics {

double quantile(std::vector<double> values, double q) {
  if (!(q >= 0.0 && q <= 1.0)) {
    throw std::invalid_argument("quantile: q must lie in [0, 1], got " + std::to_string(q));
  }
  values.erase(
      std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
      values.end());
  if (values.empty()) throw std::invalid_argument("quantile: no finite value");
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, values.size() - 1);
  const double frac = position - static_cast<double>(below);
  return values[below] + frac * (values[above] - values[below]);
}

double NormalCalibration::calibrated(double score) const {
  return (score - median) / (threshold - median);
}

NormalCalibration calibrate_at_false_alarm_rate(const std::vector<double>& normal_scores,
                                                double rate) {
  if (!(rate > 0.0 && rate < 0.5)) {
    throw std::invalid_argument("false-alarm rate must lie strictly between 0 and 0.5, got " +
                                std::to_string(rate));
  }
  return calibrate_at_threshold(normal_scores, quantile(normal_scores, 1.0 - rate));
}

NormalCalibration calibrate_at_threshold(const std::vector<double>& normal_scores,
                                         double threshold) {
  NormalCalibration c;
  c.median = quantile(normal_scores, 0.5);
  c.threshold = threshold;
  if (!(threshold > c.median)) {
    throw std::invalid_argument(
        "threshold " + std::to_string(threshold) + " is not above the median normal score " +
        std::to_string(c.median) + ": it would flag at least half of the normal images");
  }
  return c;
}

double flagged_fraction(const std::vector<double>& scores, double threshold) {
  if (scores.empty()) return 0.0;
  const auto flagged =
      std::count_if(scores.begin(), scores.end(), [&](double s) { return s >= threshold; });
  return static_cast<double>(flagged) / static_cast<double>(scores.size());
}

}  // namespace nova::metrics
