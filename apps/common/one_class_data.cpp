#include "apps/common/one_class_data.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "engine/data/registry.h"
#include "engine/data/split_json.h"
#include "engine/error.h"
#include "kernels/common/philox.h"

namespace nova::apps {

void add_data_flags(Flags& flags) {
  flags.add_string("dataset", "mnist-subset",
                   "data set: mnist-subset (embedded), fashion-mnist, mnist, cifar10, folder, "
                   "normal-folder (a folder of normal images alone)");
  flags.add_string("data-path", "",
                   "where the data set lives (a folder; required for mnist, cifar10, folder)");
  flags.add_string("class", "0", "known (normal) class: an index, a list such as 0,3, or all");
  flags.add_int("protocol", 1, "evaluation protocol of the OCGAN paper: 1 or 2");
  flags.add_string("seeds", "0", "seeds, comma-separated; each gives its own split and run");
  flags.add_double("val-fraction", 0.1,
                   "share of the training images held out for model selection");
  flags.add_switch("subtract-mean",
                   "subtract the training class's mean image (CIFAR-10 in the paper)");
}

Experiment load_experiment(const Flags& flags) {
  Experiment e;
  e.dataset = data::load_dataset(flags.str("dataset"), flags.str("data-path"));
  e.pool = data::make_pool(e.dataset);
  e.classes = parse_index_list("class", flags.str("class"), e.dataset.num_classes());
  for (int64_t c : e.classes) {
    NOVA_CHECK(c >= 0 && c < e.dataset.num_classes(), "--class ", c,
               " is out of range: ", e.dataset.name, " has classes 0..",
               e.dataset.num_classes() - 1);
  }
  for (int64_t s : parse_index_list("seeds", flags.str("seeds"), 0)) {
    NOVA_CHECK(s >= 0, "--seeds: seeds must be >= 0, got ", s);
    e.seeds.push_back(s);
  }
  e.protocol = static_cast<int>(flags.integer("protocol"));
  NOVA_CHECK(e.protocol == 1 || e.protocol == 2, "--protocol must be 1 or 2, got ", e.protocol);
  NOVA_CHECK(e.protocol == 1 || e.dataset.has_test_split(),
             "--protocol 2 needs a data set with "
             "its own test split; ",
             e.dataset.name, " has none (use --protocol 1)");
  e.val_fraction = flags.real("val-fraction");
  e.subtract_mean = flags.on("subtract-mean");
  return e;
}

data::SplitSets prepare_split(const Experiment& e, int64_t known_class, uint64_t seed,
                              const std::string& run_dir) {
  data::SplitOptions options;
  options.protocol = e.protocol;
  options.known_class = static_cast<int32_t>(known_class);
  options.seed = seed;
  options.val_fraction = e.val_fraction;
  const data::Split split = data::make_split(e.dataset, options);
  data::write_split_json(run_dir + "/split.json", split);
  return data::apply_split(e.pool, split, e.subtract_mean);
}

std::vector<int64_t> epoch_order(int64_t n, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  // Fisher-Yates with Philox draws keyed by the seed, counted from the epoch.
  const uint64_t key = seed * 0x9E3779B97F4A7C15ull + 0x5EED;
  const uint64_t base = static_cast<uint64_t>(epoch) << 32;
  for (int64_t i = n - 1; i > 0; --i) {
    const float u = kernels::philox_uniform(key, base + static_cast<uint64_t>(i));  // (0, 1]
    const int64_t j = std::min<int64_t>(i, static_cast<int64_t>((1.0f - u) * (i + 1)));
    std::swap(order[i], order[j]);
  }
  return order;
}

}  // namespace nova::apps
