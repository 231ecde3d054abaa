// Anomaly heat maps: per-pixel errors, the colour scale and overlay, and a
// real check: an OCGAN autoencoder trained briefly on embedded MNIST ones
// shows a bright square pasted into a test digit as the hottest region.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "apps/common/heatmaps.h"
#include "engine/data/batches.h"
#include "engine/data/registry.h"
#include "models/ocgan/ocgan.h"

using namespace nova;

namespace {

constexpr int64_t kSide = 28;

// Top-left corner of the side x side window with the largest summed error.
std::pair<int64_t, int64_t> hottest_window(const float* errors, int64_t side) {
  double best = -1.0;
  std::pair<int64_t, int64_t> at{0, 0};
  for (int64_t y = 0; y + side <= kSide; ++y) {
    for (int64_t x = 0; x + side <= kSide; ++x) {
      double sum = 0.0;
      for (int64_t dy = 0; dy < side; ++dy) {
        for (int64_t dx = 0; dx < side; ++dx) sum += errors[(y + dy) * kSide + x + dx];
      }
      if (sum > best) {
        best = sum;
        at = {y, x};
      }
    }
  }
  return at;
}

}  // namespace

TEST_CASE("heat maps: pixel errors, scale and overlay colours", "[heatmap]") {
  // Two 1-channel 2x2 images and a 3-channel one averaged over channels.
  const Tensor x = Tensor::from_vector(std::vector<float>{-1, -1, 1, 1, 0, 0, 0, 0}, {2, 1, 2, 2});
  const Tensor r =
      Tensor::from_vector(std::vector<float>{-1, 0, 1, -1, 0, 0.5f, 0, 0}, {2, 1, 2, 2});
  CHECK(apps::pixel_errors(x, r) == std::vector<float>{0, 1, 0, 2, 0, 0.5f, 0, 0});
  const Tensor rgb = Tensor::zeros({1, 3, 1, 1});
  CHECK(apps::pixel_errors(rgb, Tensor::from_vector(std::vector<float>{0.3f, 0.6f, 0.9f},
                                                    {1, 3, 1, 1}))[0] == Approx(0.6));
  CHECK_THROWS_WITH(apps::pixel_errors(x, rgb), Catch::Contains("pixel_errors"));

  std::vector<float> normal(1000);
  for (size_t i = 0; i < normal.size(); ++i) normal[i] = static_cast<float>(i) / 999.0f;
  CHECK(apps::heatmap_scale(normal) == Approx(0.999).margin(1e-6));

  // Saturated error is red over the grey input, none is blue.
  const Tensor overlay = apps::heatmap_overlay(x, {0, 5, 0, 5, 0, 0, 0, 0}, 1.0);
  REQUIRE(overlay.shape() == Shape{2, 3, 2, 2});
  const std::vector<float> o = overlay.to_vector();
  auto rgb_at = [&](int64_t image, int64_t pixel) {
    return std::vector<float>{o[(image * 3 + 0) * 4 + pixel], o[(image * 3 + 1) * 4 + pixel],
                              o[(image * 3 + 2) * 4 + pixel]};
  };
  const std::vector<float> hot = rgb_at(0, 1), cold = rgb_at(0, 0);
  CHECK(hot[0] > hot[1]);
  CHECK(hot[0] > hot[2]);
  CHECK(cold[2] > cold[0]);
  CHECK(cold[2] > cold[1]);
  CHECK_THROWS_WITH(apps::heatmap_overlay(x, {0, 1}, 1.0), Catch::Contains("2 pixel errors"));
  CHECK_THROWS_WITH(apps::heatmap_overlay(x, std::vector<float>(8, 0.0f), 0.0),
                    Catch::Contains("scale must be positive"));
}

TEST_CASE("heat maps: a planted bright square is the hottest region", "[heatmap][slow]") {
  const data::Dataset ds =
      data::load_dataset("mnist-subset", std::string(NOVA_SOURCE_DIR) + "/data");
  std::vector<int64_t> ones;
  for (int64_t i = 0; i < ds.train.n; ++i) {
    if (ds.train.labels[static_cast<size_t>(i)] == 1) ones.push_back(i);
  }
  REQUIRE(ones.size() > 600);
  const std::vector<int64_t> train(ones.begin(), ones.begin() + 576);
  const std::vector<int64_t> candidates(ones.begin() + 576, ones.begin() + 608);

  ocgan::Config c = ocgan::preset("autoencoder");
  c.base_channels = 32;
  c.latent_channels = 4;
  c.lr = 1e-3;
  ocgan::Model model(c, 7, Device::CPU);
  for (int64_t epoch = 0; epoch < 4; ++epoch) {
    for (size_t begin = 0; begin < train.size(); begin += static_cast<size_t>(c.batch_size)) {
      model.train_step(
          data::batch_tensor(ds.train, train, begin, begin + c.batch_size, Device::CPU), epoch);
    }
  }

  // Typical normal digits: the 8 held-out ones the model reconstructs best
  // (an odd one, such as a 1 with a hook, has hot regions of its own).
  const std::vector<float> candidate_errors =
      model
          .reconstruction_error(
              data::batch_tensor(ds.train, candidates, 0, candidates.size(), Device::CPU))
          .to_vector();
  std::vector<int64_t> test = candidates;
  std::sort(test.begin(), test.end(), [&](int64_t a, int64_t b) {
    const auto pos = [&](int64_t i) {
      return std::find(candidates.begin(), candidates.end(), i) - candidates.begin();
    };
    return candidate_errors[pos(a)] < candidate_errors[pos(b)];
  });
  test.resize(8);

  // An 8x8 square at full brightness on the background, away from the
  // digit's middle stroke.
  constexpr int64_t kSquare = 8, kTop = 2, kLeft = 2;
  data::ImageSet planted = data::subset(ds.train, test);
  for (int64_t i = 0; i < planted.n; ++i) {
    float* px = planted.image(i);
    for (int64_t y = kTop; y < kTop + kSquare; ++y) {
      for (int64_t xx = kLeft; xx < kLeft + kSquare; ++xx) px[y * kSide + xx] = 1.0f;
    }
  }
  const std::vector<float> errors = apps::set_pixel_errors(model, planted);
  REQUIRE(errors.size() == static_cast<size_t>(planted.n * kSide * kSide));
  for (int64_t i = 0; i < planted.n; ++i) {
    const auto [y, xx] = hottest_window(errors.data() + i * kSide * kSide, kSquare);
    INFO("image " << i << ": hottest 8x8 window at row " << y << ", column " << xx);
    // The hottest window overlaps the square by at least three quarters.
    const int64_t overlap = (kSquare - std::abs(y - kTop)) * (kSquare - std::abs(xx - kLeft));
    CHECK(std::abs(y - kTop) < kSquare);
    CHECK(std::abs(xx - kLeft) < kSquare);
    CHECK(overlap >= 3 * kSquare * kSquare / 4);
  }
}
