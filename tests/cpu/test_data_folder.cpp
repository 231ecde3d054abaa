// Folders of PNG/JPEG images, and the resize method. The images are written
// here with stb_image_write, compiled privately into this file.
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "engine/data/image_folder.h"
#include "engine/data/registry.h"
#include "engine/data/resize.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using namespace nova::data;
using nova::testing::TempDir;

namespace {

// A w x h image with `comp` channels, byte = (x * 16 + y * 4 + ch * 64 + base) % 256.
std::vector<uint8_t> pattern(int w, int h, int comp, int base) {
  std::vector<uint8_t> px(static_cast<size_t>(w * h * comp));
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      for (int ch = 0; ch < comp; ++ch) {
        px[static_cast<size_t>((y * w + x) * comp + ch)] =
            static_cast<uint8_t>((x * 16 + y * 4 + ch * 64 + base) % 256);
      }
    }
  }
  return px;
}

void png(const std::string& path, int w, int h, int comp, int base) {
  const auto px = pattern(w, h, comp, base);
  REQUIRE(stbi_write_png(path.c_str(), w, h, comp, px.data(), w * comp) != 0);
}

float unit(int k) { return static_cast<float>(k) / 255.0f * 2.0f - 1.0f; }

}  // namespace

TEST_CASE("PNG folder, grey and RGB, sorted order", "[data][folder]") {
  const TempDir tmp("folder_png");
  const std::string dir = tmp.str();
  png(dir + "/b.png", 4, 3, 1, 10);
  png(dir + "/a.png", 4, 3, 1, 20);
  png(dir + "/c.PNG", 4, 3, 3, 30);
  std::ofstream(dir + "/notes.txt") << "not an image";
  FolderOptions opt;
  opt.channels = 1;
  const ImageSet grey = read_image_folder(dir, opt, 5);
  REQUIRE(grey.n == 3);
  CHECK(grey.c == 1);
  CHECK(grey.h == 3);
  CHECK(grey.w == 4);
  CHECK(grey.labels == std::vector<int32_t>{5, 5, 5});
  REQUIRE(grey.names.size() == 3);
  CHECK(fs::path(grey.names[0]).filename() == "a.png");
  CHECK(fs::path(grey.names[1]).filename() == "b.png");
  CHECK(fs::path(grey.names[2]).filename() == "c.PNG");
  // a.png: pixel (x=2, y=1) = 2*16 + 4 + 20 = 56.
  CHECK(grey.image(0)[1 * 4 + 2] == unit(56));

  opt.channels = 3;
  const ImageSet rgb = read_image_folder(dir, opt);
  CHECK(rgb.c == 3);
  CHECK(rgb.labels == std::vector<int32_t>{-1, -1, -1});
  // c.PNG, channel 2 at (x=1, y=2): 16 + 8 + 128 + 30 = 182 (planar layout).
  CHECK(rgb.image(2)[2 * 12 + 2 * 4 + 1] == unit(182));
  // A grey PNG read as RGB repeats the plane.
  CHECK(rgb.image(0)[5] == rgb.image(0)[12 + 5]);
}

// An 8x8 RGB JPEG, every pixel (200, 200, 200), quality 90, made once with
// stbi_write_jpg (not called here: its JPEG encoder shifts negative values,
// which UBSan rejects in NOVA_SANITIZE builds).
const unsigned char kFlatJpeg[] = {
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x84, 0x00, 0x03, 0x02, 0x02, 0x03, 0x02, 0x02, 0x03,
    0x03, 0x03, 0x03, 0x04, 0x03, 0x03, 0x04, 0x05, 0x08, 0x05, 0x05, 0x04, 0x04, 0x05, 0x0a, 0x07,
    0x07, 0x06, 0x08, 0x0c, 0x0a, 0x0c, 0x0c, 0x0b, 0x0a, 0x0b, 0x0b, 0x0d, 0x0e, 0x12, 0x10, 0x0d,
    0x0e, 0x11, 0x0e, 0x0b, 0x0b, 0x10, 0x16, 0x10, 0x11, 0x13, 0x14, 0x15, 0x15, 0x15, 0x0c, 0x0f,
    0x17, 0x18, 0x16, 0x14, 0x18, 0x12, 0x14, 0x15, 0x14, 0x01, 0x03, 0x04, 0x04, 0x05, 0x04, 0x05,
    0x09, 0x05, 0x05, 0x09, 0x14, 0x0d, 0x0b, 0x0d, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,
    0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,
    0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,
    0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00,
    0x08, 0x00, 0x08, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xc4, 0x01,
    0xa2, 0x00, 0x00, 0x01, 0x05, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x10, 0x00,
    0x02, 0x01, 0x03, 0x03, 0x02, 0x04, 0x03, 0x05, 0x05, 0x04, 0x04, 0x00, 0x00, 0x01, 0x7d, 0x01,
    0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22,
    0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24,
    0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28, 0x29,
    0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a,
    0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a,
    0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a,
    0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8,
    0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6,
    0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2, 0xe3,
    0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9,
    0xfa, 0x01, 0x00, 0x03, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x11, 0x00,
    0x02, 0x01, 0x02, 0x04, 0x04, 0x03, 0x04, 0x07, 0x05, 0x04, 0x04, 0x00, 0x01, 0x02, 0x77, 0x00,
    0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13,
    0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15,
    0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26, 0x27,
    0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
    0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
    0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88,
    0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6,
    0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4,
    0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe2,
    0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9,
    0xfa, 0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00, 0xfb,
    0x02, 0x8a, 0x28, 0xa0, 0x0f, 0xff, 0xd9,
};

