// The rows of the kernel benchmark before they are measured: one kernel (op)
// on one speed case of tests/support/op_cases.h, with the work one call does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/common/activation.h"
#include "kernels/common/shapes.h"

namespace nova::bench {

enum class Op {
  // Conv cases (a transposed case's ops run the same three kernels, see bench_case.cpp).
  Conv2dForward,
  Conv2dBackwardInput,
  Conv2dBackwardWeight,
  ConvTranspose2dForward,
  ConvTranspose2dBackwardInput,
  ConvTranspose2dBackwardWeight,
  AddChannelBias,  // on the layer's output
  ChannelSum,      // the bias gradient
  // Batchnorm cases.
  BatchNormForwardTrain,
  BatchNormForwardEval,
  BatchNormBackward,
  // GEMM cases.
  Gemm,
  // Elementwise cases (flat sizes).
  ActivationForward,  // which one: BenchCase::activation
  ActivationBackward,
  Add,
  Mul,
  Axpby,
  ScaleShift,
  Fill,
  ClampForward,
  ClampBackward,
  BceForward,
  BceBackward,
  BceWithLogitsForward,
  BceWithLogitsBackward,
  MseForward,
  MseBackward,
  L1Forward,
  L1Backward,
  KlGaussianForward,
  KlGaussianBackward,
  Sum,
  RowSum,
  BroadcastRows,
  CopyIntoColumns,
  CopyFromColumns,
  AdamStep,
  SgdStep,
  RandomUniform,
  RandomNormal,
  DropoutMask,
};

// The groups of ops whose implementations set up the same kind of arrays:
// the implementations dispatch on it.
enum class OpFamily { Conv, ChannelBias, BatchNorm, Gemm, Elementwise };

OpFamily op_family(Op op);

// Compute-bound ops count floating-point operations, memory-bound ops bytes.
enum class WorkUnit { Flop, Byte };

struct GemmShape {
  int64_t m = 0, n = 0, k = 0;
  bool trans_a = false, trans_b = false;
};

// Rows and columns a flat elementwise case is viewed as by the kernels that
// need two dimensions (row sums, column copies, the KL loss): 64 rows, as a
// batch of 64 samples.
constexpr int64_t kElementwiseRows = 64;

struct BenchCase {
  Op op = Op::Gemm;
  kernels::Activation activation = kernels::Activation::Relu;  // activation ops only
  std::string case_name;
  WorkUnit unit = WorkUnit::Flop;
  double work = 0.0;  // FLOPs or bytes of one call

  // The shape the op reads; which field depends on the op.
  kernels::ConvShape conv;  // conv ops
  kernels::BatchNormShape
      channels;          // batchnorm ops; (n, c, h*w) of a conv's output for the bias ops
  GemmShape gemm;        // gemm
  int64_t elements = 0;  // elementwise ops
};

// Element counts of a conv's arrays.
inline int64_t conv_input_elements(const kernels::ConvShape& s) {
  return s.n * s.c_in * s.h_in * s.w_in;
}
inline int64_t conv_output_elements(const kernels::ConvShape& s) {
  return s.n * s.c_out * s.h_out * s.w_out;
}
inline int64_t conv_weight_elements(const kernels::ConvShape& s) {
  return s.c_out * s.c_in * s.kh * s.kw;
}
inline int64_t channel_elements(const kernels::BatchNormShape& s) { return s.n * s.c * s.hw; }

// "conv2d_forward", "leaky_relu_backward", ...
std::string op_name(const BenchCase& c);

// Every op on every speed case of the op-case table, grouped by op family and
// case in table order.
std::vector<BenchCase> bench_cases();

}  // namespace nova::bench
