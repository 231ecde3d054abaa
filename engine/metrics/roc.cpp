#include "engine/metrics/roc.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace nova::metrics {
namespace {

// Indices sorted by score, descending.
std::vector<size_t> order_desc(const std::vector<double>& scores) {
  std::vector<size_t> idx(scores.size());
  std::iota(idx.begin(), idx.end(), size_t{0});
  std::stable_sort(idx.begin(), idx.end(),
                   [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  return idx;
}

}  // namespace

void check_scores(const std::vector<double>& scores, const std::vector<int32_t>& labels,
                  const char* what) {
  if (scores.size() != labels.size()) {
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(scores.size()) +
                                " scores but " + std::to_string(labels.size()) + " labels");
  }
  size_t ones = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 0 && labels[i] != 1) {
      throw std::invalid_argument(std::string(what) + ": label " + std::to_string(labels[i]) +
                                  " at position " + std::to_string(i) + ", expected 0 or 1");
    }
    if (std::isnan(scores[i])) {
      throw std::invalid_argument(std::string(what) + ": score at position " + std::to_string(i) +
                                  " is NaN");
    }
    ones += static_cast<size_t>(labels[i]);
  }
  if (ones == 0 || ones == labels.size()) {
    throw std::invalid_argument(std::string(what) + ": needs both classes among the labels, got " +
                                std::to_string(ones) + " of label 1 and " +
                                std::to_string(labels.size() - ones) + " of label 0");
  }
}

double roc_auc(const std::vector<double>& scores, const std::vector<int32_t>& positive) {
  check_scores(scores, positive, "roc_auc");
  // Average ranks (1-based, ascending); U = sum of positive ranks - P(P+1)/2.
  std::vector<size_t> idx(scores.size());
  std::iota(idx.begin(), idx.end(), size_t{0});
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  double rank_sum = 0.0;
  double n_pos = 0.0;
  for (size_t i = 0; i < idx.size();) {
    size_t j = i;
    while (j < idx.size() && scores[idx[j]] == scores[idx[i]]) ++j;
    const double avg_rank = 0.5 * static_cast<double>(i + 1 + j);  // mean of i+1 .. j
    for (size_t k = i; k < j; ++k) {
      if (positive[idx[k]] == 1) {
        rank_sum += avg_rank;
        n_pos += 1.0;
      }
    }
    i = j;
  }
  const double n_neg = static_cast<double>(scores.size()) - n_pos;
  const double u = rank_sum - n_pos * (n_pos + 1.0) / 2.0;
  return u / (n_pos * n_neg);
}

double novelty_auc(const std::vector<double>& novelty_scores,
                   const std::vector<int32_t>& is_normal) {
  check_scores(novelty_scores, is_normal, "novelty_auc");
  std::vector<int32_t> novel(is_normal.size());
  for (size_t i = 0; i < is_normal.size(); ++i) novel[i] = 1 - is_normal[i];
  return roc_auc(novelty_scores, novel);
}

double paper_auc(const std::vector<double>& normality_scores,
                 const std::vector<int32_t>& is_normal) {
  check_scores(normality_scores, is_normal, "paper_auc");
  return roc_auc(normality_scores, is_normal);
}

std::vector<RocPoint> roc_curve(const std::vector<double>& novelty_scores,
                                const std::vector<int32_t>& is_normal) {
  check_scores(novelty_scores, is_normal, "roc_curve");
  double n_novel = 0.0, n_normal = 0.0;
  for (int32_t y : is_normal) (y ? n_normal : n_novel) += 1.0;
  const std::vector<size_t> idx = order_desc(novelty_scores);
  std::vector<RocPoint> curve;
  curve.push_back({0.0, 0.0, std::numeric_limits<double>::infinity()});
  double tp = 0.0, fp = 0.0;
  for (size_t i = 0; i < idx.size();) {
    const double t = novelty_scores[idx[i]];
    while (i < idx.size() && novelty_scores[idx[i]] == t) {
      (is_normal[idx[i]] ? fp : tp) += 1.0;
      ++i;
    }
    curve.push_back({fp / n_normal, tp / n_novel, t});
  }
  return curve;
}

EerResult equal_error_rate(const std::vector<double>& novelty_scores,
                           const std::vector<int32_t>& is_normal) {
  const std::vector<RocPoint> curve = roc_curve(novelty_scores, is_normal);
  // d = FPR - FNR rises from -1 at (0, 0) to +1 at (1, 1), never falling.
  for (size_t k = 1; k < curve.size(); ++k) {
    const RocPoint& a = curve[k - 1];
    const RocPoint& b = curve[k];
    const double da = a.fpr - (1.0 - a.tpr);
    const double db = b.fpr - (1.0 - b.tpr);
    if (db < 0.0) continue;
    const double f = (db == da) ? 0.0 : -da / (db - da);  // fraction of the way from a to b
    const double eer = a.fpr + f * (b.fpr - a.fpr);
    double threshold = b.threshold;
    if (std::isfinite(a.threshold) && f < 1.0) {
      threshold = a.threshold + f * (b.threshold - a.threshold);
    }
    return {eer, threshold};
  }
  return {curve.back().fpr, curve.back().threshold};  // unreachable: d ends at +1
}

}  // namespace nova::metrics
