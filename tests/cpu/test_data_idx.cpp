// IDX readers: real files (the embedded subset, Fashion-MNIST when
// installed) and small files written here, plain and gzip, good and bad.
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "engine/data/file_bytes.h"
#include "engine/data/idx_reader.h"
#include "engine/data/registry.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using namespace nova::data;
using nova::testing::TempDir;

namespace {

void put_be32(std::vector<uint8_t>& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

std::vector<uint8_t> idx_bytes(uint32_t magic, const std::vector<uint32_t>& dims,
                               const std::vector<uint8_t>& data) {
  std::vector<uint8_t> b;
  put_be32(b, magic);
  for (uint32_t d : dims) put_be32(b, d);
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

void write_plain(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

void write_gzip(const std::string& path, const std::vector<uint8_t>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb9");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) ==
          static_cast<int>(bytes.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

// 3 images of 2x3 with bytes 0, 1, ..., 17 except the last which is 255.
std::vector<uint8_t> tiny_pixels() {
  std::vector<uint8_t> px(18);
  for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>(i);
  px[17] = 255;
  return px;
}

}  // namespace

TEST_CASE("IDX images and labels, plain and gzip", "[data][idx]") {
  const TempDir tmp("idx_good");
  const std::string dir = tmp.str();
  const auto images = idx_bytes(0x803, {3, 2, 3}, tiny_pixels());
  const auto labels = idx_bytes(0x801, {3}, {7, 0, 9});
  for (bool gz : {false, true}) {
    DYNAMIC_SECTION((gz ? "gzip" : "plain")) {
      const std::string ip = dir + (gz ? "/img.gz" : "/img");
      const std::string lp = dir + (gz ? "/lab.gz" : "/lab");
      (gz ? write_gzip : write_plain)(ip, images);
      (gz ? write_gzip : write_plain)(lp, labels);
      const ImageSet set = read_idx_pair(ip, lp);
      CHECK(set.n == 3);
      CHECK(set.c == 1);
      CHECK(set.h == 2);
      CHECK(set.w == 3);
      REQUIRE(set.pixels.size() == 18);
      CHECK(set.pixels[0] == -1.0f);
      CHECK(set.pixels[17] == 1.0f);
      CHECK(set.pixels[5] == Approx(5.0 / 255.0 * 2.0 - 1.0));
      CHECK(set.image(1)[0] == Approx(6.0 / 255.0 * 2.0 - 1.0));
      CHECK(set.labels == std::vector<int32_t>{7, 0, 9});
    }
  }
}

TEST_CASE("gzip detection is by magic bytes, not by file name", "[data][idx]") {
  const TempDir tmp("idx_magic");
  const std::string dir = tmp.str();
  write_gzip(dir + "/labels-without-gz-suffix", idx_bytes(0x801, {2}, {1, 2}));
  CHECK(read_idx_labels(dir + "/labels-without-gz-suffix") == std::vector<int32_t>{1, 2});
  CHECK(is_gzip({0x1f, 0x8b, 0x08}));
  CHECK_FALSE(is_gzip({0x00, 0x00, 0x08, 0x01}));
  CHECK_FALSE(is_gzip({0x1f}));
}

TEST_CASE("IDX bad inputs give clear errors", "[data][idx][errors]") {
  const TempDir tmp("idx_bad");
  const std::string dir = tmp.str();
  const auto images = idx_bytes(0x803, {3, 2, 3}, tiny_pixels());
  const auto labels = idx_bytes(0x801, {3}, {7, 0, 9});
  write_plain(dir + "/img", images);
  write_plain(dir + "/lab", labels);

  SECTION("missing file") {
    CHECK_THROWS_WITH(read_idx_images(dir + "/nope"),
                      Catch::Contains("cannot open") && Catch::Contains("nope"));
  }
  SECTION("a directory instead of a file") {
    CHECK_THROWS_WITH(read_idx_images(dir), Catch::Contains("is a directory"));
  }
  SECTION("wrong magic number") {
    CHECK_THROWS_WITH(read_idx_images(dir + "/lab"),
                      Catch::Contains("wrong magic number 0x00000801") &&
                          Catch::Contains("expected 0x00000803") && Catch::Contains("/lab"));
    CHECK_THROWS_WITH(read_idx_labels(dir + "/img"),
                      Catch::Contains("wrong magic number 0x00000803"));
  }
  SECTION("truncated file") {
    std::vector<uint8_t> cut(images.begin(), images.end() - 4);
    write_plain(dir + "/cut", cut);
    CHECK_THROWS_WITH(read_idx_images(dir + "/cut"), Catch::Contains("truncated file") &&
                                                         Catch::Contains("3x2x3") &&
                                                         Catch::Contains("found 14"));
    write_plain(dir + "/short", {0, 0, 8});
    CHECK_THROWS_WITH(read_idx_images(dir + "/short"), Catch::Contains("truncated file"));
    write_plain(dir + "/header", {0, 0, 8, 3, 0, 0});
    CHECK_THROWS_WITH(read_idx_images(dir + "/header"), Catch::Contains("truncated file"));
  }
  SECTION("extra bytes") {
    std::vector<uint8_t> longer = images;
    longer.push_back(1);
    write_plain(dir + "/long", longer);
    CHECK_THROWS_WITH(read_idx_images(dir + "/long"), Catch::Contains("1 bytes beyond"));
  }
  SECTION("truncated gzip") {
    write_gzip(dir + "/full.gz", images);
    std::vector<uint8_t> gz = read_file_bytes(dir + "/full.gz");
    gz.resize(gz.size() / 2);
    write_plain(dir + "/half.gz", gz);
    CHECK_THROWS_WITH(read_idx_images(dir + "/half.gz"),
                      Catch::Contains("truncated gzip") && Catch::Contains("half.gz"));
    gz.resize(12);
    write_plain(dir + "/head.gz", gz);
    CHECK_THROWS_WITH(read_idx_images(dir + "/head.gz"), Catch::Contains("truncated gzip"));
  }
  SECTION("corrupt gzip") {
    write_plain(dir + "/bad.gz", {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff});
    CHECK_THROWS_WITH(read_idx_images(dir + "/bad.gz"), Catch::Contains("gzip"));
  }
  SECTION("image and label counts disagree") {
    write_plain(dir + "/lab2", idx_bytes(0x801, {2}, {1, 2}));
    CHECK_THROWS_WITH(read_idx_pair(dir + "/img", dir + "/lab2"),
                      Catch::Contains("counts disagree") && Catch::Contains("3 images") &&
                          Catch::Contains("2 labels"));
  }
}

TEST_CASE("the embedded MNIST subset", "[data][idx][real]") {
  const std::string data_dir = std::string(NOVA_SOURCE_DIR) + "/data";
  const Dataset ds = load_dataset("mnist-subset", data_dir);
  CHECK(ds.name == "mnist-subset");
  CHECK(ds.train.n == 10000);
  CHECK(ds.train.c == 1);
  CHECK(ds.train.h == 28);
  CHECK(ds.train.w == 28);
  CHECK(ds.test.n == 0);
  CHECK_FALSE(ds.has_test_split());
  CHECK(ds.num_classes() == 10);
  // Counts per class as recorded in data/README.md.
  CHECK(class_counts(ds.train, 10) ==
        std::vector<int64_t>{1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978});
  // Round-robin order: the first ten labels are 0..9.
  for (int k = 0; k < 10; ++k) CHECK(ds.train.labels[static_cast<size_t>(k)] == k);
  float lo = 1, hi = -1;
  double sum = 0;
  for (float v : ds.train.pixels) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
  }
  CHECK(lo == -1.0f);
  CHECK(hi == 1.0f);
  // MNIST's mean intensity is about 0.13, i.e. about -0.74 in [-1, 1].
  const double mean = sum / static_cast<double>(ds.train.pixels.size());
  CHECK(mean > -0.8);
  CHECK(mean < -0.68);
  // Every value is k/255*2-1 for an integer k.
  for (size_t i = 0; i < ds.train.pixels.size(); i += 97) {
    const double k = (ds.train.pixels[i] + 1.0) / 2.0 * 255.0;
    REQUIRE(std::abs(k - std::round(k)) < 1e-3);
  }
}

TEST_CASE("Fashion-MNIST from the Debian package", "[data][idx][real]") {
  if (!fs::exists(std::string(kFashionMnistDir) + "/train-images-idx3-ubyte.gz")) {
    WARN("Fashion-MNIST not installed at " << kFashionMnistDir
                                           << " (package dataset-fashion-mnist): skipped");
    return;
  }
  const Dataset ds = load_dataset("fashion-mnist");
  CHECK(ds.train.n == 60000);
  CHECK(ds.test.n == 10000);
  CHECK(ds.train.h == 28);
  CHECK(ds.test.w == 28);
  CHECK(ds.class_names.size() == 10);
  CHECK(ds.class_names[9] == "Ankle boot");
  CHECK(class_counts(ds.train, 10) == std::vector<int64_t>(10, 6000));
  CHECK(class_counts(ds.test, 10) == std::vector<int64_t>(10, 1000));
  const ImageSet pool = make_pool(ds);
  CHECK(pool.n == 70000);
}
