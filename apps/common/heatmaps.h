// Anomaly heat maps: where an image departs from the model's reconstruction
// of it (the OCGAN paper's Figure 1 view). The per-pixel error |x - r|,
// averaged over channels, is drawn in colour over the input in grey.
#pragma once

#include <string>
#include <vector>

#include "engine/data/image_set.h"
#include "engine/tensor.h"
#include "models/one_class_model.h"

namespace nova::apps {

// |x - reconstruction| averaged over channels: (n, h, w) row-major on the
// host. Both (n, c, h, w) of the same shape.
std::vector<float> pixel_errors(const Tensor& x, const Tensor& reconstruction);

// The error that the colour scale saturates at: the 99.9th percentile of the
// pixel errors of normal images, so full red is an error that only one
// normal pixel in a thousand reaches.
double heatmap_scale(const std::vector<float>& normal_pixel_errors);

// (n, 3, h, w) in [-1, 1]: the input in grey, blended with a blue (no
// error) to red (error >= scale) colour ramp of its pixel errors.
Tensor heatmap_overlay(const Tensor& x, const std::vector<float>& errors, double scale);

// The model's reconstructions of every image of `set` (in batches of the
// model's size, on its device), on the host; an undefined tensor when the
// model offers none.
Tensor reconstruct_set(models::OneClassModel& model, const data::ImageSet& set);

// A PNG grid of the images of `set` over their reconstructions over their
// heat maps, `columns` images per row; nothing when the model offers no
// reconstruction.
void write_heatmap_grid(const std::string& path, models::OneClassModel& model,
                        const data::ImageSet& set, double scale, int64_t columns = 16);

// The pixel errors of the (normal) images of `set`, for heatmap_scale; empty
// when the model offers no reconstruction.
std::vector<float> set_pixel_errors(models::OneClassModel& model, const data::ImageSet& set);

}  // namespace nova::apps