TEST_CASE("JPEG images decode close to what was written", "[data][folder]") {
  const TempDir tmp("folder_jpg");
  const std::string dir = tmp.str();
  {
    std::ofstream out(dir + "/x.jpg", std::ios::binary);
    out.write(reinterpret_cast<const char*>(kFlatJpeg), sizeof kFlatJpeg);
  }
  FolderOptions opt;
  opt.channels = 3;
  const ImageSet set = read_image_folder(dir, opt);
  REQUIRE(set.n == 1);
  CHECK(set.h == 8);
  CHECK(set.w == 8);
  for (float v : set.pixels) REQUIRE(v == Approx(unit(200)).margin(3.0 / 255.0 * 2.0));
  opt.channels = 1;
  const ImageSet grey = read_image_folder(dir, opt);
  for (float v : grey.pixels) REQUIRE(v == Approx(unit(200)).margin(3.0 / 255.0 * 2.0));
}

TEST_CASE("folder images are resized to the requested size", "[data][folder]") {
  const TempDir tmp("folder_resize");
  const std::string dir = tmp.str();
  png(dir + "/big.png", 8, 8, 1, 0);
  png(dir + "/small.png", 2, 2, 1, 0);
  FolderOptions opt;
  opt.height = 4;
  opt.width = 4;
  const ImageSet set = read_image_folder(dir, opt);
  CHECK(set.n == 2);
  CHECK(set.h == 4);
  CHECK(set.w == 4);
  // big.png shrunk by 2: output (0,0) = mean of bytes 0, 16, 4, 20 = 10.
  CHECK(set.image(0)[0] == Approx(unit(10)).margin(1e-6));
}

TEST_CASE("labelled folders and the folder data set", "[data][folder]") {
  const TempDir tmp("folder_labels");
  const std::string root = tmp.str();
  for (const std::string split : {"train", "test"}) {
    fs::create_directories(root + "/" + split + "/cat");
    fs::create_directories(root + "/" + split + "/ant");
    png(root + "/" + split + "/cat/1.png", 5, 5, 3, 1);
    png(root + "/" + split + "/cat/2.png", 5, 5, 3, 2);
    png(root + "/" + split + "/ant/1.png", 5, 5, 3, 3);
  }
  std::vector<std::string> classes;
  FolderOptions opt;
  const ImageSet set = read_labeled_folders(root + "/train", opt, &classes);
  CHECK(classes == std::vector<std::string>{"ant", "cat"});
  CHECK(set.labels == std::vector<int32_t>{0, 1, 1});

  const Dataset split = load_dataset("folder", root, opt);
  CHECK(split.train.n == 3);
  CHECK(split.test.n == 3);
  CHECK(split.class_names == classes);

  const Dataset whole = load_dataset("folder", root + "/train", opt);
  CHECK(whole.train.n == 3);
  CHECK(whole.test.n == 0);
}

