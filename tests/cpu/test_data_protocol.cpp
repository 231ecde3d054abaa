// Protocol splits: disjoint, reproducible, seed-dependent, in the stated
// proportions; split files; class-mean subtraction.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "engine/data/mean_image.h"
#include "engine/data/protocol.h"
#include "engine/data/registry.h"
#include "engine/data/split_json.h"
#include "engine/data/split_rng.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using namespace nova::data;
using nova::testing::TempDir;

namespace {

// Pool labels: `per_class` images of each of 10 classes, interleaved; the
// first `n_train` form the train split.
std::vector<int32_t> toy_labels(int per_class) {
  std::vector<int32_t> labels;
  for (int i = 0; i < per_class; ++i) {
    for (int c = 0; c < 10; ++c) labels.push_back(c);
  }
  return labels;
}

void check_disjoint(const Split& s) {
  std::set<int64_t> seen;
  for (const auto* list : {&s.train, &s.val, &s.test, &s.val_novel}) {
    for (int64_t i : *list) REQUIRE(seen.insert(i).second);
  }
  CHECK(std::is_sorted(s.val_novel.begin(), s.val_novel.end()));
  CHECK(std::is_sorted(s.train.begin(), s.train.end()));
  CHECK(std::is_sorted(s.val.begin(), s.val.end()));
  CHECK(std::is_sorted(s.test.begin(), s.test.end()));
}

Dataset subset_dataset() {
  return load_dataset("mnist-subset", std::string(NOVA_SOURCE_DIR) + "/data");
}

}  // namespace

TEST_CASE("SplitRng is deterministic and unbiased enough", "[data][protocol]") {
  SplitRng a(7, 3, 0), b(7, 3, 0), c(7, 4, 0), d(8, 3, 0), e(7, 3, 1);
  const uint64_t first = a.next();
  CHECK(first == b.next());
  CHECK(first != c.next());
  CHECK(first != d.next());
  CHECK(first != e.next());
  std::vector<int> counts(5, 0);
  SplitRng r(1, 0, 0);
  for (int i = 0; i < 50000; ++i) counts[static_cast<size_t>(r.below(5))]++;
  for (int n : counts) CHECK(std::abs(n - 10000) < 400);
  std::vector<int> v = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  r.shuffle(v);
  std::vector<int> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
}

TEST_CASE("protocol 1 on toy labels", "[data][protocol]") {
  const auto labels = toy_labels(100);  // 1000 images, 100 per class
  SplitOptions opt;
  opt.protocol = 1;
  opt.known_class = 3;
  opt.seed = 11;
  const Split s = make_split("toy", labels, 600, 10, opt);
  check_disjoint(s);
  // 80 of the 100 for training, 8 of those held out; 20 positives + 20 negatives.
  CHECK(s.train.size() == 72);
  CHECK(s.val.size() == 8);
  CHECK(s.test.size() == 40);
  CHECK(std::count(s.test_labels.begin(), s.test_labels.end(), 1) == 20);
  CHECK(std::count(s.test_labels.begin(), s.test_labels.end(), 0) == 20);
  for (int64_t i : s.train) CHECK(labels[static_cast<size_t>(i)] == 3);
  for (int64_t i : s.val) CHECK(labels[static_cast<size_t>(i)] == 3);
  for (size_t k = 0; k < s.test.size(); ++k) {
    CHECK((labels[static_cast<size_t>(s.test[k])] == 3) == (s.test_labels[k] == 1));
  }
  // Validation negatives: as many as val, all of other classes, none in test.
  CHECK(s.val_novel.size() == s.val.size());
  for (int64_t i : s.val_novel) CHECK(labels[static_cast<size_t>(i)] != 3);
  // Protocol 1 draws from the whole pool, test split included.
  bool any_from_test_part = false;
  for (const auto* list : {&s.train, &s.val, &s.test}) {
    for (int64_t i : *list) any_from_test_part |= i >= 600;
  }
  CHECK(any_from_test_part);

  SECTION("same seed, same split; another seed, another split") {
    const Split again = make_split("toy", labels, 600, 10, opt);
    CHECK(again.train == s.train);
    CHECK(again.val == s.val);
    CHECK(again.test == s.test);
    CHECK(again.test_labels == s.test_labels);
    CHECK(again.val_novel == s.val_novel);
    SplitOptions other = opt;
    other.seed = 12;
    const Split t = make_split("toy", labels, 600, 10, other);
    CHECK(t.train != s.train);
    CHECK(t.test != s.test);
  }
  SECTION("validation fraction is an option") {
    SplitOptions o = opt;
    o.val_fraction = 0.25;
    const Split t = make_split("toy", labels, 600, 10, o);
    CHECK(t.val.size() == 20);
    CHECK(t.train.size() == 60);
    o.val_fraction = 0.0;
    const Split u = make_split("toy", labels, 600, 10, o);
    CHECK(u.val.empty());
    CHECK(u.train.size() == 80);
  }
}

