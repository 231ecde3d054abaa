// A small RGB raster for charts: lines, filled rectangles and text in a
// built-in 5x7 bitmap font, so Nova draws its pictures with no plotting library.
#pragma once

#include <cstdint>
#include <string>

#include "engine/io/png.h"

namespace nova::io {

struct Rgb {
  uint8_t r, g, b;
};

class Canvas {
 public:
  Canvas(int64_t width, int64_t height, Rgb background = {255, 255, 255});
  int64_t width() const { return image_.width; }
  int64_t height() const { return image_.height; }

  // alpha in [0, 1] blends over what is there.
  void pixel(int64_t x, int64_t y, Rgb color, double alpha = 1.0);
  void line(double x0, double y0, double x1, double y1, Rgb color, int thickness = 1);
  void fill_rect(int64_t x0, int64_t y0, int64_t x1, int64_t y1, Rgb color, double alpha = 1.0);
  // Text with its top-left corner at (x, y); `scale` multiplies the 5x7 glyphs.
  // Letters are drawn upper-case; characters without a glyph draw as a box.
  void text(int64_t x, int64_t y, const std::string& s, Rgb color, int scale = 2);
  static int64_t text_width(const std::string& s, int scale = 2);

  const Image8& image() const { return image_; }

 private:
  Image8 image_;
};

}  // namespace nova::io
