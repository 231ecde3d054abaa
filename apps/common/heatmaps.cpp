#include "apps/common/heatmaps.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "apps/common/evaluation.h"
#include "engine/data/batches.h"
#include "engine/error.h"
#include "engine/metrics/normal_calibration.h"
#include "engine/ops.h"

namespace nova::apps {
namespace {

// A blue - cyan - green - yellow - red ramp: t in [0, 1] to RGB in [0, 1].
std::array<float, 3> ramp(float t) {
  static const float anchors[5][3] = {{0.0f, 0.0f, 1.0f},
                                      {0.0f, 1.0f, 1.0f},
                                      {0.0f, 1.0f, 0.0f},
                                      {1.0f, 1.0f, 0.0f},
                                      {1.0f, 0.0f, 0.0f}};
  const float position = std::clamp(t, 0.0f, 1.0f) * 4.0f;
  const int low = std::min(3, static_cast<int>(position));
  const float frac = position - static_cast<float>(low);
  std::array<float, 3> rgb{};
  for (int k = 0; k < 3; ++k) {
    rgb[k] = anchors[low][k] + frac * (anchors[low + 1][k] - anchors[low][k]);
  }
  return rgb;
}

// How much of the colour covers the grey input: enough to read the colour,
// little enough to still see the image under it.
constexpr float kOverlayAlpha = 0.55f;

}  // namespace

std::vector<float> pixel_errors(const Tensor& x, const Tensor& reconstruction) {
  check_same_shape("pixel_errors", x, reconstruction);
  NOVA_CHECK(x.dim() == 4, "pixel_errors needs (n, c, h, w) images, got ", to_string(x.shape()));
  const std::vector<float> a = x.to_vector(), b = reconstruction.to_vector();
  const int64_t n = x.size(0), c = x.size(1), plane = x.size(2) * x.size(3);
  std::vector<float> errors(static_cast<size_t>(n * plane), 0.0f);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t ch = 0; ch < c; ++ch) {
      const size_t base = static_cast<size_t>((i * c + ch) * plane);
      for (int64_t p = 0; p < plane; ++p) {
        errors[static_cast<size_t>(i * plane + p)] +=
            std::fabs(a[base + p] - b[base + p]) / static_cast<float>(c);
      }
    }
  }
  return errors;
}

double heatmap_scale(const std::vector<float>& normal_pixel_errors) {
  NOVA_CHECK(!normal_pixel_errors.empty(), "heat-map scale: no normal pixel errors");
  const double scale = metrics::quantile(
      std::vector<double>(normal_pixel_errors.begin(), normal_pixel_errors.end()), 0.999);
  // Perfect reconstructions would leave no scale: any error is then notable.
  return std::max(scale, 1e-6);
}

Tensor heatmap_overlay(const Tensor& x, const std::vector<float>& errors, double scale) {
  NOVA_CHECK(x.dim() == 4 && (x.size(1) == 1 || x.size(1) == 3),
             "heat map needs (n, 1 or 3, h, w) images, got ", to_string(x.shape()));
  NOVA_CHECK(scale > 0.0, "heat-map scale must be positive, got ", scale);
  const int64_t n = x.size(0), c = x.size(1), plane = x.size(2) * x.size(3);
  NOVA_CHECK(static_cast<int64_t>(errors.size()) == n * plane, "heat map: ", errors.size(),
             " pixel errors for ", n, " images of ", plane, " pixels");
  const std::vector<float> in = x.to_vector();
  std::vector<float> out(static_cast<size_t>(n * 3 * plane));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t p = 0; p < plane; ++p) {
      float grey = 0.0f;  // in [0, 1]
      for (int64_t ch = 0; ch < c; ++ch) {
        grey += std::clamp((in[static_cast<size_t>((i * c + ch) * plane + p)] + 1.0f) * 0.5f, 0.0f,
                           1.0f) /
                static_cast<float>(c);
      }
      const float t = static_cast<float>(errors[static_cast<size_t>(i * plane + p)] / scale);
      const std::array<float, 3> colour = ramp(t);
      for (int64_t k = 0; k < 3; ++k) {
        const float mixed = (1.0f - kOverlayAlpha) * grey + kOverlayAlpha * colour[k];
        out[static_cast<size_t>((i * 3 + k) * plane + p)] = mixed * 2.0f - 1.0f;
      }
    }
  }
  return Tensor::from_vector(out, {n, 3, x.size(2), x.size(3)});
}

Tensor reconstruct_set(models::OneClassModel& model, const data::ImageSet& set) {
  std::vector<float> values;
  bool offered = true;
  data::for_each_batch(set, model.batch_size(), model.device(), [&](const Tensor& x) {
    if (!offered) return;
    const Tensor r = model.reconstruction(x);
    offered = r.defined();
    if (!offered) return;
    const std::vector<float> rv = r.to_vector();
    values.insert(values.end(), rv.begin(), rv.end());
  });
  if (!offered) return Tensor();
  return Tensor::from_vector(values, {set.n, set.c, set.h, set.w});
}

void write_heatmap_grid(const std::string& path, models::OneClassModel& model,
                        const data::ImageSet& set, double scale, int64_t columns) {
  const Tensor reconstruction = reconstruct_set(model, set);
  if (!reconstruction.defined()) return;
  const Tensor x = Tensor::from_vector(set.pixels, {set.n, set.c, set.h, set.w});
  const Tensor overlay = heatmap_overlay(x, pixel_errors(x, reconstruction), scale);
  auto as_rgb = [](const Tensor& t) { return t.size(1) == 3 ? t : cat({t, t, t}, 1); };
  write_image_grid(path, interleave_rows({as_rgb(x), as_rgb(reconstruction), overlay}, columns),
                   columns);
}

std::vector<float> set_pixel_errors(models::OneClassModel& model, const data::ImageSet& set) {
  const Tensor reconstruction = reconstruct_set(model, set);
  if (!reconstruction.defined()) return {};
  return pixel_errors(Tensor::from_vector(set.pixels, {set.n, set.c, set.h, set.w}),
                      reconstruction);
}

}  // namespace nova::apps
