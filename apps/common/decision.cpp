#include "apps/common/decision.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "engine/error.h"
#include "engine/metrics/threshold_metrics.h"

namespace nova::apps {
namespace {

std::string number(double v) {
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}

double parse_number(const Metadata& meta, const std::string& key, const std::string& checkpoint) {
  const auto it = meta.find(key);
  NOVA_CHECK(it != meta.end(), "checkpoint ", checkpoint, " has no '", key, "'");
  size_t used = 0;
  double v = 0.0;
  try {
    v = std::stod(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  NOVA_CHECK(used == it->second.size() && used > 0, "checkpoint ", checkpoint, ": '", key, "' is '",
             it->second, "', not a number");
  return v;
}

}  // namespace

void add_decision_flags(Flags& flags) {
  flags.add_double("false-alarm-rate", 0.01,
                   "share of normal images the stored threshold may flag (chosen on the "
                   "validation normals at the end of training)");
  flags.add_string("threshold-rule", "false-alarm-rate",
                   "false-alarm-rate (normal images alone) or f1 (best F1 against labelled "
                   "validation anomalies: the split's other-class images or --val-abnormal)");
  flags.add_string("val-abnormal", "",
                   "labelled validation anomalies for --threshold-rule f1 and the validation "
                   "AUC: an image, a folder or an IDX file");
  flags.add_double("threshold", 0.0,
                   "scoring mode: use this threshold instead of the checkpoint's (when given)");
}

DecisionRule choose_decision(const Flags& flags, const std::string& score,
                             const std::vector<double>& normal_scores,
                             const std::vector<double>& anomaly_scores) {
  NOVA_CHECK(!normal_scores.empty(),
             "no validation normals to set the threshold on: --val-fraction must hold some "
             "training images out");
  DecisionRule d;
  d.score = score;
  d.rule = flags.str("threshold-rule");
  d.normals = static_cast<int64_t>(normal_scores.size());
  if (d.rule == "false-alarm-rate") {
    d.target_rate = flags.real("false-alarm-rate");
    NOVA_CHECK(d.target_rate > 0.0 && d.target_rate < 0.5,
               "--false-alarm-rate must lie strictly between 0 and 0.5, got ", d.target_rate);
    d.calibration = metrics::calibrate_at_false_alarm_rate(normal_scores, d.target_rate);
  } else if (d.rule == "f1") {
    NOVA_CHECK(!anomaly_scores.empty(),
               "--threshold-rule f1 needs labelled validation anomalies: give --val-abnormal "
               "(the split holds none)");
    std::vector<double> all = normal_scores;
    all.insert(all.end(), anomaly_scores.begin(), anomaly_scores.end());
    std::vector<int32_t> is_normal(normal_scores.size(), 1);
    is_normal.resize(all.size(), 0);
    d.calibration =
        metrics::calibrate_at_threshold(normal_scores, metrics::best_f1(all, is_normal).threshold);
  } else {
    throw std::invalid_argument("--threshold-rule must be false-alarm-rate or f1, got '" + d.rule +
                                "'");
  }
  d.normals_flagged = metrics::flagged_fraction(normal_scores, d.calibration.threshold);
  return d;
}

void write_decision(const DecisionRule& d, Metadata& meta) {
  meta["decision.score"] = d.score;
  meta["decision.rule"] = d.rule;
  meta["decision.target_false_alarm_rate"] = number(d.target_rate);
  meta["decision.threshold"] = number(d.calibration.threshold);
  meta["decision.normal_median"] = number(d.calibration.median);
  meta["decision.validation_normals"] = std::to_string(d.normals);
  meta["decision.validation_normals_flagged"] = number(d.normals_flagged);
  meta["decision.heatmap_scale"] = number(d.heatmap_scale);
}

DecisionRule read_decision(const Metadata& meta, const std::string& checkpoint) {
  NOVA_CHECK(meta.count("decision.threshold"), "checkpoint ", checkpoint,
             " holds no decision threshold: it was saved before training finished (or by an "
             "older Nova); finish or rerun the training to store one");
  DecisionRule d;
  d.score = meta.count("decision.score") ? meta.at("decision.score") : "";
  d.rule = meta.count("decision.rule") ? meta.at("decision.rule") : "";
  d.target_rate = parse_number(meta, "decision.target_false_alarm_rate", checkpoint);
  d.calibration.threshold = parse_number(meta, "decision.threshold", checkpoint);
  d.calibration.median = parse_number(meta, "decision.normal_median", checkpoint);
  d.normals = static_cast<int64_t>(parse_number(meta, "decision.validation_normals", checkpoint));
  d.normals_flagged = parse_number(meta, "decision.validation_normals_flagged", checkpoint);
  d.heatmap_scale = parse_number(meta, "decision.heatmap_scale", checkpoint);
  NOVA_CHECK(d.calibration.threshold > d.calibration.median, "checkpoint ", checkpoint,
             ": its threshold ", d.calibration.threshold, " is not above its normal median ",
             d.calibration.median);
  return d;
}

DecisionRule with_threshold(DecisionRule d, double threshold) {
  NOVA_CHECK(std::isfinite(threshold) && threshold > d.calibration.median, "--threshold ",
             threshold, " is not above the median normal score ", d.calibration.median,
             ": it would flag at least half of the normal images");
  d.rule = "--threshold";
  d.calibration.threshold = threshold;
  return d;
}

std::string describe(const DecisionRule& d) {
  char text[256];
  if (d.rule == "false-alarm-rate") {
    std::snprintf(text, sizeof text,
                  "threshold %.6g on score %s (%.3g%% false alarms asked on %lld validation "
                  "normals, %.3g%% flagged)",
                  d.calibration.threshold, d.score.c_str(), 100.0 * d.target_rate,
                  static_cast<long long>(d.normals), 100.0 * d.normals_flagged);
  } else {
    std::snprintf(text, sizeof text,
                  "threshold %.6g on score %s (%s; %.3g%% of %lld validation normals flagged)",
                  d.calibration.threshold, d.score.c_str(),
                  d.rule == "f1" ? "best F1 against validation anomalies" : "given by --threshold",
                  100.0 * d.normals_flagged, static_cast<long long>(d.normals));
  }
  return text;
}

}  // namespace nova::apps
