// The evaluation protocols of the OCGAN paper, as seeded, reproducible splits
// of a data set's pool (its train part followed by its test part).
//
// Protocol 1: from the whole pool (train + test together), the known class is
//   shuffled; train_fraction (0.8) of it is the training part, of which
//   val_fraction (0.1) is held out as validation (model selection); the rest
//   (0.2) is tested together with as many negatives drawn at random, without
//   replacement, from all other classes of the pool. A data set of a single
//   class (normal images alone) is tested on that 20% alone.
// Protocol 2: the data set's own split: the known class of the train part is
//   shuffled and val_fraction of it held out; the test set is the whole test
//   part (every class).
//
// Counts: n_train_part = round(train_fraction * n_class), n_val =
// round(val_fraction * n_train_part) (round half away from zero).
// Randomness: SplitRng seeded from (seed, known_class, stream), stream 0 for
// the class permutation and 1 for the negatives; no clock. Index lists are
// sorted ascending (shuffling for training is the trainer's job).
// Labels: test_labels[k] = 1 when pool image test[k] is of the known class
// (normal, in-class), 0 when novel.
// Validation negatives (val_novel): as many images of other classes as val
// holds, never in the test set, drawn with stream 1 after the test negatives
// (protocol 1) or with stream 2 from the train part (protocol 2). Training
// never sees them; they let settings be chosen by a validation AUC without
// touching the test set. Fewer are drawn when the pool runs out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/data/dataset.h"
#include "engine/data/image_set.h"

namespace nova::data {

struct SplitOptions {
  int protocol = 1;  // 1 or 2
  int32_t known_class = 0;
  uint64_t seed = 0;
  double train_fraction = 0.8;  // protocol 1 only
  double val_fraction = 0.1;    // of the training part, held out for model selection
};

struct Split {
  std::string dataset;
  int protocol = 1;
  int32_t known_class = 0;
  uint64_t seed = 0;
  double train_fraction = 0.8;
  double val_fraction = 0.1;
  int64_t pool_size = 0;      // images in the pool
  int64_t n_train_split = 0;  // the pool's first n_train_split images are the train part
  std::vector<int64_t> train, val, test;  // indices into the pool, ascending
  std::vector<int64_t> val_novel;         // other-class images for validation AUCs, ascending
  std::vector<int32_t> test_labels;       // with test: 1 = in-class (normal), 0 = novel
};

// Makes a split from the pool's labels (length pool_size; the first
// n_train_split belong to the data set's train part). Throws on a class index
// outside [0, num_classes), a class without images, fractions out of range,
// too few negatives, or protocol 2 on a data set without a test split.
Split make_split(const std::string& dataset, const std::vector<int32_t>& pool_labels,
                 int64_t n_train_split, int num_classes, const SplitOptions& opt);

// The same for a loaded data set (pool = make_pool(ds)).
Split make_split(const Dataset& ds, const SplitOptions& opt);

// Throws when a split does not fit a pool of `pool_size` images or is
// internally inconsistent (overlapping lists, bad labels, indices out of
// range). `source` names the split (a file) in the message.
void validate_split(const Split& split, int64_t pool_size, const std::string& source);

// The images of a split, cut from the pool.
struct SplitSets {
  ImageSet train, val, test;
  ImageSet val_novel;                   // other-class validation images (see Split)
  std::vector<int32_t> test_is_normal;  // = split.test_labels
  std::vector<float> mean_image;        // (c, h, w) subtracted, or empty
};

// Cuts the split's sets out of the pool (validate_split first). With
// subtract_class_mean, the mean image of the training part is subtracted
// from all three sets (the paper's CIFAR-10 preprocessing; values then lie
// in [-2, 2]).
SplitSets apply_split(const ImageSet& pool, const Split& split, bool subtract_class_mean = false);

}  // namespace nova::data
