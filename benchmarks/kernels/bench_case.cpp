#include "benchmarks/kernels/bench_case.h"

#include "tests/support/op_cases.h"

namespace nova::bench {
namespace {

using testing::CaseUse;

// Bytes of n floats.
double float_bytes(int64_t n) { return 4.0 * static_cast<double>(n); }

// 2 * N * Cout * Hout * Wout * Cin * Kh * Kw: one multiply and one add per
// weight tap per output element. The backward kernels and a transposed conv
// (the adjoint of the conv in `s`) do the same number of multiply-adds.
double conv_flops(const kernels::ConvShape& s) {
  return 2.0 * static_cast<double>(s.n) * static_cast<double>(s.c_out) *
         static_cast<double>(s.h_out * s.w_out) * static_cast<double>(s.c_in) *
         static_cast<double>(s.kh * s.kw);
}

BenchCase conv_row(Op op, const testing::ConvCase& c) {
  BenchCase b;
  b.op = op;
  b.case_name = c.name;
  b.unit = WorkUnit::Flop;
  b.work = conv_flops(c.shape);
  b.conv = c.shape;
  return b;
}

// The bias ops on the layer's output: (n, c_out, h_out*w_out) of a conv, or
// (n, c_in, h_in*w_in) of the conv whose adjoint a transposed layer is.
// Add: the output read and written once; channel sum: the gradient read once.
BenchCase bias_row(Op op, const testing::ConvCase& c) {
  const kernels::ConvShape& s = c.shape;
  BenchCase b;
  b.op = op;
  b.case_name = c.name;
  b.unit = WorkUnit::Byte;
  b.channels = c.transposed ? kernels::BatchNormShape{s.n, s.c_in, s.h_in * s.w_in}
                            : kernels::BatchNormShape{s.n, s.c_out, s.h_out * s.w_out};
  const int64_t n = b.channels.n * b.channels.c * b.channels.hw;
  b.work = float_bytes(op == Op::AddChannelBias ? 2 * n : n) + float_bytes(b.channels.c);
  return b;
}

// Batchnorm traffic counts x read once and the output written once (3 arrays
// for backward: dy and x read, dx written), plus the per-channel vectors; a
// kernel that reads x twice (statistics, then normalization) shows as a lower
// effective GB/s.
BenchCase batch_norm_row(Op op, const testing::BatchNormCase& c) {
  BenchCase b;
  b.op = op;
  b.case_name = c.name;
  b.unit = WorkUnit::Byte;
  b.channels = c.shape;
  const int64_t n = c.shape.n * c.shape.c * c.shape.hw;
  b.work = float_bytes(op == Op::BatchNormBackward ? 3 * n : 2 * n) + float_bytes(4 * c.shape.c);
  return b;
}

// Arrays of n floats each op must read or write at least once.
struct ElementwiseOp {
  Op op;
  int arrays;
};

constexpr ElementwiseOp kElementwiseOps[] = {
    {Op::Add, 3},                    // a, b read; out written
    {Op::Mul, 3},                    //
    {Op::Axpby, 3},                  // x, y read; out written
    {Op::ScaleShift, 2},             // x read; out written
    {Op::Fill, 1},                   // out written
    {Op::ClampForward, 2},           // x read; out written
    {Op::ClampBackward, 3},          // grad_out, x read; grad_in written
    {Op::BceForward, 2},             // p, target read; one scalar written
    {Op::BceBackward, 3},            // p, target read; grad written
    {Op::BceWithLogitsForward, 2},   //
    {Op::BceWithLogitsBackward, 3},  //
    {Op::MseForward, 2},             //
    {Op::MseBackward, 3},            //
    {Op::L1Forward, 2},              //
    {Op::L1Backward, 3},             //
    {Op::KlGaussianForward, 2},      // mu, logvar read
    {Op::KlGaussianBackward, 4},     // mu, logvar read; both gradients written
    {Op::Sum, 1},                    // in read
    {Op::RowSum, 1},                 // in read; one value per row written
    {Op::BroadcastRows, 1},          // out written; one value per row read
    {Op::CopyIntoColumns, 1},        // half the columns: half read, half written
    {Op::CopyFromColumns, 1},        //
    {Op::AdamStep, 7},               // param, exp_avg, exp_avg_sq, grad read; three written
    {Op::SgdStep, 5},                // param, momentum, grad read; two written
    {Op::RandomUniform, 1},          // out written
    {Op::RandomNormal, 1},           //
    {Op::DropoutMask, 1},            //
};

constexpr kernels::Activation kActivations[] = {
    kernels::Activation::Relu, kernels::Activation::LeakyRelu, kernels::Activation::Tanh,
    kernels::Activation::Sigmoid, kernels::Activation::Exp};

BenchCase elementwise_row(Op op, int arrays, const testing::ElementwiseCase& c) {
  BenchCase b;
  b.op = op;
  b.case_name = c.name;
  b.unit = WorkUnit::Byte;
  b.elements = c.n;
  b.work = float_bytes(arrays * c.n);
  return b;
}

std::string activation_name(kernels::Activation a) {
  switch (a) {
    case kernels::Activation::Relu:
      return "relu";
    case kernels::Activation::LeakyRelu:
      return "leaky_relu";
    case kernels::Activation::Tanh:
      return "tanh";
    case kernels::Activation::Sigmoid:
      return "sigmoid";
    case kernels::Activation::Exp:
      return "exp";
  }
  return "activation";
}

}  // namespace

std::string op_name(const BenchCase& c) {
  switch (c.op) {
    case Op::Conv2dForward:
      return "conv2d_forward";
    case Op::Conv2dBackwardInput:
      return "conv2d_backward_input";
    case Op::Conv2dBackwardWeight:
      return "conv2d_backward_weight";
    case Op::ConvTranspose2dForward:
      return "conv_transpose2d_forward";
    case Op::ConvTranspose2dBackwardInput:
      return "conv_transpose2d_backward_input";
    case Op::ConvTranspose2dBackwardWeight:
      return "conv_transpose2d_backward_weight";
    case Op::AddChannelBias:
      return "add_channel_bias";
    case Op::ChannelSum:
      return "channel_sum";
    case Op::BatchNormForwardTrain:
      return "batch_norm_forward_train";
    case Op::BatchNormForwardEval:
      return "batch_norm_forward_eval";
    case Op::BatchNormBackward:
      return "batch_norm_backward";
    case Op::Gemm:
      return "gemm";
    case Op::ActivationForward:
      return activation_name(c.activation) + "_forward";
    case Op::ActivationBackward:
      return activation_name(c.activation) + "_backward";
    case Op::Add:
      return "add";
    case Op::Mul:
      return "mul";
    case Op::Axpby:
      return "axpby";
    case Op::ScaleShift:
      return "scale_shift";
    case Op::Fill:
      return "fill";
    case Op::ClampForward:
      return "clamp_forward";
    case Op::ClampBackward:
      return "clamp_backward";
    case Op::BceForward:
      return "bce_forward";
    case Op::BceBackward:
      return "bce_backward";
    case Op::BceWithLogitsForward:
      return "bce_with_logits_forward";
    case Op::BceWithLogitsBackward:
      return "bce_with_logits_backward";
    case Op::MseForward:
      return "mse_forward";
    case Op::MseBackward:
      return "mse_backward";
    case Op::L1Forward:
      return "l1_forward";
    case Op::L1Backward:
      return "l1_backward";
    case Op::KlGaussianForward:
      return "kl_gaussian_forward";
    case Op::KlGaussianBackward:
      return "kl_gaussian_backward";
    case Op::Sum:
      return "sum";
    case Op::RowSum:
      return "row_sum";
    case Op::BroadcastRows:
      return "broadcast_rows";
    case Op::CopyIntoColumns:
      return "copy_into_columns";
    case Op::CopyFromColumns:
      return "copy_from_columns";
    case Op::AdamStep:
      return "adam_step";
    case Op::SgdStep:
      return "sgd_step";
    case Op::RandomUniform:
      return "random_uniform";
    case Op::RandomNormal:
      return "random_normal";
    case Op::DropoutMask:
      return "dropout_mask";
  }
  return "unknown";
}

OpFamily op_family(Op op) {
  switch (op) {
    case Op::Conv2dForward:
    case Op::Conv2dBackwardInput:
    case Op::Conv2dBackwardWeight:
    case Op::ConvTranspose2dForward:
    case Op::ConvTranspose2dBackwardInput:
    case Op::ConvTranspose2dBackwardWeight:
      return OpFamily::Conv;
    case Op::AddChannelBias:
    case Op::ChannelSum:
      return OpFamily::ChannelBias;
    case Op::BatchNormForwardTrain:
    case Op::BatchNormForwardEval:
    case Op::BatchNormBackward:
      return OpFamily::BatchNorm;
    case Op::Gemm:
      return OpFamily::Gemm;
    default:
      return OpFamily::Elementwise;
  }
}

std::vector<BenchCase> bench_cases() {
  std::vector<BenchCase> rows;
  for (const testing::ConvCase& c : testing::conv_cases()) {
    if (c.use != CaseUse::Speed) continue;
    if (c.transposed) {
      rows.push_back(conv_row(Op::ConvTranspose2dForward, c));
      rows.push_back(conv_row(Op::ConvTranspose2dBackwardInput, c));
      rows.push_back(conv_row(Op::ConvTranspose2dBackwardWeight, c));
    } else {
      rows.push_back(conv_row(Op::Conv2dForward, c));
      rows.push_back(conv_row(Op::Conv2dBackwardInput, c));
      rows.push_back(conv_row(Op::Conv2dBackwardWeight, c));
    }
    rows.push_back(bias_row(Op::AddChannelBias, c));
    rows.push_back(bias_row(Op::ChannelSum, c));
  }
  for (const testing::BatchNormCase& c : testing::batch_norm_cases()) {
    if (c.use != CaseUse::Speed) continue;
    for (Op op : {Op::BatchNormForwardTrain, Op::BatchNormForwardEval, Op::BatchNormBackward}) {
      rows.push_back(batch_norm_row(op, c));
    }
  }
  for (const testing::GemmCase& c : testing::gemm_cases()) {
    if (c.use != CaseUse::Speed) continue;
    BenchCase b;
    b.op = Op::Gemm;
    b.case_name = c.name;
    b.unit = WorkUnit::Flop;
    b.work = 2.0 * static_cast<double>(c.m) * static_cast<double>(c.n) * static_cast<double>(c.k);
    b.gemm = GemmShape{c.m, c.n, c.k, c.trans_a, c.trans_b};
    rows.push_back(b);
  }
  for (const testing::ElementwiseCase& c : testing::elementwise_cases()) {
    if (c.use != CaseUse::Speed) continue;
    for (kernels::Activation a : kActivations) {
      BenchCase forward = elementwise_row(Op::ActivationForward, 2, c);  // x read, y written
      forward.activation = a;
      rows.push_back(forward);
      // grad_out and x (or y) read, grad_in written.
      BenchCase backward = elementwise_row(Op::ActivationBackward, 3, c);
      backward.activation = a;
      rows.push_back(backward);
    }
    // The two-dimensional views need whole rows.
    const bool whole_rows = c.n % (2 * kElementwiseRows) == 0;
    for (const ElementwiseOp& e : kElementwiseOps) {
      const bool two_dimensional =
          e.op == Op::KlGaussianForward || e.op == Op::KlGaussianBackward || e.op == Op::RowSum ||
          e.op == Op::BroadcastRows || e.op == Op::CopyIntoColumns || e.op == Op::CopyFromColumns;
      if (two_dimensional && !whole_rows) continue;
      rows.push_back(elementwise_row(e.op, e.arrays, c));
    }
  }
  return rows;
}

}  // namespace nova::bench
