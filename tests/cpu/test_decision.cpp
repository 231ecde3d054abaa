// Decisions from normal data: the threshold at a false-alarm rate, the
// calibrated score, the rule stored in checkpoint metadata, and their
// errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "apps/common/decision.h"
#include "apps/common/flags.h"
#include "engine/metrics/normal_calibration.h"
#include "engine/random.h"

using namespace nova;

namespace {

std::vector<double> gaussian_scores(size_t n, uint64_t seed) {
  Generator gen(seed);
  const std::vector<float> v = normal({static_cast<int64_t>(n)}, gen, 0.0, 1.0).to_vector();
  return std::vector<double>(v.begin(), v.end());
}

apps::Flags decision_flags(std::vector<std::string> args) {
  apps::Flags f("test", "test");
  apps::add_decision_flags(f);
  args.insert(args.begin(), "test");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  f.parse(static_cast<int>(argv.size()), argv.data());
  return f;
}

}  // namespace

TEST_CASE("quantile interpolates between order statistics like numpy", "[decision]") {
  const std::vector<double> v = {4.0, 1.0, 3.0, 2.0, std::nan("")};
  CHECK(metrics::quantile(v, 0.0) == 1.0);
  CHECK(metrics::quantile(v, 1.0) == 4.0);
  CHECK(metrics::quantile(v, 0.5) == Approx(2.5));
  CHECK(metrics::quantile(v, 0.25) == Approx(1.75));
  CHECK_THROWS_WITH(metrics::quantile({}, 0.5), Catch::Contains("no finite value"));
  CHECK_THROWS_WITH(metrics::quantile(v, 1.5), Catch::Contains("[0, 1]"));
}

TEST_CASE("the threshold flags the requested share of normal images", "[decision]") {
  const double rate = 0.01;
  const std::vector<double> calibration_set = gaussian_scores(20000, 1);
  const metrics::NormalCalibration c =
      metrics::calibrate_at_false_alarm_rate(calibration_set, rate);
  // On the normals it was set on: the rate to within one image.
  CHECK(std::fabs(metrics::flagged_fraction(calibration_set, c.threshold) - rate) <= 1.0 / 20000);
  // On fresh normals of the same kind: within sampling error (4 standard
  // deviations of a binomial share, plus the threshold's own spread).
  const std::vector<double> fresh = gaussian_scores(20000, 2);
  const double sigma = std::sqrt(rate * (1.0 - rate) / 20000.0);
  CHECK(std::fabs(metrics::flagged_fraction(fresh, c.threshold) - rate) <
        4.0 * sigma * std::sqrt(2.0));
  // The standard normal's 99th percentile is 2.326.
  CHECK(c.threshold == Approx(2.326).margin(0.08));
  CHECK(c.median == Approx(0.0).margin(0.03));
}

TEST_CASE("the decision changes exactly at the threshold; calibration is 0 and 1", "[decision]") {
  const metrics::NormalCalibration c =
      metrics::calibrate_at_false_alarm_rate(gaussian_scores(1000, 3), 0.05);
  CHECK(c.is_novel(c.threshold));
  CHECK_FALSE(c.is_novel(std::nextafter(c.threshold, -std::numeric_limits<double>::infinity())));
  CHECK(c.calibrated(c.median) == 0.0);
  CHECK(c.calibrated(c.threshold) == 1.0);
  CHECK(c.calibrated(c.median + 2.0 * (c.threshold - c.median)) == Approx(2.0));
}

TEST_CASE("calibration refuses what it cannot do", "[decision]") {
  const std::vector<double> scores = gaussian_scores(100, 4);
  CHECK_THROWS_WITH(metrics::calibrate_at_false_alarm_rate(scores, 0.0),
                    Catch::Contains("strictly between 0 and 0.5"));
  CHECK_THROWS_WITH(metrics::calibrate_at_false_alarm_rate(scores, 0.5),
                    Catch::Contains("strictly between 0 and 0.5"));
  CHECK_THROWS_WITH(metrics::calibrate_at_false_alarm_rate(std::vector<double>(50, 0.3), 0.01),
                    Catch::Contains("not above the median"));
  CHECK_THROWS_WITH(metrics::calibrate_at_threshold(scores, -5.0),
                    Catch::Contains("flag at least half"));
}

TEST_CASE("the decision rule: flags, F1 rule, metadata round trip and errors", "[decision]") {
  const std::vector<double> normal = gaussian_scores(400, 5);
  std::vector<double> anomalies = gaussian_scores(400, 6);
  for (double& a : anomalies) a += 3.0;

  const apps::DecisionRule far =
      apps::choose_decision(decision_flags({"--false-alarm-rate", "0.05"}), "mse", normal, {});
  CHECK(far.rule == "false-alarm-rate");
  CHECK(far.target_rate == 0.05);
  CHECK(far.normals == 400);
  CHECK(std::fabs(far.normals_flagged - 0.05) <= 1.0 / 400);
  CHECK(apps::describe(far).find("5% false alarms asked on 400 validation normals") !=
        std::string::npos);

  const apps::DecisionRule f1 =
      apps::choose_decision(decision_flags({"--threshold-rule", "f1"}), "mse", normal, anomalies);
  CHECK(f1.rule == "f1");
  // Best F1 between N(0, 1) and N(3, 1) lies near the midpoint.
  CHECK(f1.calibration.threshold == Approx(1.5).margin(0.4));
  CHECK_THROWS_WITH(
      apps::choose_decision(decision_flags({"--threshold-rule", "f1"}), "mse", normal, {}),
      Catch::Contains("needs labelled validation anomalies"));
  CHECK_THROWS_WITH(
      apps::choose_decision(decision_flags({"--threshold-rule", "best"}), "mse", normal, {}),
      Catch::Contains("--threshold-rule must be false-alarm-rate or f1"));
  CHECK_THROWS_WITH(apps::choose_decision(decision_flags({}), "mse", {}, {}),
                    Catch::Contains("no validation normals"));

  apps::DecisionRule stored = far;
  stored.heatmap_scale = 0.75;
  Metadata meta = {{"model.preset", "paper"}};
  apps::write_decision(stored, meta);
  const apps::DecisionRule back = apps::read_decision(meta, "m.safetensors");
  CHECK(back.score == "mse");
  CHECK(back.rule == "false-alarm-rate");
  CHECK(back.calibration.threshold == stored.calibration.threshold);
  CHECK(back.calibration.median == stored.calibration.median);
  CHECK(back.normals == 400);
  CHECK(back.heatmap_scale == 0.75);

  CHECK_THROWS_WITH(apps::read_decision({{"model.preset", "paper"}}, "old.safetensors"),
                    Catch::Contains("checkpoint old.safetensors holds no decision threshold"));
  meta["decision.normal_median"] = "lots";
  CHECK_THROWS_WITH(apps::read_decision(meta, "m.safetensors"),
                    Catch::Contains("'decision.normal_median' is 'lots', not a number"));

  const apps::DecisionRule given = apps::with_threshold(far, far.calibration.threshold * 2.0);
  CHECK(given.rule == "--threshold");
  CHECK(given.calibration.median == far.calibration.median);
  CHECK_THROWS_WITH(apps::with_threshold(far, far.calibration.median - 1.0),
                    Catch::Contains("--threshold") && Catch::Contains("not above the median"));
}
