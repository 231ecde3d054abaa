// Metrics: AUC (with ties) against hand-computed cases and a brute-force
// count, ROC curve, EER, precision/recall/F1, results tables, JSON.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <system_error>
#include <vector>

#include "engine/data/split_rng.h"
#include "engine/io/json.h"
#include "engine/io/text_file.h"
#include "engine/metrics/results_table.h"
#include "engine/metrics/roc.h"
#include "engine/metrics/threshold_metrics.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using namespace nova::metrics;
using nova::testing::TempDir;
using namespace nova::io;

namespace {

// P(novel score > normal score) + 0.5 P(tie), by counting every pair.
double brute_auc(const std::vector<double>& s, const std::vector<int32_t>& is_normal) {
  double wins = 0, pairs = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (is_normal[i]) continue;
    for (size_t j = 0; j < s.size(); ++j) {
      if (!is_normal[j]) continue;
      pairs += 1;
      wins += s[i] > s[j] ? 1.0 : (s[i] == s[j] ? 0.5 : 0.0);
    }
  }
  return wins / pairs;
}

std::vector<double> negated(std::vector<double> v) {
  for (double& x : v) x = -x;
  return v;
}

}  // namespace

TEST_CASE("AUC on hand-computed cases", "[metrics][auc]") {
  // Novel images (is_normal 0) score 0.35 and 0.8, normal ones 0.1 and 0.4:
  // of the 4 (novel, normal) pairs, 3 are ordered right.
  const std::vector<double> s = {0.1, 0.4, 0.35, 0.8};
  const std::vector<int32_t> y = {1, 1, 0, 0};
  CHECK(novelty_auc(s, y) == Approx(0.75));
  CHECK(roc_auc(s, {0, 0, 1, 1}) == Approx(0.75));
  // Paper convention: in-class positive, normality score = -novelty score.
  CHECK(paper_auc(negated(s), y) == Approx(0.75));
  CHECK(paper_auc(s, y) == Approx(0.25));

  SECTION("ties count one half") {
    // Novel {0.5, 0.9}, normal {0.1, 0.5}: wins 1 + 0.5 + 1 + 1 over 4 pairs.
    CHECK(novelty_auc({0.1, 0.5, 0.5, 0.9}, {1, 1, 0, 0}) == Approx(0.875));
    CHECK(novelty_auc({0.5, 0.5, 0.5, 0.5}, {1, 0, 1, 0}) == Approx(0.5));
    // Novel {1, 2, 2}, normal {1, 2}: pairs 0.5 + 0 + (1 + 0.5) * 2 over 6.
    CHECK(novelty_auc({1, 1, 2, 2, 2}, {1, 0, 1, 0, 0}) == Approx(3.5 / 6));
  }
  SECTION("perfect and reversed") {
    CHECK(novelty_auc({0, 1, 2, 3}, {1, 1, 0, 0}) == 1.0);
    CHECK(novelty_auc({3, 2, 1, 0}, {1, 1, 0, 0}) == 0.0);
  }
}

TEST_CASE("AUC equals the brute-force pair count with many ties", "[metrics][auc]") {
  nova::data::SplitRng rng(3, 0, 0);
  for (int trial = 0; trial < 20; ++trial) {
    const size_t n = 5 + rng.below(200);
    std::vector<double> s(n);
    std::vector<int32_t> y(n);
    for (size_t i = 0; i < n; ++i) {
      y[i] = static_cast<int32_t>(rng.below(2));
      s[i] = static_cast<double>(rng.below(7)) * 0.5 + (y[i] ? 0.0 : 0.4);  // many ties
    }
    y[0] = 0;
    y[1] = 1;
    CHECK(novelty_auc(s, y) == Approx(brute_auc(s, y)).epsilon(1e-12));
    CHECK(paper_auc(negated(s), y) == Approx(novelty_auc(s, y)).epsilon(1e-12));
    // The trapezoids under the ROC curve give the same number.
    const auto curve = roc_curve(s, y);
    double area = 0;
    for (size_t k = 1; k < curve.size(); ++k) {
      area += (curve[k].fpr - curve[k - 1].fpr) * 0.5 * (curve[k].tpr + curve[k - 1].tpr);
    }
    CHECK(area == Approx(novelty_auc(s, y)).epsilon(1e-12));
  }
}

