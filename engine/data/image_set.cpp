#include "engine/data/image_set.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace nova::data {

const float* ImageSet::image(int64_t i) const {
  if (i < 0 || i >= n) {
    throw std::out_of_range("ImageSet::image: index " + std::to_string(i) + " outside [0, " +
                            std::to_string(n) + ")");
  }
  return pixels.data() + i * image_size();
}

float* ImageSet::image(int64_t i) {
  return const_cast<float*>(static_cast<const ImageSet&>(*this).image(i));
}

void validate(const ImageSet& set, const std::string& what) {
  auto fail = [&](const std::string& msg) {
    throw std::runtime_error(what + ": inconsistent image set: " + msg);
  };
  if (set.n < 0 || set.c < 0 || set.h < 0 || set.w < 0) fail("negative size");
  if (static_cast<int64_t>(set.pixels.size()) != set.n * set.image_size()) {
    fail(std::to_string(set.pixels.size()) + " pixel values for " + std::to_string(set.n) +
         " images of " + std::to_string(set.c) + "x" + std::to_string(set.h) + "x" +
         std::to_string(set.w));
  }
  if (static_cast<int64_t>(set.labels.size()) != set.n) {
    fail(std::to_string(set.labels.size()) + " labels for " + std::to_string(set.n) + " images");
  }
  if (!set.names.empty() && static_cast<int64_t>(set.names.size()) != set.n) {
    fail(std::to_string(set.names.size()) + " names for " + std::to_string(set.n) + " images");
  }
}

ImageSet make_empty(int64_t c, int64_t h, int64_t w) {
  ImageSet set;
  set.c = c;
  set.h = h;
  set.w = w;
  return set;
}

ImageSet subset(const ImageSet& set, const std::vector<int64_t>& indices) {
  ImageSet out = make_empty(set.c, set.h, set.w);
  const int64_t size = set.image_size();
  out.n = static_cast<int64_t>(indices.size());
  out.pixels.resize(static_cast<size_t>(out.n * size));
  out.labels.resize(indices.size());
  const bool with_names = !set.names.empty();
  if (with_names) out.names.resize(indices.size());
  for (size_t k = 0; k < indices.size(); ++k) {
    const int64_t i = indices[k];
    if (i < 0 || i >= set.n) {
      throw std::runtime_error("subset: index " + std::to_string(i) + " (position " +
                               std::to_string(k) + ") outside the set of " + std::to_string(set.n) +
                               " images");
    }
    const float* src = set.pixels.data() + i * size;
    std::copy(src, src + size, out.pixels.begin() + static_cast<int64_t>(k) * size);
    out.labels[k] = set.labels[static_cast<size_t>(i)];
    if (with_names) out.names[k] = set.names[static_cast<size_t>(i)];
  }
  return out;
}

void append(ImageSet& dst, const ImageSet& src) {
  if (src.n == 0) return;
  if (dst.n == 0) {
    dst = src;
    return;
  }
  if (dst.c != src.c || dst.h != src.h || dst.w != src.w) {
    throw std::runtime_error("concat: image shapes differ: " + std::to_string(dst.c) + "x" +
                             std::to_string(dst.h) + "x" + std::to_string(dst.w) + " vs " +
                             std::to_string(src.c) + "x" + std::to_string(src.h) + "x" +
                             std::to_string(src.w));
  }
  const bool keep_names = !dst.names.empty() && !src.names.empty();
  dst.n += src.n;
  dst.pixels.insert(dst.pixels.end(), src.pixels.begin(), src.pixels.end());
  dst.labels.insert(dst.labels.end(), src.labels.begin(), src.labels.end());
  if (keep_names) {
    dst.names.insert(dst.names.end(), src.names.begin(), src.names.end());
  } else {
    dst.names.clear();
  }
}

ImageSet concat(const ImageSet& a, const ImageSet& b) {
  if (a.n == 0 && b.n == 0) return make_empty(a.c ? a.c : b.c, a.h ? a.h : b.h, a.w ? a.w : b.w);
  ImageSet out = a;
  append(out, b);
  return out;
}

std::vector<int64_t> class_counts(const ImageSet& set, int num_classes) {
  std::vector<int64_t> counts(static_cast<size_t>(num_classes > 0 ? num_classes : 0), 0);
  for (int32_t label : set.labels) {
    if (label >= 0 && label < num_classes) ++counts[static_cast<size_t>(label)];
  }
  return counts;
}

void check_labels(const ImageSet& set, int num_classes, const std::string& source) {
  for (size_t i = 0; i < set.labels.size(); ++i) {
    const int32_t label = set.labels[i];
    if (label < 0 || label >= num_classes) {
      throw std::runtime_error(source + ": class index " + std::to_string(label) + " of image " +
                               std::to_string(i) + " is out of range, expected 0.." +
                               std::to_string(num_classes - 1));
    }
  }
}

}  // namespace nova::data
