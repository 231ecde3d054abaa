#include "engine/metrics/threshold_metrics.h"

#include <algorithm>
#include <numeric>

#include "engine/metrics/roc.h"

namespace nova::metrics {
namespace {

void finish(DetectionStats& s) {
  const auto tp = static_cast<double>(s.tp);
  s.precision = (s.tp + s.fp) > 0 ? tp / static_cast<double>(s.tp + s.fp) : 0.0;
  s.recall = (s.tp + s.fn) > 0 ? tp / static_cast<double>(s.tp + s.fn) : 0.0;
  s.f1 = (s.precision + s.recall) > 0.0 ? 2.0 * s.precision * s.recall / (s.precision + s.recall)
                                        : 0.0;
  const int64_t n = s.tp + s.fp + s.tn + s.fn;
  s.accuracy = n > 0 ? static_cast<double>(s.tp + s.tn) / static_cast<double>(n) : 0.0;
}

}  // namespace

DetectionStats stats_at_threshold(const std::vector<double>& novelty_scores,
                                  const std::vector<int32_t>& is_normal, double threshold) {
  check_scores(novelty_scores, is_normal, "stats_at_threshold");
  DetectionStats s;
  s.threshold = threshold;
  for (size_t i = 0; i < novelty_scores.size(); ++i) {
    const bool flagged = novelty_scores[i] >= threshold;
    if (is_normal[i]) {
      (flagged ? s.fp : s.tn)++;
    } else {
      (flagged ? s.tp : s.fn)++;
    }
  }
  finish(s);
  return s;
}

DetectionStats best_f1(const std::vector<double>& novelty_scores,
                       const std::vector<int32_t>& is_normal) {
  check_scores(novelty_scores, is_normal, "best_f1");
  std::vector<size_t> idx(novelty_scores.size());
  std::iota(idx.begin(), idx.end(), size_t{0});
  std::sort(idx.begin(), idx.end(),
            [&](size_t a, size_t b) { return novelty_scores[a] > novelty_scores[b]; });
  int64_t n_novel = 0, n_normal = 0;
  for (int32_t y : is_normal) (y ? n_normal : n_novel)++;
  // Lower the threshold through the distinct scores, descending.
  DetectionStats best;
  best.f1 = -1.0;
  int64_t tp = 0, fp = 0;
  for (size_t i = 0; i < idx.size();) {
    const double t = novelty_scores[idx[i]];
    while (i < idx.size() && novelty_scores[idx[i]] == t) {
      (is_normal[idx[i]] ? fp : tp)++;
      ++i;
    }
    DetectionStats s;
    s.threshold = t;
    s.tp = tp;
    s.fp = fp;
    s.fn = n_novel - tp;
    s.tn = n_normal - fp;
    finish(s);
    if (s.f1 > best.f1) best = s;
  }
  return best;
}

}  // namespace nova::metrics
