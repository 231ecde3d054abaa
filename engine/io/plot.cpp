#include "engine/io/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "engine/io/canvas.h"

namespace nova::io {

namespace {

constexpr Rgb kBlack{0, 0, 0}, kGrey{170, 170, 170}, kBlue{31, 119, 180}, kOrange{255, 127, 14};
constexpr int64_t kSize = 480, kLeft = 70, kRight = 20, kTop = 50, kBottom = 60;

// The plotting area of a chart: maps data coordinates in [x0, x1] x [y0, y1] to pixels.
struct Frame {
  double x0, x1, y0, y1;
  double px(double x) const { return kLeft + (x - x0) / (x1 - x0) * (kSize - kLeft - kRight); }
  double py(double y) const {
    return kSize - kBottom - (y - y0) / (y1 - y0) * (kSize - kTop - kBottom);
  }
};

std::string number(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

void draw_axes(Canvas& c, const Frame& f, const std::string& title, const std::string& x_label,
               const std::string& y_label, int digits) {
  c.line(f.px(f.x0), f.py(f.y0), f.px(f.x1), f.py(f.y0), kBlack);
  c.line(f.px(f.x0), f.py(f.y0), f.px(f.x0), f.py(f.y1), kBlack);
  c.line(f.px(f.x1), f.py(f.y0), f.px(f.x1), f.py(f.y1), kBlack);
  c.line(f.px(f.x0), f.py(f.y1), f.px(f.x1), f.py(f.y1), kBlack);
  for (int i = 0; i <= 4; ++i) {
    const double x = f.x0 + (f.x1 - f.x0) * i / 4.0, y = f.y0 + (f.y1 - f.y0) * i / 4.0;
    c.line(f.px(x), f.py(f.y0), f.px(x), f.py(f.y0) + 5, kBlack);
    const std::string xs = number(x, digits);
    c.text(static_cast<int64_t>(f.px(x)) - Canvas::text_width(xs, 1) / 2,
           static_cast<int64_t>(f.py(f.y0)) + 9, xs, kBlack, 1);
    c.line(f.px(f.x0) - 5, f.py(y), f.px(f.x0), f.py(y), kBlack);
    const std::string ys = number(y, 3);
    c.text(static_cast<int64_t>(f.px(f.x0)) - 8 - Canvas::text_width(ys, 1),
           static_cast<int64_t>(f.py(y)) - 3, ys, kBlack, 1);
  }
  c.text((kSize - Canvas::text_width(title, 2)) / 2, 8, title, kBlack, 2);
  c.text((kSize - Canvas::text_width(x_label, 2)) / 2, kSize - 28, x_label, kBlack, 2);
  c.text(kLeft - 30, kTop - 14, y_label, kBlack, 1);
}

}  // namespace

void write_roc_png(const std::string& path, const std::vector<double>& fpr,
                   const std::vector<double>& tpr, const std::string& title) {
  if (fpr.size() != tpr.size() || fpr.empty()) {
    throw std::invalid_argument("write_roc_png: need matching, non-empty fpr and tpr");
  }
  Canvas c(kSize, kSize);
  const Frame f{0.0, 1.0, 0.0, 1.0};
  c.line(f.px(0), f.py(0), f.px(1), f.py(1), kGrey);  // chance
  for (size_t i = 1; i < fpr.size(); ++i) {
    c.line(f.px(fpr[i - 1]), f.py(tpr[i - 1]), f.px(fpr[i]), f.py(tpr[i]), kBlue, 3);
  }
  draw_axes(c, f, title, "FALSE POSITIVE RATE", "TRUE POSITIVE RATE", 2);
  write_png(path, c.image());
}

void write_histogram_png(const std::string& path, const std::vector<double>& a,
                         const std::string& label_a, const std::vector<double>& b,
                         const std::string& label_b, const std::string& title, int bins) {
  if (a.empty() && b.empty()) throw std::invalid_argument("write_histogram_png: no scores");
  double lo = 1e300, hi = -1e300;
  for (const auto* set : {&a, &b}) {
    for (double v : *set) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (hi <= lo) hi = lo + 1.0;
  auto histogram = [&](const std::vector<double>& v) {
    std::vector<double> h(bins, 0.0);
    for (double x : v) h[std::min(bins - 1, static_cast<int>((x - lo) / (hi - lo) * bins))] += 1.0;
    for (double& count : h) count /= std::max<size_t>(1, v.size());
    return h;
  };
  const std::vector<double> ha = histogram(a), hb = histogram(b);
  double top = 0.0;
  for (int i = 0; i < bins; ++i) top = std::max({top, ha[i], hb[i]});
  Canvas c(kSize, kSize);
  const Frame f{lo, hi, 0.0, top * 1.1};
  const double width = (hi - lo) / bins;
  for (const auto& [h, color] : {std::pair{&ha, kBlue}, std::pair{&hb, kOrange}}) {
    for (int i = 0; i < bins; ++i) {
      if ((*h)[i] <= 0.0) continue;
      c.fill_rect(static_cast<int64_t>(f.px(lo + i * width)), static_cast<int64_t>(f.py((*h)[i])),
                  static_cast<int64_t>(f.px(lo + (i + 1) * width)) - 1,
                  static_cast<int64_t>(f.py(0.0)), color, 0.55);
    }
  }
  const int digits = hi - lo < 0.1 ? 4 : (hi - lo < 10 ? 2 : 0);
  draw_axes(c, f, title, "SCORE", "SHARE OF IMAGES", digits);
  c.fill_rect(kSize - 170, kTop + 10, kSize - 158, kTop + 22, kBlue, 0.55);
  c.text(kSize - 150, kTop + 12, label_a, kBlack, 1);
  c.fill_rect(kSize - 170, kTop + 30, kSize - 158, kTop + 42, kOrange, 0.55);
  c.text(kSize - 150, kTop + 32, label_b, kBlack, 1);
  write_png(path, c.image());
}

}  // namespace nova::io
