// The data-set registry and the search for Nova's data directory.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "engine/data/image_set.h"
#include "engine/data/registry.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using namespace nova::data;
using nova::testing::TempDir;

TEST_CASE("registry names and errors", "[data][registry][errors]") {
  CHECK(dataset_names().size() == 6);
  CHECK_THROWS_WITH(load_dataset("imagenet"), Catch::Contains("unknown data set 'imagenet'") &&
                                                  Catch::Contains("fashion-mnist"));
  CHECK_THROWS_WITH(load_dataset("mnist", ""), Catch::Contains("needs a path"));
  CHECK_THROWS_WITH(load_dataset("fashion-mnist", "/nonexistent/fm"),
                    Catch::Contains("does not exist"));
  const TempDir tmp("registry_empty");
  const fs::path& empty = tmp.path();
  CHECK_THROWS_WITH(load_dataset("mnist", empty.string()),
                    Catch::Contains("missing file") && Catch::Contains("train-labels-idx1-ubyte"));
  CHECK_THROWS_WITH(load_dataset("mnist-subset", empty.string()), Catch::Contains("cannot open"));
  CHECK_THROWS_WITH(load_dataset("normal-folder", ""), Catch::Contains("needs a path"));
  CHECK_THROWS_WITH(load_dataset("normal-folder", empty.string()),
                    Catch::Contains("empty folder"));
}

TEST_CASE("IDX data set with a label out of range", "[data][registry][errors]") {
  const TempDir tmp("registry_labels");
  const fs::path& dir = tmp.path();
  const std::string src = std::string(NOVA_SOURCE_DIR) + "/data/";
  // A user "mnist" directory whose test labels are the subset's but with a bad value.
  fs::copy_file(src + "mnist-subset-images-idx3-ubyte.gz", dir / "train-images-idx3-ubyte.gz");
  fs::copy_file(src + "mnist-subset-labels-idx1-ubyte.gz", dir / "train-labels-idx1-ubyte.gz");
  fs::copy_file(src + "mnist-subset-images-idx3-ubyte.gz", dir / "t10k-images-idx3-ubyte.gz");
  const Dataset ok = [&] {
    fs::copy_file(src + "mnist-subset-labels-idx1-ubyte.gz", dir / "t10k-labels-idx1-ubyte.gz");
    return load_dataset("mnist", dir.string());
  }();
  CHECK(ok.train.n == 10000);
  CHECK(ok.test.n == 10000);
  CHECK(ok.has_test_split());
  fs::remove(dir / "t10k-labels-idx1-ubyte.gz");
  // Plain (not gzip) labels with value 10 at image 2.
  {
    std::FILE* f = std::fopen((dir / "t10k-labels-idx1-ubyte").string().c_str(), "wb");
    REQUIRE(f);
    const unsigned char header[8] = {0, 0, 8, 1, 0, 0, 0x27, 0x10};
    std::fwrite(header, 1, 8, f);
    for (int i = 0; i < 10000; ++i) std::fputc(i == 2 ? 10 : i % 10, f);
    std::fclose(f);
  }
  CHECK_THROWS_WITH(
      load_dataset("mnist", dir.string()),
      Catch::Contains("class index 10 of image 2") && Catch::Contains("out of range"));
}

TEST_CASE("finding the data directory", "[data][registry]") {
  const std::string source = NOVA_SOURCE_DIR;
  CHECK(is_data_dir(source + "/data"));
  CHECK_FALSE(is_data_dir(source));
  // From any file or folder inside the source tree, the search walks up to data/.
  const std::string found = find_data_dir_from(source + "/engine/data/registry.cpp");
  REQUIRE_FALSE(found.empty());
  CHECK(fs::equivalent(found, source + "/data"));
  CHECK(find_data_dir_from("/").empty());

  SECTION("NOVA_DATA_DIR wins and is checked") {
    const char* old = std::getenv("NOVA_DATA_DIR");
    const std::string saved = old ? old : "";
    ::setenv("NOVA_DATA_DIR", (source + "/data").c_str(), 1);
    CHECK(find_data_dir() == source + "/data");
    CHECK(load_dataset("mnist-subset").train.n == 10000);
    ::setenv("NOVA_DATA_DIR", "/nonexistent", 1);
    CHECK_THROWS_WITH(find_data_dir(), Catch::Contains("NOVA_DATA_DIR"));
    if (old) {
      ::setenv("NOVA_DATA_DIR", saved.c_str(), 1);
    } else {
      ::unsetenv("NOVA_DATA_DIR");
    }
  }
}

TEST_CASE("ImageSet helpers", "[data]") {
  ImageSet a = make_empty(1, 1, 2);
  a.n = 3;
  a.pixels = {0, 1, 2, 3, 4, 5};
  a.labels = {0, 1, 2};
  a.names = {"a", "b", "c"};
  validate(a, "a");
  const ImageSet s = subset(a, {2, 0, 2});
  CHECK(s.n == 3);
  CHECK(s.pixels == std::vector<float>{4, 5, 0, 1, 4, 5});
  CHECK(s.labels == std::vector<int32_t>{2, 0, 2});
  CHECK(s.names == std::vector<std::string>{"c", "a", "c"});
  CHECK_THROWS_WITH(subset(a, {3}), Catch::Contains("index 3"));
  CHECK_THROWS_AS(a.image(3), std::out_of_range);
  const ImageSet c = concat(a, s);
  CHECK(c.n == 6);
  CHECK(c.image(4)[0] == 0.0f);
  CHECK(class_counts(c, 3) == std::vector<int64_t>{2, 1, 3});
  ImageSet broken = a;
  broken.labels.pop_back();
  CHECK_THROWS_WITH(validate(broken, "broken"), Catch::Contains("2 labels for 3 images"));
  ImageSet other = make_empty(3, 1, 2);
  other.n = 1;
  other.pixels.assign(6, 0.0f);
  other.labels = {0};
  CHECK_THROWS_WITH(concat(a, other), Catch::Contains("shapes differ"));
}
