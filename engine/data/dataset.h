// A data set as loaded: its own train and test parts (test empty when the
// data set has no official split) and the names of its classes.
#pragma once

#include <string>
#include <vector>

#include "engine/data/image_set.h"

namespace nova::data {

struct Dataset {
  std::string name;  // registry name: "mnist-subset", "fashion-mnist", ...
  ImageSet train;
  ImageSet test;                         // n == 0 when there is no official test split
  std::vector<std::string> class_names;  // label k -> class_names[k]

  int num_classes() const { return static_cast<int>(class_names.size()); }
  bool has_test_split() const { return test.n > 0; }
};

// The pool that protocols index into: train followed by test.
ImageSet make_pool(const Dataset& ds);

}  // namespace nova::data
