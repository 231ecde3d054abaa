#include "apps/common/evaluation.h"

#include <cstdio>

#include "engine/error.h"
#include "engine/io/csv.h"
#include "engine/io/plot.h"
#include "engine/io/png.h"
#include "engine/metrics/roc.h"
#include "engine/metrics/threshold_metrics.h"

namespace nova::apps {

namespace {
std::string fixed(double v, int digits) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}
}  // namespace

EvaluationSummary write_evaluation(const std::string& run_dir, const std::string& title,
                                   const std::vector<double>& novelty,
                                   const std::vector<int32_t>& is_normal,
                                   const data::ImageSet& test) {
  NOVA_CHECK(novelty.size() == is_normal.size() && static_cast<int64_t>(novelty.size()) == test.n,
             "internal: ", novelty.size(), " scores, ", is_normal.size(), " labels, ", test.n,
             " images");
  EvaluationSummary s;
  s.auc = metrics::novelty_auc(novelty, is_normal);
  s.eer = metrics::equal_error_rate(novelty, is_normal).eer;
  const metrics::DetectionStats best = metrics::best_f1(novelty, is_normal);
  s.best_f1 = best.f1;
  s.best_threshold = best.threshold;

  std::vector<std::vector<std::string>> rows;
  std::vector<double> normal, novel;
  for (size_t i = 0; i < novelty.size(); ++i) {
    const std::string name = test.names.empty() ? std::to_string(i) : test.names[i];
    rows.push_back({name, std::to_string(test.labels.empty() ? -1 : test.labels[i]),
                    is_normal[i] ? "1" : "0", fixed(novelty[i], 8)});
    (is_normal[i] ? normal : novel).push_back(novelty[i]);
  }
  io::write_csv(run_dir + "/scores.csv", {"image", "label", "is_normal", "novelty_score"}, rows);

  std::vector<std::vector<std::string>> roc_rows;
  std::vector<double> fpr, tpr;
  for (const metrics::RocPoint& p : metrics::roc_curve(novelty, is_normal)) {
    roc_rows.push_back({fixed(p.fpr, 6), fixed(p.tpr, 6), fixed(p.threshold, 8)});
    fpr.push_back(p.fpr);
    tpr.push_back(p.tpr);
  }
  io::write_csv(run_dir + "/roc.csv", {"fpr", "tpr", "threshold"}, roc_rows);
  io::write_roc_png(run_dir + "/roc.png", fpr, tpr, "AUC " + fixed(s.auc, 4));
  io::write_histogram_png(run_dir + "/histogram.png", normal, "NORMAL", novel, "NOVEL", title);
  return s;
}

void write_image_grid(const std::string& path, const Tensor& images, int64_t columns) {
  NOVA_CHECK(images.dim() == 4, "image grid needs (n, c, h, w), got ", to_string(images.shape()));
  const std::vector<float> host = images.to_vector();
  io::write_png(path, io::image_grid(host.data(), images.size(0), images.size(1), images.size(2),
                                     images.size(3), columns));
}

Tensor interleave_rows(const Tensor& top, const Tensor& bottom, int64_t columns) {
  check_same_shape("interleave_rows", top, bottom);
  const int64_t n = top.size(0);
  const Tensor a = top.to(Device::CPU), b = bottom.to(Device::CPU);
  Tensor out = Tensor::empty(
      {2 * ((n + columns - 1) / columns) * columns, top.size(1), top.size(2), top.size(3)});
  const int64_t size = top.numel() / n;
  const float* pa = a.data<float>();
  const float* pb = b.data<float>();
  float* po = out.data<float>();
  for (int64_t slot = 0; slot < out.size(0); ++slot) {
    const int64_t row = slot / columns, col = slot % columns;
    const int64_t i = (row / 2) * columns + col;
    float* dst = po + slot * size;
    if (i >= n) {
      std::fill(dst, dst + size, 1.0f);  // white padding after the last pair
    } else {
      const float* src = (row % 2 == 0 ? pa : pb) + i * size;
      std::copy(src, src + size, dst);
    }
  }
  return out;
}

}  // namespace nova::apps