TEST_CASE("folder bad inputs give clear errors", "[data][folder][errors]") {
  const TempDir tmp("folder_bad");
  const std::string dir = tmp.str();
  FolderOptions opt;
  SECTION("missing folder") {
    CHECK_THROWS_WITH(read_image_folder(dir + "/none", opt), Catch::Contains("does not exist"));
  }
  SECTION("empty folder") {
    std::ofstream(dir + "/readme.txt") << "no images here";
    CHECK_THROWS_WITH(read_image_folder(dir, opt),
                      Catch::Contains("empty folder") && Catch::Contains(dir));
    CHECK_THROWS_WITH(read_labeled_folders(dir, opt), Catch::Contains("empty folder"));
  }
  SECTION("unreadable image") {
    std::ofstream(dir + "/broken.png") << "this is not a PNG";
    CHECK_THROWS_WITH(read_image_folder(dir, opt),
                      Catch::Contains("unreadable image") && Catch::Contains("broken.png"));
  }
  SECTION("oddly sized image when a size is required") {
    png(dir + "/a.png", 6, 6, 1, 0);
    png(dir + "/b.png", 7, 5, 1, 0);
    opt.resize = false;
    CHECK_THROWS_WITH(read_image_folder(dir, opt),
                      Catch::Contains("b.png") && Catch::Contains("7x5") &&
                          Catch::Contains("expected 6x6") && Catch::Contains("resizing is off"));
    opt.height = 6;
    opt.width = 6;
    CHECK_THROWS_WITH(read_image_folder(dir, opt), Catch::Contains("b.png"));
  }
  SECTION("bad channel count") {
    png(dir + "/a.png", 2, 2, 1, 0);
    opt.channels = 2;
    CHECK_THROWS_WITH(read_image_folder(dir, opt), Catch::Contains("channels must be 1"));
  }
}

TEST_CASE("resize: identity, area average, bilinear", "[data][resize]") {
  SECTION("same size copies exactly") {
    std::vector<float> src = {0.1f, -0.5f, 0.3f, 0.9f, -1.0f, 0.25f};
    std::vector<float> dst(6);
    resize_plane(dst.data(), src.data(), 2, 3, 2, 3);
    CHECK(dst == src);
  }
  SECTION("shrinking by 2 averages 2x2 blocks") {
    std::vector<float> src(16);
    for (int i = 0; i < 16; ++i) src[static_cast<size_t>(i)] = static_cast<float>(i);
    std::vector<float> dst(4);
    resize_plane(dst.data(), src.data(), 4, 4, 2, 2);
    CHECK(dst[0] == Approx((0 + 1 + 4 + 5) / 4.0));
    CHECK(dst[3] == Approx((10 + 11 + 14 + 15) / 4.0));
  }
  SECTION("shrinking 3 -> 2 weights by overlap") {
    // Output 0 covers [0, 1.5): 1 * a + 0.5 * b over 1.5.
    std::vector<float> src = {3.0f, 6.0f, 9.0f};
    std::vector<float> dst(2);
    resize_plane(dst.data(), src.data(), 1, 3, 1, 2);
    CHECK(dst[0] == Approx((3.0 + 0.5 * 6.0) / 1.5));
    CHECK(dst[1] == Approx((0.5 * 6.0 + 9.0) / 1.5));
  }
  SECTION("enlarging 2 -> 4 is bilinear with half-pixel centres") {
    std::vector<float> src = {0.0f, 1.0f};
    std::vector<float> dst(4);
    resize_plane(dst.data(), src.data(), 1, 2, 1, 4);
    CHECK(dst[0] == Approx(0.0));
    CHECK(dst[1] == Approx(0.25));
    CHECK(dst[2] == Approx(0.75));
    CHECK(dst[3] == Approx(1.0));
  }
  SECTION("a constant image stays constant, 28 -> 61 and 61 -> 28") {
    ImageSet set = make_empty(1, 28, 28);
    set.n = 1;
    set.labels = {4};
    set.pixels.assign(28 * 28, 0.375f);
    const ImageSet up = resize_images(set, 61, 61);
    CHECK(up.labels == std::vector<int32_t>{4});
    for (float v : up.pixels) REQUIRE(v == Approx(0.375f));
    const ImageSet down = resize_images(up, 28, 28);
    for (float v : down.pixels) REQUIRE(v == Approx(0.375f));
  }
  SECTION("channel conversion") {
    ImageSet grey = make_empty(1, 1, 2);
    grey.n = 1;
    grey.labels = {0};
    grey.pixels = {0.5f, -0.5f};
    const ImageSet rgb = convert_channels(grey, 3);
    CHECK(rgb.pixels == std::vector<float>{0.5f, -0.5f, 0.5f, -0.5f, 0.5f, -0.5f});
    const ImageSet back = convert_channels(rgb, 1);
    CHECK(back.pixels[0] == Approx(0.5f));
    CHECK(back.pixels[1] == Approx(-0.5f));
    CHECK_THROWS_WITH(convert_channels(grey, 2), Catch::Contains("cannot convert"));
  }
}
