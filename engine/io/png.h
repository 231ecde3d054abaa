// PNG output: images and grids of images, written atomically.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nova::io {

// 8-bit pixels, row-major, `channels` (1 = grey, 3 = RGB) per pixel.
struct Image8 {
  int64_t width = 0, height = 0, channels = 3;
  std::vector<uint8_t> pixels;
};

void write_png(const std::string& path, const Image8& image);

// Float images (n, c, h, w) with values in [-1, 1] (clamped), c = 1 or 3,
// laid out in a grid of `columns` with a 2-pixel gap, each pixel scaled up
// `zoom` times so small digits are visible.
Image8 image_grid(const float* images, int64_t n, int64_t c, int64_t h, int64_t w, int64_t columns,
                  int64_t zoom = 2);

}  // namespace nova::io
