// ImageSet: a batch of images held in host memory, the common currency of the
// data readers, the protocols and the apps. Independent of the tensor engine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nova::data {

struct ImageSet {
  int64_t n = 0, c = 0, h = 0, w = 0;
  std::vector<float> pixels;       // (n, c, h, w), values in [-1, 1]
  std::vector<int32_t> labels;     // (n), class index per image, -1 if unknown
  std::vector<std::string> names;  // (n) source file per image, or empty

  int64_t image_size() const { return c * h * w; }  // floats per image
  bool empty() const { return n == 0; }
  // Image i, (c, h, w). Throws std::out_of_range for i outside [0, n).
  const float* image(int64_t i) const;
  float* image(int64_t i);
};

// Throws std::runtime_error when the sizes of pixels/labels/names disagree
// with (n, c, h, w). `what` names the set in the message.
void validate(const ImageSet& set, const std::string& what);

// An empty set with the given image shape.
ImageSet make_empty(int64_t c, int64_t h, int64_t w);

// The images at `indices` (any order, repeats allowed), labels and names with
// them. Throws naming the first index outside [0, set.n).
ImageSet subset(const ImageSet& set, const std::vector<int64_t>& indices);

// Appends src's images to dst (same rule on shapes and names as concat).
void append(ImageSet& dst, const ImageSet& src);

// a followed by b. An empty side may have any shape; otherwise (c, h, w)
// must agree. names are kept only when both sides have them (or are empty).
ImageSet concat(const ImageSet& a, const ImageSet& b);

// Number of images of each class 0..num_classes-1 (labels outside the range,
// -1 included, are not counted).
std::vector<int64_t> class_counts(const ImageSet& set, int num_classes);

// Throws naming `source` and the image when a label lies outside
// [0, num_classes) (-1, unknown, is refused too).
void check_labels(const ImageSet& set, int num_classes, const std::string& source);

}  // namespace nova::data
