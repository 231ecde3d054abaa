// CIFAR-10 binary batches, on record files written here.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "engine/data/cifar10_reader.h"
#include "engine/data/registry.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using namespace nova::data;
using nova::testing::TempDir;

namespace {

// Record r: label = labels[r], pixel byte of channel ch at k = (r + 3 ch + k) % 256.
std::vector<uint8_t> records(const std::vector<uint8_t>& labels) {
  std::vector<uint8_t> b;
  for (size_t r = 0; r < labels.size(); ++r) {
    b.push_back(labels[r]);
    for (int ch = 0; ch < 3; ++ch) {
      for (int k = 0; k < 1024; ++k) b.push_back(static_cast<uint8_t>((r + 3 * ch + k) % 256));
    }
  }
  return b;
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

TEST_CASE("CIFAR-10 batch records", "[data][cifar]") {
  const TempDir tmp("cifar_good");
  const std::string dir = tmp.str();
  write_bytes(dir + "/b.bin", records({3, 9, 0}));
  const ImageSet set = read_cifar10_batch(dir + "/b.bin");
  CHECK(set.n == 3);
  CHECK(set.c == 3);
  CHECK(set.h == 32);
  CHECK(set.w == 32);
  CHECK(set.labels == std::vector<int32_t>{3, 9, 0});
  // Planar layout: channel 1 of record 2 starts with byte (2 + 3) = 5.
  CHECK(set.image(2)[1024] == Approx(5.0 / 255.0 * 2.0 - 1.0));
  CHECK(set.image(0)[0] == -1.0f);
  CHECK(set.image(0)[255] == 1.0f);  // byte 255
  CHECK(cifar10_class_names().at(6) == "frog");
}

TEST_CASE("CIFAR-10 directory as a data set", "[data][cifar]") {
  const TempDir tmp("cifar_dir");
  const std::string dir = tmp.str();
  for (int b = 1; b <= 5; ++b) {
    write_bytes(dir + "/data_batch_" + std::to_string(b) + ".bin",
                records({static_cast<uint8_t>(b), static_cast<uint8_t>(b + 1)}));
  }
  write_bytes(dir + "/test_batch.bin", records({0, 1, 2}));
  const Dataset ds = load_dataset("cifar10", dir);
  CHECK(ds.train.n == 10);
  CHECK(ds.test.n == 3);
  CHECK(ds.num_classes() == 10);
  CHECK(ds.train.labels.front() == 1);
  CHECK(ds.train.labels.back() == 6);
  SECTION("a missing batch is named") {
    fs::remove(dir + "/data_batch_4.bin");
    CHECK_THROWS_WITH(load_dataset("cifar10", dir), Catch::Contains("data_batch_4.bin"));
  }
}

TEST_CASE("CIFAR-10 bad inputs give clear errors", "[data][cifar][errors]") {
  const TempDir tmp("cifar_bad");
  const std::string dir = tmp.str();
  SECTION("missing file") {
    CHECK_THROWS_WITH(read_cifar10_batch(dir + "/none.bin"), Catch::Contains("cannot open"));
  }
  SECTION("truncated file") {
    auto b = records({1, 2});
    b.resize(b.size() - 100);
    write_bytes(dir + "/cut.bin", b);
    CHECK_THROWS_WITH(read_cifar10_batch(dir + "/cut.bin"), Catch::Contains("truncated file") &&
                                                                Catch::Contains("cut.bin") &&
                                                                Catch::Contains("3073"));
  }
  SECTION("empty file") {
    write_bytes(dir + "/empty.bin", {});
    CHECK_THROWS_WITH(read_cifar10_batch(dir + "/empty.bin"), Catch::Contains("empty file"));
  }
  SECTION("class index out of range") {
    write_bytes(dir + "/lab.bin", records({1, 12}));
    CHECK_THROWS_WITH(read_cifar10_batch(dir + "/lab.bin"), Catch::Contains("class index 12") &&
                                                                Catch::Contains("record 1") &&
                                                                Catch::Contains("out of range"));
  }
  SECTION("no path for the data set") {
    CHECK_THROWS_WITH(load_dataset("cifar10", ""), Catch::Contains("needs a path"));
    CHECK_THROWS_WITH(load_dataset("cifar10", dir + "/nowhere"), Catch::Contains("does not exist"));
  }
}