TEST_CASE("protocol 2 on toy labels", "[data][protocol]") {
  const auto labels = toy_labels(100);
  SplitOptions opt;
  opt.protocol = 2;
  opt.known_class = 7;
  opt.seed = 5;
  const Split s = make_split("toy", labels, 600, 10, opt);
  check_disjoint(s);
  CHECK(s.train.size() + s.val.size() == 60);  // class 7 in the train split
  CHECK(s.val.size() == 6);
  CHECK(s.test.size() == 400);  // the whole test split
  CHECK(s.test.front() == 600);
  CHECK(s.test.back() == 999);
  CHECK(std::count(s.test_labels.begin(), s.test_labels.end(), 1) == 40);
  for (int64_t i : s.train) {
    CHECK(i < 600);
    CHECK(labels[static_cast<size_t>(i)] == 7);
  }
  CHECK(s.val_novel.size() == s.val.size());
  for (int64_t i : s.val_novel) {
    CHECK(i < 600);  // the test part is all in the test set
    CHECK(labels[static_cast<size_t>(i)] != 7);
  }
  SplitOptions other = opt;
  other.seed = 6;
  CHECK(make_split("toy", labels, 600, 10, other).val != s.val);
}

TEST_CASE("protocol 1 on normal images alone tests on held-out normals", "[data][protocol]") {
  const std::vector<int32_t> labels(100, 0);
  SplitOptions opt;
  opt.seed = 3;
  const Split s = make_split("normal-folder", labels, 100, 1, opt);
  check_disjoint(s);
  CHECK(s.train.size() + s.val.size() == 80);
  CHECK(s.val.size() == 8);
  CHECK(s.test.size() == 20);
  CHECK(std::all_of(s.test_labels.begin(), s.test_labels.end(), [](int32_t l) { return l == 1; }));
  CHECK(s.val_novel.empty());
}

TEST_CASE("protocol errors", "[data][protocol][errors]") {
  const auto labels = toy_labels(10);
  SplitOptions opt;
  SECTION("class index out of range") {
    opt.known_class = 10;
    CHECK_THROWS_WITH(make_split("toy", labels, 50, 10, opt), Catch::Contains("class index 10") &&
                                                                  Catch::Contains("out of range") &&
                                                                  Catch::Contains("0..9"));
    opt.known_class = -1;
    CHECK_THROWS_WITH(make_split("toy", labels, 50, 10, opt), Catch::Contains("out of range"));
  }
  SECTION("protocol 2 without a test split") {
    opt.protocol = 2;
    CHECK_THROWS_WITH(make_split("toy", labels, 100, 10, opt),
                      Catch::Contains("no test split") && Catch::Contains("protocol 1"));
  }
  SECTION("protocol 3") {
    opt.protocol = 3;
    CHECK_THROWS_WITH(make_split("toy", labels, 50, 10, opt), Catch::Contains("1 or 2"));
  }
  SECTION("fractions") {
    opt.val_fraction = 1.0;
    CHECK_THROWS_WITH(make_split("toy", labels, 50, 10, opt),
                      Catch::Contains("validation fraction"));
    opt.val_fraction = 0.1;
    opt.train_fraction = 1.0;
    CHECK_THROWS_WITH(make_split("toy", labels, 50, 10, opt), Catch::Contains("train fraction"));
  }
  SECTION("too few negatives") {
    std::vector<int32_t> mostly(20, 0);
    mostly[0] = 1;
    CHECK_THROWS_WITH(make_split("toy", mostly, 20, 2, opt), Catch::Contains("negatives"));
  }
  SECTION("a class without images") {
    std::vector<int32_t> l = {0, 0, 1, 1};
    opt.known_class = 2;
    CHECK_THROWS_WITH(make_split("toy", l, 4, 3, opt), Catch::Contains("too few"));
  }
}

