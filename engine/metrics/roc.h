// ROC analysis of novelty scores.
//
// Conventions (read this before calling):
//  - A score is a NOVELTY score: higher = more novel (e.g. reconstruction
//    error).
//  - Labels are `is_normal`: 1 = in-class (normal), 0 = novel, as the
//    protocols produce them (Split::test_labels).
//  - For detection (roc_curve, eer, threshold metrics) the POSITIVE class is
//    NOVEL (label 0): an image is flagged novel when score >= threshold.
//  - The OCGAN paper reports the AUC with IN-CLASS as positive, ranking by a
//    normality score (higher = more normal). Both AUCs are the same number
//    for s_normality = -s_novelty: P(novel outranks normal) on the novelty
//    score equals P(normal outranks novel) on the normality score. So
//    novelty_auc(s, y) == paper_auc(-s, y), and the tables of the paper can
//    be compared with novelty_auc directly.
// Ties count one half (the Mann-Whitney U statistic with average ranks).
// Inputs are checked: equal lengths, labels 0/1, both classes present, no NaN.
#pragma once

#include <cstdint>
#include <vector>

namespace nova::metrics {

// Generic AUC: P(score of a positive > score of a negative) + 0.5 P(tie),
// positive[i] = 1 or 0. Exact, O(n log n).
double roc_auc(const std::vector<double>& scores, const std::vector<int32_t>& positive);

// AUC of novelty scores with novel (is_normal = 0) as positive.
double novelty_auc(const std::vector<double>& novelty_scores,
                   const std::vector<int32_t>& is_normal);

// The paper's convention: normality scores (higher = more normal), in-class
// (is_normal = 1) as positive.
double paper_auc(const std::vector<double>& normality_scores,
                 const std::vector<int32_t>& is_normal);

struct RocPoint {
  double fpr;        // normal images flagged novel / normal images
  double tpr;        // novel images flagged novel / novel images
  double threshold;  // flagged novel when score >= threshold (+inf for (0, 0))
};

// The ROC curve of novelty scores (novel positive): one point per distinct
// score, thresholds decreasing, from (0, 0) at +inf to (1, 1) at the lowest
// score. Trapezoids under it sum to novelty_auc.
std::vector<RocPoint> roc_curve(const std::vector<double>& novelty_scores,
                                const std::vector<int32_t>& is_normal);

struct EerResult {
  double eer;        // the rate where false-positive rate = false-negative rate
  double threshold;  // score threshold there (interpolated between ROC points)
};

// Equal error rate: the ROC curve is followed to where FPR = 1 - TPR,
// interpolating linearly between the two points that bracket it.
EerResult equal_error_rate(const std::vector<double>& novelty_scores,
                           const std::vector<int32_t>& is_normal);

// Checks the inputs of every function here; throws std::invalid_argument
// naming `what` and the problem.
void check_scores(const std::vector<double>& scores, const std::vector<int32_t>& labels,
                  const char* what);

}  // namespace nova::metrics
