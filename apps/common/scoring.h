// Scoring images with a trained model, shared by training (the test split)
// and the programs' scoring modes.
#pragma once

#include <string>
#include <vector>

#include "engine/data/image_set.h"
#include "engine/metrics/normal_calibration.h"
#include "models/one_class_model.h"

namespace nova::apps {

// One kind of novelty score of every image (higher = more novel).
struct NamedScores {
  std::string name;
  std::vector<double> values;
};

// Every score the model offers for every image of `set`, in batches of the
// model's batch size on its device; the model's default score first.
std::vector<NamedScores> score_set(models::OneClassModel& model, const data::ImageSet& set);

// `set` brought to the model's input shape: resized (data/resize.h) and
// converted between grey and RGB where they differ; unchanged otherwise.
data::ImageSet to_model_input(const data::ImageSet& set, const models::InputShape& shape);

// Images to score, brought to the model's input: one PNG/JPEG file, a folder
// of them, or an IDX image file. `flag` names the path in messages. Images
// of another size are resized (data/resize.h), or with exact_size refused
// with a message naming the file and both sizes.
data::ImageSet read_images_for_model(const std::string& path, const models::InputShape& shape,
                                     const std::string& flag, bool exact_size = false);

// image,[is_normal,]<score>,<score>...,calibrated,decision per line: the
// image is its file name, or its index for IDX input; is_normal only when
// labels are known; calibrated and decision ("normal" or "novel") from the
// first (default) score.
void write_scores_csv(const std::string& path, const data::ImageSet& images,
                      const std::vector<int32_t>& is_normal, const std::vector<NamedScores>& scores,
                      const metrics::NormalCalibration& decision);

}  // namespace nova::apps
