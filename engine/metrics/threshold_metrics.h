// Precision, recall and F1 of novelty detection at a score threshold.
// Same conventions as roc.h: higher score = more novel; is_normal 1 =
// in-class, 0 = novel; the POSITIVE class is NOVEL; an image is flagged
// novel when score >= threshold. Precision with nothing flagged is 0 (and
// so is F1 when precision + recall = 0).
#pragma once

#include <cstdint>
#include <vector>

namespace nova::metrics {

struct DetectionStats {
  double threshold = 0.0;
  int64_t tp = 0;  // novel, flagged novel
  int64_t fp = 0;  // normal, flagged novel
  int64_t tn = 0;  // normal, not flagged
  int64_t fn = 0;  // novel, not flagged
  double precision = 0.0;
  double recall = 0.0;  // = true-positive rate
  double f1 = 0.0;
  double accuracy = 0.0;
};

DetectionStats stats_at_threshold(const std::vector<double>& novelty_scores,
                                  const std::vector<int32_t>& is_normal, double threshold);

// The threshold, among the distinct scores, with the highest F1 (the highest
// threshold wins a tie).
DetectionStats best_f1(const std::vector<double>& novelty_scores,
                       const std::vector<int32_t>& is_normal);

}  // namespace nova::metrics
