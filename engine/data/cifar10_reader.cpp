#include "engine/data/cifar10_reader.h"

#include <stdexcept>

#include "engine/data/file_bytes.h"
#include "engine/data/idx_reader.h"

namespace nova::data {

ImageSet read_cifar10_batch(const std::string& path) {
  const std::vector<uint8_t> bytes = read_maybe_gzip(path);
  const auto size = static_cast<int64_t>(bytes.size());
  if (size == 0) {
    throw std::runtime_error("CIFAR-10 batch '" + path + "': empty file, expected records of " +
                             std::to_string(kCifarRecordBytes) + " bytes");
  }
  if (size % kCifarRecordBytes != 0) {
    throw std::runtime_error(
        "CIFAR-10 batch '" + path + "': truncated file: " + std::to_string(size) +
        " bytes is not a whole number of " + std::to_string(kCifarRecordBytes) + "-byte records (" +
        std::to_string(size / kCifarRecordBytes) + " records and " +
        std::to_string(size % kCifarRecordBytes) + " bytes left over)");
  }
  ImageSet set = make_empty(3, 32, 32);
  set.n = size / kCifarRecordBytes;
  set.pixels.resize(static_cast<size_t>(set.n * 3 * 32 * 32));
  set.labels.resize(static_cast<size_t>(set.n));
  for (int64_t i = 0; i < set.n; ++i) {
    const uint8_t* rec = bytes.data() + i * kCifarRecordBytes;
    if (rec[0] > 9) {
      throw std::runtime_error("CIFAR-10 batch '" + path + "': class index " +
                               std::to_string(rec[0]) + " of record " + std::to_string(i) +
                               " is out of range, expected 0..9");
    }
    set.labels[static_cast<size_t>(i)] = rec[0];
    float* dst = set.image(i);
    for (int64_t k = 0; k < 3 * 32 * 32; ++k) dst[k] = byte_to_unit(rec[1 + k]);
  }
  return set;
}

const std::vector<std::string>& cifar10_class_names() {
  static const std::vector<std::string> names = {
      "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
  return names;
}

}  // namespace nova::data
