#include "engine/io/png.h"

#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "engine/io/text_file.h"

namespace nova::io {

namespace {
void append_bytes(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), size);
}
}  // namespace

void write_png(const std::string& path, const Image8& image) {
  const size_t expected = static_cast<size_t>(image.width * image.height * image.channels);
  if (image.width <= 0 || image.height <= 0 || image.pixels.size() != expected) {
    throw std::runtime_error("cannot write '" + path + "': image of " +
                             std::to_string(image.width) + "x" + std::to_string(image.height) +
                             " has " + std::to_string(image.pixels.size()) + " bytes");
  }
  std::string bytes;
  const int ok =
      stbi_write_png_to_func(append_bytes, &bytes, static_cast<int>(image.width),
                             static_cast<int>(image.height), static_cast<int>(image.channels),
                             image.pixels.data(), static_cast<int>(image.width * image.channels));
  if (!ok) throw std::runtime_error("cannot encode PNG '" + path + "'");
  write_text_file(path, bytes);
}

Image8 image_grid(const float* images, int64_t n, int64_t c, int64_t h, int64_t w, int64_t columns,
                  int64_t zoom) {
  if (n <= 0 || (c != 1 && c != 3) || columns <= 0 || zoom <= 0) {
    throw std::invalid_argument("image_grid: need n >= 1 images of 1 or 3 channels");
  }
  constexpr int64_t kGap = 2;
  const int64_t cols = std::min(columns, n), rows = (n + cols - 1) / cols;
  const int64_t cell_w = w * zoom + kGap, cell_h = h * zoom + kGap;
  Image8 out;
  out.channels = c;
  out.width = cols * cell_w + kGap;
  out.height = rows * cell_h + kGap;
  out.pixels.assign(static_cast<size_t>(out.width * out.height * c), 255);  // white gaps
  for (int64_t i = 0; i < n; ++i) {
    const int64_t x0 = kGap + (i % cols) * cell_w, y0 = kGap + (i / cols) * cell_h;
    const float* img = images + i * c * h * w;
    for (int64_t y = 0; y < h * zoom; ++y) {
      for (int64_t x = 0; x < w * zoom; ++x) {
        for (int64_t ch = 0; ch < c; ++ch) {
          const float v = img[(ch * h + y / zoom) * w + x / zoom];
          const float unit = std::clamp((v + 1.0f) * 0.5f, 0.0f, 1.0f);
          out.pixels[static_cast<size_t>(((y0 + y) * out.width + x0 + x) * c + ch)] =
              static_cast<uint8_t>(std::lround(unit * 255.0f));
        }
      }
    }
  }
  return out;
}

}  // namespace nova::io