TEST_CASE("AUC input checks", "[metrics][auc][errors]") {
  CHECK_THROWS_WITH(novelty_auc({0.1, 0.2}, {1}), Catch::Contains("2 scores but 1 labels"));
  CHECK_THROWS_WITH(novelty_auc({0.1, 0.2}, {1, 1}), Catch::Contains("both classes"));
  CHECK_THROWS_WITH(novelty_auc({0.1, 0.2}, {1, 2}), Catch::Contains("label 2"));
  CHECK_THROWS_WITH(novelty_auc({0.1, std::nan("")}, {1, 0}), Catch::Contains("NaN"));
}

TEST_CASE("ROC curve", "[metrics][roc]") {
  const std::vector<double> s = {0.1, 0.4, 0.35, 0.8};
  const std::vector<int32_t> y = {1, 1, 0, 0};
  const auto c = roc_curve(s, y);
  REQUIRE(c.size() == 5);
  CHECK(c.front().fpr == 0.0);
  CHECK(c.front().tpr == 0.0);
  CHECK(std::isinf(c.front().threshold));
  CHECK(c.back().fpr == 1.0);
  CHECK(c.back().tpr == 1.0);
  CHECK(c.back().threshold == 0.1);
  CHECK(c[1].threshold == 0.8);
  CHECK(c[1].fpr == 0.0);
  CHECK(c[1].tpr == 0.5);
  CHECK(c[2].fpr == 0.5);
  CHECK(c[2].tpr == 0.5);
  CHECK(c[3].fpr == 0.5);
  CHECK(c[3].tpr == 1.0);
  // Tied scores make one point.
  CHECK(roc_curve({1, 1, 1}, {1, 0, 0}).size() == 2);
}

TEST_CASE("equal error rate", "[metrics][eer]") {
  SECTION("separable: 0") {
    const auto e = equal_error_rate({0.1, 0.2, 0.8, 0.9}, {1, 1, 0, 0});
    CHECK(e.eer == Approx(0.0));
  }
  SECTION("crossing exactly at a point") {
    // Novel {2, 4}, normal {1, 3}: at threshold 3 FPR = FNR = 0.5.
    const auto e = equal_error_rate({1, 2, 3, 4}, {1, 0, 1, 0});
    CHECK(e.eer == Approx(0.5));
    CHECK(e.threshold == Approx(3.0));
  }
  SECTION("crossing between points, interpolated") {
    // Novel {3, 4}, normal {1, 2, 3.5}: ROC (0,.5)@4, (1/3,.5)@3.5, (1/3,1)@3;
    // FPR - FNR goes -1/6 -> 1/3, one third of the way: EER 1/3.
    const auto e = equal_error_rate({1, 2, 3, 3.5, 4}, {1, 1, 0, 1, 0});
    CHECK(e.eer == Approx(1.0 / 3.0));
    CHECK(e.threshold == Approx(3.5 - 0.5 / 3.0));
  }
  SECTION("all wrong: 1") {
    CHECK(equal_error_rate({0.9, 0.8, 0.2, 0.1}, {1, 1, 0, 0}).eer == Approx(1.0));
  }
}

TEST_CASE("precision, recall, F1", "[metrics][f1]") {
  const std::vector<double> s = {0.1, 0.4, 0.35, 0.8};
  const std::vector<int32_t> y = {1, 1, 0, 0};
  const auto at = stats_at_threshold(s, y, 0.35);
  CHECK(at.tp == 2);
  CHECK(at.fp == 1);
  CHECK(at.tn == 1);
  CHECK(at.fn == 0);
  CHECK(at.precision == Approx(2.0 / 3.0));
  CHECK(at.recall == Approx(1.0));
  CHECK(at.f1 == Approx(0.8));
  CHECK(at.accuracy == Approx(0.75));
  const auto none = stats_at_threshold(s, y, 10.0);
  CHECK(none.tp == 0);
  CHECK(none.precision == 0.0);
  CHECK(none.f1 == 0.0);
  const auto best = best_f1(s, y);
  CHECK(best.threshold == 0.35);
  CHECK(best.f1 == Approx(0.8));
}

