#include "apps/common/score_mode.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <set>

#include "apps/common/decision.h"
#include "apps/common/evaluation.h"
#include "apps/common/heatmaps.h"
#include "apps/common/scoring.h"
#include "engine/data/batches.h"
#include "engine/error.h"
#include "engine/io/json.h"
#include "engine/io/text_file.h"
#include "engine/metrics/roc.h"
#include "engine/metrics/threshold_metrics.h"

namespace nova::apps {
namespace {

namespace fs = std::filesystem;

struct ImagesToScore {
  data::ImageSet images;
  std::vector<int32_t> is_normal;  // empty when unlabelled
};

ImagesToScore read_inputs(const Flags& f, const models::InputShape& shape) {
  const std::string input = f.str("input"), normal = f.str("normal"), abnormal = f.str("abnormal");
  NOVA_CHECK(!input.empty() || !normal.empty() || !abnormal.empty(),
             "--score needs images: --input (unlabelled), or --normal and/or --abnormal "
             "(labelled by where they come from); each an image, a folder or an IDX file");
  NOVA_CHECK(input.empty() || (normal.empty() && abnormal.empty()),
             "give either --input (unlabelled) or --normal/--abnormal (labelled), not both");
  ImagesToScore out;
  if (!input.empty()) {
    out.images = read_images_for_model(input, shape, "--input", f.on("exact-size"));
    return out;
  }
  out.images = data::make_empty(shape.channels, shape.size, shape.size);
  for (const auto& [flag, path, label] :
       {std::tuple{"--normal", normal, 1}, std::tuple{"--abnormal", abnormal, 0}}) {
    if (path.empty()) continue;
    const data::ImageSet part = read_images_for_model(path, shape, flag, f.on("exact-size"));
    out.is_normal.insert(out.is_normal.end(), static_cast<size_t>(part.n), label);
    data::append(out.images, part);
  }
  return out;
}

// <csv minus .csv>.summary.json beside the scores.
std::string summary_path(const std::string& csv) {
  const fs::path p(csv);
  return (p.parent_path() / (p.stem().string() + ".summary.json")).string();
}

void write_summary(const std::string& path, const std::string& checkpoint, const DecisionRule& d,
                   const ImagesToScore& in, const NamedScores& main) {
  const metrics::NormalCalibration& c = d.calibration;
  int64_t flagged = 0;
  for (double s : main.values) flagged += c.is_novel(s);
  std::printf("scored %lld images with %s\n  %s\n  %lld flagged novel, %lld normal\n",
              static_cast<long long>(in.images.n), checkpoint.c_str(), describe(d).c_str(),
              static_cast<long long>(flagged), static_cast<long long>(in.images.n - flagged));
  io::JsonWriter w;
  w.begin_object().key("checkpoint").value(checkpoint).key("score").value(main.name);
  w.key("rule").value(d.rule).key("threshold").value(c.threshold);
  w.key("normal_median").value(c.median).key("images").value(in.images.n);
  w.key("flagged_novel").value(flagged).key("flagged_normal").value(in.images.n - flagged);
  if (!in.is_normal.empty()) {
    int64_t normals = 0, false_alarms = 0, novel = 0, detected = 0;
    for (size_t i = 0; i < main.values.size(); ++i) {
      const bool flag = c.is_novel(main.values[i]);
      if (in.is_normal[i]) {
        ++normals;
        false_alarms += flag;
      } else {
        ++novel;
        detected += flag;
      }
    }
    w.key("labelled_normal").value(normals).key("labelled_abnormal").value(novel);
    if (normals > 0) {
      const double rate = static_cast<double>(false_alarms) / static_cast<double>(normals);
      w.key("false_alarm_rate").value(rate);
      std::printf("  normal images flagged (false alarms): %lld of %lld (%.2f%%)\n",
                  static_cast<long long>(false_alarms), static_cast<long long>(normals),
                  100.0 * rate);
    }
    if (novel > 0) {
      const double rate = static_cast<double>(detected) / static_cast<double>(novel);
      w.key("detection_rate").value(rate);
      std::printf("  abnormal images flagged (detected): %lld of %lld (%.2f%%)\n",
                  static_cast<long long>(detected), static_cast<long long>(novel), 100.0 * rate);
    }
    if (normals > 0 && novel > 0) {
      const double auc = metrics::novelty_auc(main.values, in.is_normal);
      const metrics::DetectionStats s =
          metrics::stats_at_threshold(main.values, in.is_normal, c.threshold);
      std::printf("  AUC %.4f; at the threshold: F1 %.4f, precision %.4f, recall %.4f\n", auc, s.f1,
                  s.precision, s.recall);
      w.key("auc").value(auc).key("f1").value(s.f1).key("precision").value(s.precision);
      w.key("recall").value(s.recall);
    }
  }
  w.end_object();
  io::write_text_file(path, w.str() + "\n");
}

// File names for per-image heat maps: the image's own name (stem), or its
// index for IDX input, under normal/ and abnormal/ when labelled; unique.
std::vector<std::string> heatmap_names(const ImagesToScore& in) {
  std::vector<std::string> names;
  std::set<std::string> taken;
  for (int64_t i = 0; i < in.images.n; ++i) {
    const auto k = static_cast<size_t>(i);
    std::string stem =
        in.images.names.empty() ? std::to_string(i) : fs::path(in.images.names[k]).stem().string();
    if (!in.is_normal.empty()) stem = (in.is_normal[k] ? "normal/" : "abnormal/") + stem;
    std::string name = stem + ".png";
    if (!taken.insert(name).second) {
      name = stem + "_" + std::to_string(i) + ".png";
      taken.insert(name);
    }
    names.push_back(name);
  }
  return names;
}

// DIR/<image>.png per image and DIR/grid.png of the most novel ones (inputs
// over reconstructions over heat maps), on the checkpoint's colour scale.
void write_heatmaps(const std::string& dir, models::OneClassModel& model, const DecisionRule& d,
                    const ImagesToScore& in, const NamedScores& main) {
  NOVA_CHECK(d.heatmap_scale > 0.0, model.name(),
             " offers no reconstruction to draw heat maps from");
  const std::vector<std::string> names = heatmap_names(in);
  fs::create_directories(dir);
  if (!in.is_normal.empty()) {
    fs::create_directories(dir + "/normal");
    fs::create_directories(dir + "/abnormal");
  }
  int64_t offset = 0;
  data::for_each_batch(in.images, model.batch_size(), model.device(), [&](const Tensor& x) {
    const Tensor overlay =
        heatmap_overlay(x, pixel_errors(x, model.reconstruction(x)), d.heatmap_scale);
    const std::vector<float> host = overlay.to_vector();
    const int64_t size = overlay.numel() / overlay.size(0);
    for (int64_t i = 0; i < overlay.size(0); ++i) {
      const std::vector<float> one(host.begin() + i * size, host.begin() + (i + 1) * size);
      write_image_grid(dir + "/" + names[static_cast<size_t>(offset + i)],
                       Tensor::from_vector(one, {1, 3, overlay.size(2), overlay.size(3)}), 1);
    }
    offset += overlay.size(0);
  });
  std::vector<int64_t> order(static_cast<size_t>(in.images.n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return main.values[static_cast<size_t>(a)] > main.values[static_cast<size_t>(b)];
  });
  const size_t shown = std::min<size_t>(order.size(), 48);
  order.resize(shown);
  write_heatmap_grid(dir + "/grid.png", model, data::subset(in.images, order), d.heatmap_scale);
  std::printf(
      "  heat maps: %s/ (one per image; grid.png: the %zu most novel, inputs over "
      "reconstructions over heat maps)\n",
      dir.c_str(), shown);
}

}  // namespace

void add_score_mode_flags(Flags& f) {
  f.add_string("score", "", "scoring mode: a checkpoint (model.safetensors) to score with");
  f.add_string("input", "",
               "scoring mode: unlabelled images: an image, a folder of images, or an IDX file");
  f.add_string("normal", "", "scoring mode: images known to be normal (as --input)");
  f.add_string("abnormal", "", "scoring mode: images known to be abnormal (as --input)");
  f.add_string("scores-out", "",
               "scoring mode: where to write the scores CSV [<input or normal>.scores.csv]");
  f.add_switch("exact-size",
               "scoring mode: refuse images whose size differs from the model's instead of "
               "resizing them");
  f.add_string("heatmaps", "",
               "scoring mode: a folder for anomaly heat maps (one PNG per image and grid.png)");
}

int score_mode(const Flags& f, const ProgramSpec& spec) {
  const std::string checkpoint = f.str("score");
  const Metadata meta = read_checkpoint_metadata(checkpoint);
  DecisionRule decision = read_decision(meta, checkpoint);
  if (f.given("threshold")) decision = with_threshold(decision, f.real("threshold"));
  std::unique_ptr<models::OneClassModel> model =
      spec.model_from_metadata(meta, device_from_flag(f.str("device")));
  load_checkpoint(checkpoint, model->network_state());
  NOVA_CHECK(decision.score == model->score_names().front(), "checkpoint ", checkpoint,
             ": its threshold is for score '", decision.score, "', the model's default is '",
             model->score_names().front(), "'");
  const ImagesToScore in = read_inputs(f, model->input_shape());
  const std::vector<NamedScores> scores = score_set(*model, in.images);

  const std::string first_input = !f.str("input").empty()    ? f.str("input")
                                  : !f.str("normal").empty() ? f.str("normal")
                                                             : f.str("abnormal");
  fs::path beside = fs::path(first_input).lexically_normal();
  if (beside.filename().empty()) beside = beside.parent_path();  // "folder/"
  const std::string csv =
      f.str("scores-out").empty() ? beside.string() + ".scores.csv" : f.str("scores-out");
  write_scores_csv(csv, in.images, in.is_normal, scores, decision.calibration);
  write_summary(summary_path(csv), checkpoint, decision, in, scores.front());
  std::printf("  scores: %s, summary: %s\n", csv.c_str(), summary_path(csv).c_str());
  if (!f.str("heatmaps").empty()) {
    write_heatmaps(f.str("heatmaps"), *model, decision, in, scores.front());
  }
  return 0;
}

}  // namespace nova::apps
