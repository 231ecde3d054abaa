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

EvaluationSummary summarize(const NamedScores& scores, const std::vector<int32_t>& is_normal) {
  EvaluationSummary s;
  s.score = scores.name;
  s.auc = metrics::novelty_auc(scores.values, is_normal);
  s.eer = metrics::equal_error_rate(scores.values, is_normal).eer;
  const metrics::DetectionStats best = metrics::best_f1(scores.values, is_normal);
  s.best_f1 = best.f1;
  s.best_threshold = best.threshold;
  return s;
}

void write_histogram(const std::string& path, const NamedScores& scores,
                     const std::vector<int32_t>& is_normal, const std::string& title) {
  std::vector<double> normal, novel;
  for (size_t i = 0; i < scores.values.size(); ++i) {
    (is_normal[i] ? normal : novel).push_back(scores.values[i]);
  }
  io::write_histogram_png(path, normal, "NORMAL", novel, "NOVEL", title);
}

}  // namespace

std::vector<EvaluationSummary> write_evaluation(const std::string& run_dir,
                                                const std::string& title,
                                                const std::vector<NamedScores>& scores,
                                                const std::vector<int32_t>& is_normal,
                                                const data::ImageSet& test,
                                                const metrics::NormalCalibration* decision) {
  NOVA_CHECK(!scores.empty(), "internal: no scores to evaluate");
  for (const NamedScores& s : scores) {
    NOVA_CHECK(
        s.values.size() == is_normal.size() && static_cast<int64_t>(s.values.size()) == test.n,
        "internal: ", s.values.size(), " scores '", s.name, "', ", is_normal.size(), " labels, ",
        test.n, " images");
  }
  std::vector<std::string> header = {"image", "label", "is_normal"};
  for (const NamedScores& s : scores) header.push_back(s.name);
  if (decision) header.insert(header.end(), {"calibrated", "decision"});
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < is_normal.size(); ++i) {
    std::vector<std::string> row = {test.names.empty() ? std::to_string(i) : test.names[i],
                                    std::to_string(test.labels.empty() ? -1 : test.labels[i]),
                                    is_normal[i] ? "1" : "0"};
    for (const NamedScores& s : scores) row.push_back(fixed(s.values[i], 8));
    if (decision) {
      const double raw = scores.front().values[i];
      row.push_back(fixed(decision->calibrated(raw), 6));
      row.push_back(decision->is_novel(raw) ? "novel" : "normal");
    }
    rows.push_back(std::move(row));
  }
  io::write_csv(run_dir + "/scores.csv", header, rows);

  std::vector<EvaluationSummary> summaries;
  for (const NamedScores& s : scores) summaries.push_back(summarize(s, is_normal));
  const NamedScores& main = scores.front();
  std::vector<std::vector<std::string>> roc_rows;
  std::vector<double> fpr, tpr;
  for (const metrics::RocPoint& p : metrics::roc_curve(main.values, is_normal)) {
    roc_rows.push_back({fixed(p.fpr, 6), fixed(p.tpr, 6), fixed(p.threshold, 8)});
    fpr.push_back(p.fpr);
    tpr.push_back(p.tpr);
  }
  io::write_csv(run_dir + "/roc.csv", {"fpr", "tpr", "threshold"}, roc_rows);
  io::write_roc_png(run_dir + "/roc.png", fpr, tpr, "AUC " + fixed(summaries.front().auc, 4));
  write_histogram(run_dir + "/histogram.png", main, is_normal, title + ", " + main.name);
  for (size_t k = 1; k < scores.size(); ++k) {
    write_histogram(run_dir + "/histogram_" + scores[k].name + ".png", scores[k], is_normal,
                    title + ", " + scores[k].name);
  }
  return summaries;
}

void write_image_grid(const std::string& path, const Tensor& images, int64_t columns) {
  NOVA_CHECK(images.dim() == 4, "image grid needs (n, c, h, w), got ", to_string(images.shape()));
  const std::vector<float> host = images.to_vector();
  io::write_png(path, io::image_grid(host.data(), images.size(0), images.size(1), images.size(2),
                                     images.size(3), columns));
}

Tensor interleave_rows(const std::vector<Tensor>& groups, int64_t columns) {
  NOVA_CHECK(!groups.empty(), "interleave_rows: no image batches");
  for (const Tensor& g : groups) check_same_shape("interleave_rows", groups.front(), g);
  const Tensor& first = groups.front();
  const int64_t n = first.size(0), k = static_cast<int64_t>(groups.size());
  std::vector<Tensor> host;
  for (const Tensor& g : groups) host.push_back(g.to(Device::CPU));
  Tensor out = Tensor::empty(
      {k * ((n + columns - 1) / columns) * columns, first.size(1), first.size(2), first.size(3)});
  const int64_t size = first.numel() / n;
  float* po = out.data<float>();
  for (int64_t slot = 0; slot < out.size(0); ++slot) {
    const int64_t row = slot / columns, col = slot % columns;
    const int64_t i = (row / k) * columns + col;
    float* dst = po + slot * size;
    if (i >= n) {
      std::fill(dst, dst + size, 1.0f);  // white padding after the last column
    } else {
      const float* src = host[static_cast<size_t>(row % k)].data<float>() + i * size;
      std::copy(src, src + size, dst);
    }
  }
  return out;
}

}  // namespace nova::apps