TEST_CASE("results table", "[metrics][table]") {
  ResultsTable t("auc", "OCGAN, protocol 1");
  t.add("0", 1, 0.90);
  t.add("0", 2, 0.94);
  t.add("1", 2, 0.80);
  t.add("1", 1, 0.70);
  t.add("1", 1, 0.60);  // replaces 0.70
  REQUIRE(t.seeds() == std::vector<uint64_t>{1, 2});
  const auto rows = t.rows();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].name == "0");
  CHECK(rows[0].mean == Approx(0.92));
  CHECK(rows[0].std == Approx(std::sqrt(0.0008)));
  CHECK(rows[1].values == std::vector<double>{0.60, 0.80});
  CHECK(rows[1].mean == Approx(0.70));
  const auto o = t.overall();
  CHECK(o.values[0] == Approx(0.75));
  CHECK(o.values[1] == Approx(0.87));
  CHECK(o.mean == Approx(0.81));
  CHECK(o.std == Approx(std::sqrt(2 * 0.06 * 0.06)));

  const std::string md = t.markdown();
  CHECK_THAT(md, Catch::Contains("| class | seed 1 | seed 2 | mean | std |"));
  CHECK_THAT(md, Catch::Contains("| 0 | 0.9000 | 0.9400 | 0.9200 | 0.0283 |"));
  CHECK_THAT(md, Catch::Contains("| **mean** |"));

  const std::string csv = t.csv();
  CHECK_THAT(csv, Catch::StartsWith("class,auc_seed_1,auc_seed_2,mean,std\n"));
  CHECK_THAT(csv, Catch::Contains("\n1,0.6,0.8,0.7"));

  const JsonValue j = parse_json(t.json(), "table");
  CHECK(j.at("metric").as_string() == "auc");
  CHECK(j.at("classes").as_array().size() == 2);
  CHECK(j.at("classes").as_array()[1].at("values").as_array()[0].as_double() == 0.6);
  CHECK(j.at("overall").at("mean").as_double() == Approx(0.81));

  SECTION("one seed: std is not a number, printed as such") {
    ResultsTable one;
    one.add("T-shirt/top", 0, 0.9);
    one.add("a,b", 0, 0.8);
    CHECK(std::isnan(one.rows()[0].std));
    CHECK_THAT(one.markdown(), Catch::Contains("| T-shirt/top | 0.9000 | 0.9000 | - |"));
    CHECK_THAT(one.csv(), Catch::Contains("\n\"a,b\",0.8,0.8,\n"));
    const JsonValue jj = parse_json(one.json(), "one");
    CHECK(jj.at("classes").as_array()[0].at("std").kind == JsonValue::Kind::Null);
  }
  SECTION("files") {
    const TempDir tmp("table");
    const fs::path& dir = tmp.path();
    t.write_csv((dir / "t.csv").string());
    t.write_json((dir / "t.json").string());
    CHECK(read_text_file((dir / "t.csv").string()) == t.csv());
    CHECK(read_text_file((dir / "t.json").string()) == t.json());
    CHECK_THROWS_WITH(t.write_csv((dir / "no" / "t.csv").string()),
                      Catch::Contains("cannot write"));
    CHECK_FALSE(fs::exists(dir / "no"));
  }
}

TEST_CASE("JSON writer and reader", "[metrics][json]") {
  JsonWriter w;
  w.begin_object();
  w.key("s").value("a\"b\\c\nd\x01");
  w.key("n").value(-12);
  w.key("big").value(uint64_t{18446744073709551615ull});
  w.key("x").value(0.1);
  w.key("nan").value(std::numeric_limits<double>::quiet_NaN());
  w.key("list").array(std::vector<int>{1, 2, 3});
  w.key("empty").begin_array().end_array();
  w.key("obj").begin_object().key("t").value(true).end_object();
  w.end_object();
  const JsonValue v = parse_json(w.str(), "mem");
  CHECK(v.at("s").as_string() == "a\"b\\c\nd\x01");
  CHECK(v.at("n").as_int64() == -12);
  CHECK(v.at("big").as_uint64() == 18446744073709551615ull);
  CHECK(v.at("x").as_double() == 0.1);
  CHECK(v.at("nan").kind == JsonValue::Kind::Null);
  CHECK(v.at("list").as_array().size() == 3);
  CHECK(v.at("empty").as_array().empty());
  CHECK(v.at("obj").at("t").boolean);
  CHECK(parse_json("\"\\u00e9\\ud83d\\ude00\"", "u").as_string() == "\xc3\xa9\xf0\x9f\x98\x80");
  CHECK_THROWS_WITH(parse_json("[1, 2", "broken.json"),
                    Catch::Contains("broken.json") && Catch::Contains("byte"));
  CHECK_THROWS_WITH(parse_json("{} x", "t"), Catch::Contains("after the JSON value"));
  CHECK_THROWS_WITH(v.at("zzz"), Catch::Contains("zzz"));
}