TEST_CASE("protocol 1 on the embedded subset and protocol 2 refused", "[data][protocol][real]") {
  const Dataset ds = subset_dataset();
  const ImageSet pool = make_pool(ds);
  for (int32_t cls : {0, 5}) {
    SplitOptions opt;
    opt.known_class = cls;
    opt.seed = 1;
    const Split s = make_split(ds, opt);
    check_disjoint(s);
    const int64_t n_class = class_counts(ds.train, 10)[static_cast<size_t>(cls)];
    const auto n_train_part =
        static_cast<int64_t>(std::llround(0.8 * static_cast<double>(n_class)));
    CHECK(static_cast<int64_t>(s.train.size() + s.val.size()) == n_train_part);
    CHECK(static_cast<int64_t>(s.val.size()) ==
          std::llround(0.1 * static_cast<double>(n_train_part)));
    const auto positives = std::count(s.test_labels.begin(), s.test_labels.end(), 1);
    const auto negatives = std::count(s.test_labels.begin(), s.test_labels.end(), 0);
    CHECK(positives == n_class - n_train_part);
    CHECK(negatives == positives);
    const SplitSets sets = apply_split(pool, s);
    CHECK(sets.train.n == static_cast<int64_t>(s.train.size()));
    CHECK(sets.test.n == positives + negatives);
    for (int32_t label : sets.train.labels) CHECK(label == cls);
  }
  SplitOptions p2;
  p2.protocol = 2;
  CHECK_THROWS_WITH(make_split(ds, p2),
                    Catch::Contains("mnist-subset") && Catch::Contains("no test split"));
}

TEST_CASE("split files round-trip and are checked", "[data][protocol]") {
  const auto labels = toy_labels(50);
  SplitOptions opt;
  opt.known_class = 2;
  opt.seed = 0xFFFFFFFFFFFFFFF0ull;  // 64-bit seeds survive the round trip
  const Split s = make_split("toy", labels, 300, 10, opt);
  const TempDir tmp("split");
  const fs::path& dir = tmp.path();
  const std::string path = (dir / "split.json").string();
  write_split_json(path, s);
  const Split r = read_split_json(path);
  CHECK(r.dataset == "toy");
  CHECK(r.known_class == 2);
  CHECK(r.seed == opt.seed);
  CHECK(r.protocol == 1);
  CHECK(r.val_fraction == 0.1);
  CHECK(r.pool_size == 500);
  CHECK(r.n_train_split == 300);
  CHECK(r.train == s.train);
  CHECK(r.val == s.val);
  CHECK(r.test == s.test);
  CHECK(r.test_labels == s.test_labels);
  CHECK(!r.val_novel.empty());
  CHECK(r.val_novel == s.val_novel);

  SECTION("version 1 files, without validation negatives, are still read") {
    Split old = s;
    old.val_novel.clear();
    std::string text = split_to_json(old);
    const std::string v2 = "\"version\": 2";
    REQUIRE(text.find(v2) != std::string::npos);
    text.replace(text.find(v2), v2.size(), "\"version\": 1");
    CHECK(split_from_json(text, "v1.json").val_novel.empty());
  }
  SECTION("a split for another pool is refused") {
    CHECK_THROWS_WITH(validate_split(r, 400, path), Catch::Contains("pool of 500"));
  }
  SECTION("overlapping lists are refused") {
    Split bad = s;
    bad.val.push_back(bad.train.front());
    CHECK_THROWS_WITH(split_from_json(split_to_json(bad), "mem"), Catch::Contains("twice"));
  }
  SECTION("malformed files are refused") {
    CHECK_THROWS_WITH(split_from_json("{\"format\": \"nova-split\"", "x.json"),
                      Catch::Contains("x.json"));
    CHECK_THROWS_WITH(split_from_json("{\"format\": \"other\"}", "y.json"),
                      Catch::Contains("nova-split"));
    CHECK_THROWS_WITH(read_split_json((dir / "missing.json").string()),
                      Catch::Contains("missing.json"));
  }
}

TEST_CASE("class-mean subtraction uses the training part", "[data][protocol]") {
  ImageSet pool = make_empty(1, 1, 2);
  pool.n = 6;
  pool.labels = {0, 0, 0, 0, 1, 1};
  pool.pixels = {0.0f, 1.0f, 0.2f, 0.8f, 0.4f, 0.6f, 0.6f, 0.4f, -1.0f, -1.0f, -0.5f, -0.5f};
  Split s;
  s.dataset = "toy";
  s.pool_size = 6;
  s.n_train_split = 6;
  s.train = {0, 1, 2};
  s.val = {};
  s.test = {3, 4};
  s.test_labels = {1, 0};
  const SplitSets plain = apply_split(pool, s, false);
  CHECK(plain.mean_image.empty());
  CHECK(plain.train.pixels[0] == 0.0f);
  const SplitSets sub = apply_split(pool, s, true);
  REQUIRE(sub.mean_image.size() == 2);
  CHECK(sub.mean_image[0] == Approx(0.2));
  CHECK(sub.mean_image[1] == Approx(0.8));
  // Training images now have zero mean; the test image is shifted by the same image.
  CHECK(mean_image(sub.train)[0] == Approx(0.0).margin(1e-7));
  CHECK(sub.test.pixels[0] == Approx(0.6 - 0.2));
  CHECK(sub.test.pixels[3] == Approx(-1.0 - 0.8));
}
