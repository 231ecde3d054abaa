// Mean-image preprocessing (the OCGAN paper subtracts the class-mean image
// on CIFAR-10, the mean being taken over the training images).
#pragma once

#include <vector>

#include "engine/data/image_set.h"

namespace nova::data {

// The per-pixel mean of all images of `set`, (c, h, w). Throws on an empty set.
std::vector<float> mean_image(const ImageSet& set);

// Subtracts `image` (c, h, w) from every image of `set`; throws when sizes
// disagree.
void subtract_image(ImageSet& set, const std::vector<float>& image);

}  // namespace nova::data
