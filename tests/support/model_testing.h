// Small pieces the model tests share: random image batches, image sets made
// from them, and snapshots of a model's tensors to compare runs.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/data/image_set.h"
#include "engine/nn/module.h"
#include "engine/random.h"
#include "engine/tensor.h"

namespace nova::testing {

// (n, channels, size, size) uniform in [-1, 1], the models' input range.
inline Tensor image_batch(int64_t n, uint64_t seed, int64_t channels = 1, int64_t size = 28) {
  Generator gen(seed);
  return uniform({n, channels, size, size}, gen, -1.0, 1.0);
}

// The images of a CPU float batch as an ImageSet (labels 0).
inline data::ImageSet image_set(const Tensor& x) {
  data::ImageSet set = data::make_empty(x.size(1), x.size(2), x.size(3));
  set.n = x.size(0);
  set.labels.assign(static_cast<size_t>(set.n), 0);
  set.pixels = x.to_vector();
  return set;
}

inline std::vector<std::vector<float>> snapshot(const nn::NamedTensors& state) {
  std::vector<std::vector<float>> out;
  for (const auto& [name, t] : state) out.push_back(t.to_vector());
  return out;
}

// A checkpoint path under the temp dir, apart per process.
inline std::string temp_checkpoint_path(const std::string& stem) {
  return (std::filesystem::temp_directory_path() /
          (stem + "_" + std::to_string(::getpid()) + ".safetensors"))
      .string();
}

}  // namespace nova::testing
