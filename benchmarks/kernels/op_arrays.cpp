#include "benchmarks/kernels/op_arrays.h"

// The arrays are allocated in member order (a braced list is evaluated left to
// right), and each random one draws the next seed of its BufferSet.
namespace nova::bench {

ConvForwardArrays conv_forward_arrays(BufferSet& b, const kernels::ConvShape& s) {
  return {b.zeros(conv_output_elements(s)), b.random(conv_input_elements(s)),
          b.random(conv_weight_elements(s))};
}

ConvBackwardInputArrays conv_backward_input_arrays(BufferSet& b, const kernels::ConvShape& s) {
  return {b.zeros(conv_input_elements(s)), b.random(conv_output_elements(s)),
          b.random(conv_weight_elements(s))};
}

ConvBackwardWeightArrays conv_backward_weight_arrays(BufferSet& b, const kernels::ConvShape& s) {
  return {b.zeros(conv_weight_elements(s)), b.random(conv_output_elements(s)),
          b.random(conv_input_elements(s))};
}

AddChannelBiasArrays add_channel_bias_arrays(BufferSet& b, const kernels::BatchNormShape& s) {
  return {b.random(channel_elements(s)), b.random(s.c)};
}

ChannelSumArrays channel_sum_arrays(BufferSet& b, const kernels::BatchNormShape& s) {
  return {b.zeros(s.c), b.random(channel_elements(s))};
}

namespace {

BatchNormInputs batch_norm_inputs(BufferSet& b, const kernels::BatchNormShape& s) {
  return {b.random(channel_elements(s)), b.random(s.c, 0.5f, 1.5f), b.random(s.c)};
}

}  // namespace

BatchNormForwardTrainArrays batch_norm_forward_train_arrays(BufferSet& b,
                                                            const kernels::BatchNormShape& s) {
  return {b.zeros(channel_elements(s)),  // out
          b.zeros(s.c),                  // mean
          b.zeros(s.c),                  // invstd
          b.zeros(s.c),                  // running_mean
          b.filled(s.c, 1.0f),           // running_var
          batch_norm_inputs(b, s)};
}

BatchNormForwardEvalArrays batch_norm_forward_eval_arrays(BufferSet& b,
                                                          const kernels::BatchNormShape& s) {
  return {b.zeros(channel_elements(s)), batch_norm_inputs(b, s), b.random(s.c),
          b.random(s.c, 0.5f, 1.5f)};
}

BatchNormBackwardArrays batch_norm_backward_arrays(BufferSet& b, const kernels::BatchNormShape& s) {
  return {b.zeros(channel_elements(s)),   // grad_in
          b.zeros(s.c),                   // grad_gamma
          b.zeros(s.c),                   // grad_beta
          b.random(channel_elements(s)),  // grad_out
          batch_norm_inputs(b, s),        // inputs
          b.zeros(s.c),                   // mean
          b.zeros(s.c)};                  // invstd
}

GemmArrays gemm_arrays(BufferSet& b, const GemmShape& g) {
  return {b.zeros(g.m * g.n), b.random(g.m * g.k), b.random(g.k * g.n)};
}

ActivationForwardArrays activation_forward_arrays(BufferSet& b, int64_t n) {
  return {b.zeros(n), b.random(n)};
}

ActivationBackwardArrays activation_backward_arrays(BufferSet& b, int64_t n) {
  return {b.zeros(n), b.random(n), b.random(n), b.random(n, 0.0f, 1.0f)};
}

}  // namespace nova::bench
