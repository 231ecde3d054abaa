#include "engine/data/resize.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace nova::data {
namespace {

// Source taps of each output index along one axis: first source index and
// the weights of consecutive source pixels from there.
struct AxisTaps {
  std::vector<int64_t> first;
  std::vector<std::vector<double>> weights;
};

AxisTaps make_taps(int64_t in, int64_t out) {
  AxisTaps taps;
  taps.first.resize(static_cast<size_t>(out));
  taps.weights.resize(static_cast<size_t>(out));
  const double scale = static_cast<double>(in) / static_cast<double>(out);
  for (int64_t o = 0; o < out; ++o) {
    std::vector<double>& w = taps.weights[static_cast<size_t>(o)];
    if (in > out) {
      // Area average over [lo, hi).
      const double lo = static_cast<double>(o) * scale;
      const double hi = std::min(static_cast<double>(o + 1) * scale, static_cast<double>(in));
      const auto s0 = static_cast<int64_t>(std::floor(lo));
      const auto s1 = std::min(static_cast<int64_t>(std::ceil(hi)), in);  // exclusive
      taps.first[static_cast<size_t>(o)] = s0;
      double total = 0.0;
      for (int64_t s = s0; s < s1; ++s) {
        const double overlap =
            std::min(hi, static_cast<double>(s + 1)) - std::max(lo, static_cast<double>(s));
        w.push_back(std::max(overlap, 0.0));
        total += w.back();
      }
      for (double& x : w) x /= total;
    } else {
      // Bilinear with half-pixel centres.
      double x = (static_cast<double>(o) + 0.5) * scale - 0.5;
      x = std::clamp(x, 0.0, static_cast<double>(in - 1));
      const auto s0 = static_cast<int64_t>(std::floor(x));
      const double f = x - static_cast<double>(s0);
      taps.first[static_cast<size_t>(o)] = s0;
      w.push_back(1.0 - f);
      if (s0 + 1 < in && f > 0.0) w.push_back(f);
    }
  }
  return taps;
}

}  // namespace

void resize_plane(float* dst, const float* src, int64_t in_h, int64_t in_w, int64_t out_h,
                  int64_t out_w) {
  if (in_h < 1 || in_w < 1 || out_h < 1 || out_w < 1) {
    throw std::runtime_error("resize: sizes must be positive, got " + std::to_string(in_h) + "x" +
                             std::to_string(in_w) + " -> " + std::to_string(out_h) + "x" +
                             std::to_string(out_w));
  }
  const AxisTaps tx = make_taps(in_w, out_w);
  const AxisTaps ty = make_taps(in_h, out_h);
  std::vector<double> rows(static_cast<size_t>(in_h * out_w));  // (in_h, out_w)
  for (int64_t y = 0; y < in_h; ++y) {
    const float* row = src + y * in_w;
    for (int64_t ox = 0; ox < out_w; ++ox) {
      const auto& w = tx.weights[static_cast<size_t>(ox)];
      const int64_t s0 = tx.first[static_cast<size_t>(ox)];
      double acc = 0.0;
      for (size_t k = 0; k < w.size(); ++k) acc += w[k] * row[s0 + static_cast<int64_t>(k)];
      rows[static_cast<size_t>(y * out_w + ox)] = acc;
    }
  }
  for (int64_t oy = 0; oy < out_h; ++oy) {
    const auto& w = ty.weights[static_cast<size_t>(oy)];
    const int64_t s0 = ty.first[static_cast<size_t>(oy)];
    for (int64_t ox = 0; ox < out_w; ++ox) {
      double acc = 0.0;
      for (size_t k = 0; k < w.size(); ++k) {
        acc += w[k] * rows[static_cast<size_t>((s0 + static_cast<int64_t>(k)) * out_w + ox)];
      }
      dst[oy * out_w + ox] = static_cast<float>(acc);
    }
  }
}

ImageSet resize_images(const ImageSet& set, int64_t h, int64_t w) {
  if (h < 1 || w < 1) {
    throw std::runtime_error("resize_images: target size must be positive, got " +
                             std::to_string(h) + "x" + std::to_string(w));
  }
  if (set.h == h && set.w == w) return set;
  ImageSet out = make_empty(set.c, h, w);
  out.n = set.n;
  out.labels = set.labels;
  out.names = set.names;
  out.pixels.resize(static_cast<size_t>(set.n * set.c * h * w));
  for (int64_t p = 0; p < set.n * set.c; ++p) {
    resize_plane(out.pixels.data() + p * h * w, set.pixels.data() + p * set.h * set.w, set.h, set.w,
                 h, w);
  }
  return out;
}

ImageSet convert_channels(const ImageSet& set, int64_t c) {
  if (set.c == c) return set;
  const int64_t plane = set.h * set.w;
  ImageSet out = make_empty(c, set.h, set.w);
  out.n = set.n;
  out.labels = set.labels;
  out.names = set.names;
  out.pixels.resize(static_cast<size_t>(set.n * c * plane));
  if (set.c == 1 && c == 3) {
    for (int64_t i = 0; i < set.n; ++i) {
      const float* src = set.pixels.data() + i * plane;
      for (int64_t ch = 0; ch < 3; ++ch) {
        std::copy(src, src + plane, out.pixels.begin() + (i * 3 + ch) * plane);
      }
    }
  } else if (set.c == 3 && c == 1) {
    for (int64_t i = 0; i < set.n; ++i) {
      const float* r = set.pixels.data() + i * 3 * plane;
      const float* g = r + plane;
      const float* b = g + plane;
      float* dst = out.pixels.data() + i * plane;
      for (int64_t k = 0; k < plane; ++k)
        dst[k] = std::clamp(0.299f * r[k] + 0.587f * g[k] + 0.114f * b[k], -1.0f, 1.0f);
    }
  } else {
    throw std::runtime_error("convert_channels: cannot convert " + std::to_string(set.c) +
                             " channels to " + std::to_string(c) + " (supported: 1 <-> 3)");
  }
  return out;
}

}  // namespace nova::data
