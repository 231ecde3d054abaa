// The data side every one-class program shares: the --dataset/--class/
// --protocol flags, loading, seeded splits written next to the results, and
// batches as tensors.
#pragma once

#include <string>
#include <vector>

#include "apps/common/flags.h"
#include "engine/data/dataset.h"
#include "engine/data/protocol.h"
#include "engine/random.h"
#include "engine/tensor.h"

namespace nova::apps {

void add_data_flags(Flags& flags);

struct Experiment {
  data::Dataset dataset;
  data::ImageSet pool;  // train part followed by test part, what splits index
  std::vector<int64_t> classes;
  std::vector<int64_t> seeds;
  int protocol = 1;
  double val_fraction = 0.1;
  bool subtract_mean = false;
};

// Loads the data set named by the flags and checks --class, --seeds, --protocol.
Experiment load_experiment(const Flags& flags);

// The split of (class, seed), also written to <run_dir>/split.json.
data::SplitSets prepare_split(const Experiment& e, int64_t known_class, uint64_t seed,
                              const std::string& run_dir);

// A seeded permutation of 0..n-1 for one epoch: the same (seed, epoch) gives
// the same order, so a resumed run sees the batches it would have seen.
std::vector<int64_t> epoch_order(int64_t n, uint64_t seed, int64_t epoch);

}  // namespace nova::apps
