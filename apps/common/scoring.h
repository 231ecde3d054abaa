// Scoring images with a trained model, shared by the programs' scoring modes.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/data/image_set.h"
#include "engine/tensor.h"

namespace nova::apps {

// Novelty scores of every image of `set`, in batches on `device`; score_batch
// maps an (n, c, h, w) batch to n scores.
std::vector<double> score_in_batches(const data::ImageSet& set, int64_t batch_size, Device device,
                                     const std::function<Tensor(const Tensor&)>& score_batch);

// Images to score, brought to the model's input: one PNG/JPEG file, a folder
// of them (resized as the folder reader documents), or an IDX image file
// whose images must already have the model's size.
data::ImageSet read_images_for_model(const std::string& path, int64_t channels, int64_t size);

// image,score per line; the image is its file name, or its index for IDX input.
void write_scores_csv(const std::string& path, const data::ImageSet& images,
                      const std::vector<double>& scores);

}  // namespace nova::apps
