// Image resizing and channel conversion.
//
// Resize method (separable, each axis on its own):
//  - shrinking an axis (out < in): area averaging. Output pixel o covers the
//    source interval [o*s, (o+1)*s) with s = in/out; each source pixel is
//    weighted by the length of its overlap with that interval, divided by s
//    (the exact mean of the piecewise-constant source over the box, as
//    OpenCV's INTER_AREA does).
//  - enlarging an axis or keeping its size (out >= in): bilinear
//    interpolation with half-pixel centres, source coordinate
//    (o + 0.5) * in/out - 0.5 clamped to [0, in-1] (PyTorch's
//    align_corners=False, OpenCV's INTER_LINEAR). Equal sizes copy exactly.
// Rows are resized first, then columns. Outputs stay within the range of the
// inputs (all weights are non-negative and sum to 1).
#pragma once

#include <cstdint>

#include "engine/data/image_set.h"

namespace nova::data {

// One plane: src (in_h, in_w) -> dst (out_h, out_w). Sizes must be >= 1.
void resize_plane(float* dst, const float* src, int64_t in_h, int64_t in_w, int64_t out_h,
                  int64_t out_w);

// Every plane of every image resized to (h, w); labels and names kept.
ImageSet resize_images(const ImageSet& set, int64_t h, int64_t w);

// 1 -> 3 channels repeats the grey plane; 3 -> 1 takes the luma
// 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601); c -> c copies. Other pairs
// throw.
ImageSet convert_channels(const ImageSet& set, int64_t c);

}  // namespace nova::data
