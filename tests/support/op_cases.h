// The one table of op cases. The gradient checks, the CPU/CUDA parity tests
// and the kernel benchmarks all read it, so a shape added here is checked,
// compared and timed. Correctness cases are small and odd-sized; speed cases
// are the models' real shapes and larger.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/common/shapes.h"

namespace nova::testing {

enum class CaseUse { Correctness, Speed };

struct ConvCase {
  std::string name;
  kernels::ConvShape shape;  // for transposed cases, the conv whose adjoint it is
  bool transposed = false;
  int64_t output_padding_h = 0, output_padding_w = 0;  // transposed only
  CaseUse use = CaseUse::Correctness;
};

struct BatchNormCase {
  std::string name;
  kernels::BatchNormShape shape;
  CaseUse use = CaseUse::Correctness;
};

struct GemmCase {
  std::string name;
  int64_t m = 0, n = 0, k = 0;
  bool trans_a = false, trans_b = false;
  CaseUse use = CaseUse::Correctness;
};

// Flat sizes for elementwise ops, reductions and losses.
struct ElementwiseCase {
  std::string name;
  int64_t n = 0;
  CaseUse use = CaseUse::Correctness;
};

// Builds a forward conv shape from the layer's view (input size, channels,
// kernel, stride, padding); the output size follows torch.nn.Conv2d.
kernels::ConvShape conv_layer_shape(int64_t n, int64_t c_in, int64_t h, int64_t w, int64_t c_out,
                                    int64_t k, int64_t stride, int64_t pad);

// Builds the ConvShape of a transposed conv layer (input (n, c_in, h, w),
// weight [c_in, c_out, k, k]): the conv whose backward-data it is.
kernels::ConvShape conv_transpose_layer_shape(int64_t n, int64_t c_in, int64_t h, int64_t w,
                                              int64_t c_out, int64_t k, int64_t stride, int64_t pad,
                                              int64_t output_padding);

const std::vector<ConvCase>& conv_cases();
const std::vector<BatchNormCase>& batch_norm_cases();
const std::vector<GemmCase>& gemm_cases();
const std::vector<ElementwiseCase>& elementwise_cases();

}  // namespace nova::testing
