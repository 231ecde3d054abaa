// CIFAR-10 binary batches: records of 1 label byte (0..9) followed by 3072
// pixel bytes (1024 red, 1024 green, 1024 blue; each plane 32x32 row-major).
#pragma once

#include <string>
#include <vector>

#include "engine/data/image_set.h"

namespace nova::data {

constexpr int64_t kCifarRecordBytes = 1 + 3 * 32 * 32;

// One batch file (e.g. data_batch_1.bin) as (n, 3, 32, 32) in [-1, 1].
// Throws naming the file on: missing file, empty file, a size that is not a
// whole number of records (truncated), a label byte above 9.
ImageSet read_cifar10_batch(const std::string& path);

// The ten class names of CIFAR-10, in label order.
const std::vector<std::string>& cifar10_class_names();

}  // namespace nova::data
