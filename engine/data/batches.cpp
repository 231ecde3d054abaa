#include "engine/data/batches.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "engine/error.h"

namespace nova::data {

Tensor batch_tensor(const ImageSet& set, const std::vector<int64_t>& indices, size_t begin,
                    size_t end, Device device) {
  NOVA_CHECK(begin <= end && end <= indices.size(), "batch [", begin, ", ", end, ") outside ",
             indices.size(), " indices");
  const auto n = static_cast<int64_t>(end - begin);
  Tensor batch = Tensor::empty({n, set.c, set.h, set.w});
  float* out = batch.data<float>();
  const int64_t size = set.image_size();
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(out + i * size, set.image(indices[begin + static_cast<size_t>(i)]),
                sizeof(float) * static_cast<size_t>(size));
  }
  return device == Device::CPU ? batch : batch.to(device);
}

void for_each_batch(const ImageSet& set, int64_t batch_size, Device device,
                    const std::function<void(const Tensor&)>& visit) {
  NOVA_CHECK(batch_size >= 1, "batch size must be >= 1, got ", batch_size);
  std::vector<int64_t> all(static_cast<size_t>(set.n));
  std::iota(all.begin(), all.end(), 0);
  for (size_t begin = 0; begin < all.size(); begin += static_cast<size_t>(batch_size)) {
    const size_t end = std::min(all.size(), begin + static_cast<size_t>(batch_size));
    visit(batch_tensor(set, all, begin, end, device));
  }
}

}  // namespace nova::data
