// What every one-class program writes after scoring a test set: per-image
// scores as CSV, the ROC curve as CSV and as a picture, score histograms of
// normal and novel images, and a summary (AUC, EER, best F1).
#pragma once

#include <string>
#include <vector>

#include "engine/data/image_set.h"
#include "engine/tensor.h"

namespace nova::apps {

struct EvaluationSummary {
  double auc = 0.0;  // novel vs normal, equal to the paper's in-class-positive AUC
  double eer = 0.0;
  double best_f1 = 0.0;  // novel as positive, at the best threshold
  double best_threshold = 0.0;
};

// Writes scores.csv, roc.csv, roc.png and histogram.png into run_dir.
// novelty: one score per test image, higher = more novel.
EvaluationSummary write_evaluation(const std::string& run_dir, const std::string& title,
                                   const std::vector<double>& novelty,
                                   const std::vector<int32_t>& is_normal,
                                   const data::ImageSet& test);

// An (n, c, h, w) tensor of images in [-1, 1] as a PNG grid.
void write_image_grid(const std::string& path, const Tensor& images, int64_t columns);

// Interleaves rows of two batches (inputs above outputs) for before/after views.
Tensor interleave_rows(const Tensor& top, const Tensor& bottom, int64_t columns);

}  // namespace nova::apps
