// IDX files (the MNIST / Fashion-MNIST format), plain or gzip-compressed:
// a big-endian 32-bit magic 0x000008DD (08 = unsigned byte, DD = number of
// dimensions), DD big-endian 32-bit sizes, then the bytes in row-major order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/data/image_set.h"

namespace nova::data {

struct IdxArray {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;  // product(dims) bytes
};

// Reads an unsigned-byte IDX file with `expected_ndim` dimensions (magic
// 0x00000800 | expected_ndim). Throws naming the file on: missing file, wrong
// magic number, truncated gzip stream, a file shorter (or longer) than its
// header says.
IdxArray read_idx(const std::string& path, int expected_ndim);

// An images file (magic 0x00000803, dims n x h x w) as (n, 1, h, w) with
// pixel byte k mapped to k/255*2-1; labels all -1.
ImageSet read_idx_images(const std::string& path);

// A labels file (magic 0x00000801, dim n).
std::vector<int32_t> read_idx_labels(const std::string& path);

// Images and labels together; throws when the counts disagree.
ImageSet read_idx_pair(const std::string& images_path, const std::string& labels_path);

// Byte k -> k/255*2-1, the pixel mapping shared by every reader.
inline float byte_to_unit(uint8_t k) { return static_cast<float>(k) / 255.0f * 2.0f - 1.0f; }

}  // namespace nova::data
