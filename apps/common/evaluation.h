// What every one-class program writes after scoring a test set: per-image
// scores as CSV, the ROC curve as CSV and as a picture, score histograms of
// normal and novel images, and a summary (AUC, EER, best F1).
#pragma once

#include <string>
#include <vector>

#include "apps/common/scoring.h"
#include "engine/data/image_set.h"
#include "engine/metrics/normal_calibration.h"
#include "engine/tensor.h"

namespace nova::apps {

struct EvaluationSummary {
  std::string score;  // which NamedScores
  double auc = 0.0;   // novel vs normal, equal to the paper's in-class-positive AUC
  double eer = 0.0;
  double best_f1 = 0.0;  // novel as positive, at the best threshold
  double best_threshold = 0.0;
};

// Writes into run_dir: scores.csv (a column per score, then the calibrated
// score and the decision of the default score when `decision` is given),
// roc.csv, roc.png and histogram.png of the first (default) score,
// histogram_<name>.png of each other. Returns a summary per score, in order.
std::vector<EvaluationSummary> write_evaluation(const std::string& run_dir,
                                                const std::string& title,
                                                const std::vector<NamedScores>& scores,
                                                const std::vector<int32_t>& is_normal,
                                                const data::ImageSet& test,
                                                const metrics::NormalCalibration* decision);

// An (n, c, h, w) tensor of images in [-1, 1] as a PNG grid.
void write_image_grid(const std::string& path, const Tensor& images, int64_t columns);

// Interleaves rows of batches of the same shape (an input above its outputs):
// `columns` images of the first, then of the second, ... then the next
// `columns` of the first.
Tensor interleave_rows(const std::vector<Tensor>& groups, int64_t columns);

}  // namespace nova::apps
