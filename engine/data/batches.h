// Images of an ImageSet as tensors, a batch at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "engine/data/image_set.h"
#include "engine/tensor.h"

namespace nova::data {

// Images [indices[begin], ..., indices[end-1]] of `set` as an (n, c, h, w)
// float32 tensor on `device`.
Tensor batch_tensor(const ImageSet& set, const std::vector<int64_t>& indices, size_t begin,
                    size_t end, Device device);

// Calls `visit` on every image of `set` in order, in batches of at most
// batch_size images on `device` (the last batch may be smaller).
void for_each_batch(const ImageSet& set, int64_t batch_size, Device device,
                    const std::function<void(const Tensor&)>& visit);

}  // namespace nova::data
