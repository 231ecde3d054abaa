#include "engine/data/idx_reader.h"

#include <cstdio>
#include <stdexcept>

#include "engine/data/file_bytes.h"

namespace nova::data {
namespace {

uint32_t read_be32(const std::vector<uint8_t>& b, size_t at) {
  return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) |
         uint32_t{b[at + 3]};
}

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", v);
  return buf;
}

std::string dims_text(const std::vector<int64_t>& dims) {
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "x" : "") + std::to_string(dims[i]);
  return s;
}

}  // namespace

IdxArray read_idx(const std::string& path, int expected_ndim) {
  const std::vector<uint8_t> bytes = read_maybe_gzip(path);
  const uint32_t expected_magic = 0x00000800u | static_cast<uint32_t>(expected_ndim);
  const std::string kind = expected_ndim == 1   ? "IDX labels"
                           : expected_ndim == 3 ? "IDX images"
                                                : "IDX";
  if (bytes.size() < 4) {
    throw std::runtime_error("IDX file '" + path +
                             "': truncated file: " + std::to_string(bytes.size()) +
                             " bytes, too short for the 4-byte magic number");
  }
  const uint32_t magic = read_be32(bytes, 0);
  if (magic != expected_magic) {
    throw std::runtime_error("IDX file '" + path + "': wrong magic number " + hex32(magic) +
                             ", expected " + hex32(expected_magic) + " (" + kind +
                             ", unsigned bytes, " + std::to_string(expected_ndim) + " dimension" +
                             (expected_ndim == 1 ? "" : "s") + ")");
  }
  const size_t header = 4 + 4 * static_cast<size_t>(expected_ndim);
  if (bytes.size() < header) {
    throw std::runtime_error("IDX file '" + path +
                             "': truncated file: " + std::to_string(bytes.size()) +
                             " bytes, the header needs " + std::to_string(header));
  }
  IdxArray arr;
  uint64_t count = 1;
  for (int d = 0; d < expected_ndim; ++d) {
    const uint32_t size = read_be32(bytes, 4 + 4 * static_cast<size_t>(d));
    arr.dims.push_back(size);
    count *= size;  // at most 3 factors below 2^32 each: checked against the file size below
    if (count > (uint64_t{1} << 40)) {
      throw std::runtime_error("IDX file '" + path + "': implausible dimensions in the header");
    }
  }
  const uint64_t have = bytes.size() - header;
  if (have < count) {
    throw std::runtime_error("IDX file '" + path + "': truncated file: header says " +
                             dims_text(arr.dims) + " = " + std::to_string(count) +
                             " bytes of data, found " + std::to_string(have));
  }
  if (have > count) {
    throw std::runtime_error("IDX file '" + path + "': " + std::to_string(have - count) +
                             " bytes beyond the " + dims_text(arr.dims) +
                             " data that the header describes");
  }
  arr.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  return arr;
}

ImageSet read_idx_images(const std::string& path) {
  IdxArray arr = read_idx(path, 3);
  ImageSet set = make_empty(1, arr.dims[1], arr.dims[2]);
  set.n = arr.dims[0];
  set.pixels.resize(arr.data.size());
  for (size_t i = 0; i < arr.data.size(); ++i) set.pixels[i] = byte_to_unit(arr.data[i]);
  set.labels.assign(static_cast<size_t>(set.n), -1);
  return set;
}

std::vector<int32_t> read_idx_labels(const std::string& path) {
  IdxArray arr = read_idx(path, 1);
  return std::vector<int32_t>(arr.data.begin(), arr.data.end());
}

ImageSet read_idx_pair(const std::string& images_path, const std::string& labels_path) {
  ImageSet set = read_idx_images(images_path);
  std::vector<int32_t> labels = read_idx_labels(labels_path);
  if (static_cast<int64_t>(labels.size()) != set.n) {
    throw std::runtime_error("image and label counts disagree: '" + images_path + "' has " +
                             std::to_string(set.n) + " images but '" + labels_path + "' has " +
                             std::to_string(labels.size()) + " labels");
  }
  set.labels = std::move(labels);
  return set;
}

}  // namespace nova::data
