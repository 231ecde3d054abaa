// export_images: writes images of one class of a data set as PNG files, to
// look at them or to try the folder workflow of the one-class programs
// (train on a folder of normal images with --dataset normal-folder, then
// score folders of normal and abnormal images with --score). With
// --defect-square it pastes a bright square into each image at a seeded
// random place: synthetic defects to try anomaly heat maps on.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "apps/common/flags.h"
#include "engine/data/registry.h"
#include "engine/error.h"
#include "engine/io/png.h"
#include "kernels/common/philox.h"

using namespace nova;

namespace {

constexpr const char* kSummary =
    "Writes images of one class of a data set as PNG files in --out, named\n"
    "<data set>_<index in the data set>.png. --skip and --count pick which of the class's images\n"
    "(in data-set order), so sets for training and for scoring need not overlap.\n"
    "--defect-square N pastes an N x N square at full brightness into each image, at a place\n"
    "drawn from --seed: synthetic defects for trying the scoring mode and its heat maps.";

// Pastes a bright side x side square into image i of `set` at a place drawn
// from (seed, i).
void paste_square(data::ImageSet& set, int64_t i, int64_t side, uint64_t seed) {
  const auto draw = [&](uint64_t which, int64_t range) {
    const float u = kernels::philox_uniform(seed, static_cast<uint64_t>(i) * 2 + which);  // (0, 1]
    return std::min<int64_t>(range - 1, static_cast<int64_t>((1.0f - u) * range));
  };
  const int64_t top = draw(0, set.h - side + 1), left = draw(1, set.w - side + 1);
  float* px = set.image(i);
  for (int64_t c = 0; c < set.c; ++c) {
    for (int64_t y = top; y < top + side; ++y) {
      for (int64_t x = left; x < left + side; ++x) px[(c * set.h + y) * set.w + x] = 1.0f;
    }
  }
}

int run(const apps::Flags& f) {
  const std::string out = f.str("out");
  NOVA_CHECK(!out.empty(), "--out: a folder to write the PNG files to is required");
  const data::Dataset ds = data::load_dataset(f.str("dataset"), f.str("data-path"));
  data::ImageSet pool = data::make_pool(ds);
  const int64_t cls = f.integer("class"), skip = f.integer("skip"), count = f.integer("count");
  const int64_t side = f.integer("defect-square");
  NOVA_CHECK(cls >= 0 && cls < ds.num_classes(), "--class ", cls, " is out of range: ", ds.name,
             " has classes 0..", ds.num_classes() - 1);
  NOVA_CHECK(skip >= 0 && count >= 1, "--skip must be >= 0 and --count >= 1, got ", skip, " and ",
             count);
  NOVA_CHECK(side >= 0 && side <= std::min(pool.h, pool.w), "--defect-square ", side,
             " must lie in 0..", std::min(pool.h, pool.w));
  std::filesystem::create_directories(out);
  int64_t seen = 0, written = 0;
  for (int64_t i = 0; i < pool.n && written < count; ++i) {
    if (pool.labels[static_cast<size_t>(i)] != cls || seen++ < skip) continue;
    if (side > 0) paste_square(pool, i, side, static_cast<uint64_t>(f.integer("seed")));
    const std::string path = out + "/" + ds.name + "_" + std::to_string(i) + ".png";
    io::write_png(path, io::image_grid(pool.image(i), 1, pool.c, pool.h, pool.w, 1, 1));
    ++written;
  }
  NOVA_CHECK(written > 0, "class ", cls, " of ", ds.name, " has no images after skipping ", skip);
  std::printf("wrote %lld images of class %lld (%s) to %s\n", static_cast<long long>(written),
              static_cast<long long>(cls), ds.class_names[static_cast<size_t>(cls)].c_str(),
              out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  apps::Flags f("export_images", kSummary);
  f.add_string("dataset", "mnist-subset",
               "data set: mnist-subset (embedded), fashion-mnist, mnist, cifar10, folder");
  f.add_string("data-path", "", "where the data set lives (as for the training programs)");
  f.add_int("class", 0, "which class's images");
  f.add_int("skip", 0, "leave out the class's first images");
  f.add_int("count", 100, "how many images to write");
  f.add_int("defect-square", 0, "side of a bright square pasted into each image (0: none)");
  f.add_int("seed", 0, "where the squares go");
  f.add_string("out", "", "the folder to write to");
  try {
    if (!f.parse(argc, argv)) {
      std::printf("%s", f.help().c_str());
      return 0;
    }
    return run(f);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "export_images: error: %s\n", e.what());
    return 1;
  }
}
