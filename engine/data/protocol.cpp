#include "engine/data/protocol.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "engine/data/mean_image.h"
#include "engine/data/split_rng.h"

namespace nova::data {
namespace {

int64_t round_count(double fraction, int64_t n) {
  return static_cast<int64_t>(std::llround(fraction * static_cast<double>(n)));
}

// Shuffles `members`, then moves the first n_val into val, the rest into train.
void hold_out(std::vector<int64_t> members, double val_fraction, SplitRng& rng, Split& s,
              const std::string& what) {
  rng.shuffle(members);
  const int64_t n = static_cast<int64_t>(members.size());
  const int64_t n_val = round_count(val_fraction, n);
  if (n - n_val < 1) {
    throw std::runtime_error(what + ": the training part of class " +
                             std::to_string(s.known_class) + " has " + std::to_string(n) +
                             " images, none left after holding out " + std::to_string(n_val) +
                             " for validation");
  }
  s.val.assign(members.begin(), members.begin() + n_val);
  s.train.assign(members.begin() + n_val, members.end());
  std::sort(s.val.begin(), s.val.end());
  std::sort(s.train.begin(), s.train.end());
}

}  // namespace

Split make_split(const std::string& dataset, const std::vector<int32_t>& pool_labels,
                 int64_t n_train_split, int num_classes, const SplitOptions& opt) {
  const std::string what = "protocol " + std::to_string(opt.protocol) + " on '" + dataset + "'";
  const auto pool_size = static_cast<int64_t>(pool_labels.size());
  if (opt.protocol != 1 && opt.protocol != 2) {
    throw std::runtime_error("protocol must be 1 or 2, got " + std::to_string(opt.protocol));
  }
  if (opt.known_class < 0 || opt.known_class >= num_classes) {
    throw std::runtime_error(what + ": class index " + std::to_string(opt.known_class) +
                             " is out of range, expected 0.." + std::to_string(num_classes - 1));
  }
  if (!(opt.val_fraction >= 0.0 && opt.val_fraction < 1.0)) {
    throw std::runtime_error(what + ": validation fraction " + std::to_string(opt.val_fraction) +
                             " must lie in [0, 1)");
  }
  if (opt.protocol == 1 && !(opt.train_fraction > 0.0 && opt.train_fraction < 1.0)) {
    throw std::runtime_error(what + ": train fraction " + std::to_string(opt.train_fraction) +
                             " must lie in (0, 1)");
  }
  if (n_train_split < 0 || n_train_split > pool_size) {
    throw std::runtime_error(what + ": train part of " + std::to_string(n_train_split) +
                             " images does not fit a pool of " + std::to_string(pool_size));
  }
  Split s;
  s.dataset = dataset;
  s.protocol = opt.protocol;
  s.known_class = opt.known_class;
  s.seed = opt.seed;
  s.train_fraction = opt.train_fraction;
  s.val_fraction = opt.val_fraction;
  s.pool_size = pool_size;
  s.n_train_split = n_train_split;
  SplitRng class_rng(opt.seed, opt.known_class, 0);

  if (opt.protocol == 1) {
    std::vector<int64_t> members, others;
    for (int64_t i = 0; i < pool_size; ++i) {
      (pool_labels[static_cast<size_t>(i)] == opt.known_class ? members : others).push_back(i);
    }
    const auto n_class = static_cast<int64_t>(members.size());
    const int64_t n_train_part = round_count(opt.train_fraction, n_class);
    const int64_t n_test = n_class - n_train_part;
    if (n_train_part < 1 || n_test < 1) {
      throw std::runtime_error(what + ": class " + std::to_string(opt.known_class) + " has " +
                               std::to_string(n_class) +
                               " images, too few to split into training and test parts");
    }
    // A data set of normal images alone (one class) is tested on its held-out
    // normals only.
    const int64_t n_negatives = num_classes > 1 ? n_test : 0;
    if (static_cast<int64_t>(others.size()) < n_negatives) {
      throw std::runtime_error(what + ": " + std::to_string(n_negatives) +
                               " negatives needed but the other classes have only " +
                               std::to_string(others.size()) + " images");
    }
    class_rng.shuffle(members);
    std::vector<int64_t> train_part(members.begin(), members.begin() + n_train_part);
    std::vector<int64_t> positives(members.begin() + n_train_part, members.end());
    hold_out(std::move(train_part), opt.val_fraction, class_rng, s, what);
    SplitRng neg_rng(opt.seed, opt.known_class, 1);
    neg_rng.shuffle(others);
    const size_t n_val_novel =
        std::min(s.val.size(), others.size() - static_cast<size_t>(n_negatives));
    s.val_novel.assign(others.begin() + n_negatives, others.begin() + n_negatives + n_val_novel);
    std::sort(s.val_novel.begin(), s.val_novel.end());
    others.resize(static_cast<size_t>(n_negatives));
    std::vector<std::pair<int64_t, int32_t>> test;
    for (int64_t i : positives) test.emplace_back(i, 1);
    for (int64_t i : others) test.emplace_back(i, 0);
    std::sort(test.begin(), test.end());
    for (const auto& [i, label] : test) {
      s.test.push_back(i);
      s.test_labels.push_back(label);
    }
    return s;
  }

  // Protocol 2.
  if (n_train_split == pool_size) {
    throw std::runtime_error(what +
                             ": protocol 2 needs the data set's own train/test split, "
                             "but '" +
                             dataset + "' has no test split (use protocol 1)");
  }
  std::vector<int64_t> members;
  for (int64_t i = 0; i < n_train_split; ++i) {
    if (pool_labels[static_cast<size_t>(i)] == opt.known_class) members.push_back(i);
  }
  if (members.empty()) {
    throw std::runtime_error(what + ": class " + std::to_string(opt.known_class) +
                             " has no images in the train split");
  }
  hold_out(std::move(members), opt.val_fraction, class_rng, s, what);
  std::vector<int64_t> others;
  for (int64_t i = 0; i < n_train_split; ++i) {
    if (pool_labels[static_cast<size_t>(i)] != opt.known_class) others.push_back(i);
  }
  SplitRng val_novel_rng(opt.seed, opt.known_class, 2);
  val_novel_rng.shuffle(others);
  others.resize(std::min(s.val.size(), others.size()));
  s.val_novel = std::move(others);
  std::sort(s.val_novel.begin(), s.val_novel.end());
  for (int64_t i = n_train_split; i < pool_size; ++i) {
    s.test.push_back(i);
    s.test_labels.push_back(pool_labels[static_cast<size_t>(i)] == opt.known_class ? 1 : 0);
  }
  return s;
}

Split make_split(const Dataset& ds, const SplitOptions& opt) {
  std::vector<int32_t> labels = ds.train.labels;
  labels.insert(labels.end(), ds.test.labels.begin(), ds.test.labels.end());
  return make_split(ds.name, labels, ds.train.n, ds.num_classes(), opt);
}

void validate_split(const Split& split, int64_t pool_size, const std::string& source) {
  auto fail = [&](const std::string& msg) {
    throw std::runtime_error("split '" + source + "': " + msg);
  };
  if (split.pool_size != pool_size) {
    fail("made for a pool of " + std::to_string(split.pool_size) + " images, but the data set '" +
         split.dataset + "' has " + std::to_string(pool_size) + " (train + test)");
  }
  if (split.protocol != 1 && split.protocol != 2) {
    fail("protocol " + std::to_string(split.protocol) + ", expected 1 or 2");
  }
  if (split.test.size() != split.test_labels.size()) {
    fail(std::to_string(split.test.size()) + " test indices but " +
         std::to_string(split.test_labels.size()) + " test labels");
  }
  for (int32_t label : split.test_labels) {
    if (label != 0 && label != 1) fail("test label " + std::to_string(label) + ", expected 0 or 1");
  }
  std::vector<char> seen(static_cast<size_t>(pool_size > 0 ? pool_size : 0), 0);
  auto mark = [&](const std::vector<int64_t>& list, const char* name) {
    for (int64_t i : list) {
      if (i < 0 || i >= pool_size) {
        fail(std::string(name) + " index " + std::to_string(i) + " outside the pool of " +
             std::to_string(pool_size) + " images");
      }
      if (seen[static_cast<size_t>(i)]) {
        fail(std::string(name) + " index " + std::to_string(i) + " appears twice or in two sets");
      }
      seen[static_cast<size_t>(i)] = 1;
    }
  };
  mark(split.train, "train");
  mark(split.val, "val");
  mark(split.test, "test");
  mark(split.val_novel, "val_novel");
  if (split.train.empty()) fail("empty training set");
}

SplitSets apply_split(const ImageSet& pool, const Split& split, bool subtract_class_mean) {
  validate_split(split, pool.n, split.dataset);
  SplitSets sets;
  sets.train = subset(pool, split.train);
  sets.val = subset(pool, split.val);
  sets.test = subset(pool, split.test);
  sets.val_novel = subset(pool, split.val_novel);
  sets.test_is_normal = split.test_labels;
  if (subtract_class_mean) {
    sets.mean_image = mean_image(sets.train);
    subtract_image(sets.train, sets.mean_image);
    subtract_image(sets.val, sets.mean_image);
    subtract_image(sets.test, sets.mean_image);
    subtract_image(sets.val_novel, sets.mean_image);
  }
  return sets;
}

}  // namespace nova::data
