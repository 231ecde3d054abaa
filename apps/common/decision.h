// The decision a trained model carries in its checkpoint's metadata: which
// score it applies to, the threshold (from normal validation images alone
// at a target false-alarm rate, or best F1 when labelled validation
// anomalies are at hand), the calibration that maps a raw score to 0 =
// typical normal, 1 = at the threshold, and the heat maps' colour scale.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apps/common/flags.h"
#include "engine/checkpoint.h"
#include "engine/metrics/normal_calibration.h"

namespace nova::apps {

struct DecisionRule {
  std::string score;         // the model's default score
  std::string rule;          // "false-alarm-rate" or "f1"
  double target_rate = 0.0;  // the requested false-alarm rate (rule false-alarm-rate)
  metrics::NormalCalibration calibration;
  int64_t normals = 0;           // validation normals it was chosen on
  double normals_flagged = 0.0;  // share of them at or above the threshold
  double heatmap_scale = 0.0;    // pixel error of full red; 0 without reconstructions
};

// --false-alarm-rate and --threshold-rule (training), --threshold (scoring).
void add_decision_flags(Flags& flags);

// The rule the flags ask for, from the default score of the validation
// normals and of labelled validation anomalies (which only the f1 rule uses;
// it needs some).
DecisionRule choose_decision(const Flags& flags, const std::string& score,
                             const std::vector<double>& normal_scores,
                             const std::vector<double>& anomaly_scores);

// Adds the rule's "decision.*" keys to a checkpoint's metadata.
void write_decision(const DecisionRule& d, Metadata& meta);

// The rule stored in a checkpoint's metadata; throws naming `checkpoint`
// when it has none (saved before training finished, or by an older Nova).
DecisionRule read_decision(const Metadata& meta, const std::string& checkpoint);

// The rule with the threshold a user gives at scoring time (--threshold),
// calibrated against the same normal median.
DecisionRule with_threshold(DecisionRule d, double threshold);

// One line for people: "threshold 0.0123 on score mse (1% false alarms on
// 80 validation normals, 1.25% flagged)".
std::string describe(const DecisionRule& d);

}  // namespace nova::apps
