#include "engine/data/mean_image.h"

#include <stdexcept>
#include <string>

namespace nova::data {

std::vector<float> mean_image(const ImageSet& set) {
  if (set.n == 0) throw std::runtime_error("mean_image: the set has no images");
  const int64_t size = set.image_size();
  std::vector<double> acc(static_cast<size_t>(size), 0.0);
  for (int64_t i = 0; i < set.n; ++i) {
    const float* img = set.image(i);
    for (int64_t k = 0; k < size; ++k) acc[static_cast<size_t>(k)] += img[k];
  }
  std::vector<float> mean(static_cast<size_t>(size));
  for (int64_t k = 0; k < size; ++k) {
    mean[static_cast<size_t>(k)] =
        static_cast<float>(acc[static_cast<size_t>(k)] / static_cast<double>(set.n));
  }
  return mean;
}

void subtract_image(ImageSet& set, const std::vector<float>& image) {
  const int64_t size = set.image_size();
  if (static_cast<int64_t>(image.size()) != size) {
    throw std::runtime_error("subtract_image: image of " + std::to_string(image.size()) +
                             " values, the set's images have " + std::to_string(size));
  }
  for (int64_t i = 0; i < set.n; ++i) {
    float* img = set.image(i);
    for (int64_t k = 0; k < size; ++k) img[k] -= image[static_cast<size_t>(k)];
  }
}

}  // namespace nova::data
