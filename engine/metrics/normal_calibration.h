// Decisions from normal data alone: a novelty-score threshold for a target
// false-alarm rate, and the calibrated score that reads 0 for a typical
// normal image and 1 at the threshold.
//
// Same conventions as roc.h: higher score = more novel, and an image is
// flagged novel when score >= threshold.
#pragma once

#include <cstdint>
#include <vector>

namespace nova::metrics {

// The q-quantile (0 <= q <= 1) of the finite values, interpolating linearly
// between order statistics (numpy's default, Hyndman and Fan's type 7).
// Throws when there is no finite value.
double quantile(std::vector<double> values, double q);

struct NormalCalibration {
  double median = 0.0;     // of the normal scores: calibrated 0
  double threshold = 0.0;  // flagged novel from here on: calibrated 1

  // (score - median) / (threshold - median).
  double calibrated(double score) const;
  bool is_novel(double score) const { return score >= threshold; }
};

// The threshold at the (1 - rate)-quantile of the normal scores, so that
// about `rate` of normal images are flagged; 0 < rate < 0.5. Throws when
// the scores leave no room between the median and that quantile (all equal).
NormalCalibration calibrate_at_false_alarm_rate(const std::vector<double>& normal_scores,
                                                double rate);

// The median of the normal scores with a given threshold (best F1, or a
// user's). Throws when the threshold is not above the median: it would flag
// at least half of the normal images, and calibration needs a scale.
NormalCalibration calibrate_at_threshold(const std::vector<double>& normal_scores,
                                         double threshold);

// The share of scores flagged novel at `threshold` (score >= threshold).
double flagged_fraction(const std::vector<double>& scores, double threshold);

}  // namespace nova::metrics
