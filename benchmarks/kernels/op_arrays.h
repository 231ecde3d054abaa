// The arrays of the ops that more than one implementation times (Nova's CPU
// and CUDA kernels, cuDNN, cuBLAS), each set allocated in one order from a
// BufferSet so that every implementation of an op runs on the same inputs;
// and the layer settings the models use.
#pragma once

#include "benchmarks/kernels/bench_case.h"
#include "benchmarks/kernels/buffers.h"
#include "kernels/common/shapes.h"

namespace nova::bench {

// Settings of the models' layers (OCGAN): leaky ReLU slope 0.2, batchnorm
// momentum 0.1 and eps 1e-5. Doubles because cuDNN takes them so and rejects
// an eps below 1e-5, which the float 1e-5f is.
constexpr double kLeakySlope = 0.2, kBatchNormMomentum = 0.1, kBatchNormEps = 1e-5;

// In each set the written arrays start as zeros (or random when the kernel
// updates them in place) and the read ones are random.

struct ConvForwardArrays {
  float* out;
  const float* in;
  const float* weight;
};
ConvForwardArrays conv_forward_arrays(BufferSet& b, const kernels::ConvShape& s);

struct ConvBackwardInputArrays {
  float* grad_in;
  const float* grad_out;
  const float* weight;
};
ConvBackwardInputArrays conv_backward_input_arrays(BufferSet& b, const kernels::ConvShape& s);

struct ConvBackwardWeightArrays {
  float* grad_weight;
  const float* grad_out;
  const float* in;
};
ConvBackwardWeightArrays conv_backward_weight_arrays(BufferSet& b, const kernels::ConvShape& s);

struct AddChannelBiasArrays {
  float* out;  // updated in place
  const float* bias;
};
AddChannelBiasArrays add_channel_bias_arrays(BufferSet& b, const kernels::BatchNormShape& s);

struct ChannelSumArrays {
  float* grad_bias;
  const float* grad_out;
};
ChannelSumArrays channel_sum_arrays(BufferSet& b, const kernels::BatchNormShape& s);

// What each batchnorm op reads: x and the affine parameters.
struct BatchNormInputs {
  const float* in;
  const float* gamma;
  const float* beta;
};

struct BatchNormForwardTrainArrays {
  float* out;
  float* mean;
  float* invstd;
  float* running_mean;
  float* running_var;  // starts as ones, as in a new layer
  BatchNormInputs inputs;
};
BatchNormForwardTrainArrays batch_norm_forward_train_arrays(BufferSet& b,
                                                            const kernels::BatchNormShape& s);

struct BatchNormForwardEvalArrays {
  float* out;
  BatchNormInputs inputs;
  const float* running_mean;
  const float* running_var;
};
BatchNormForwardEvalArrays batch_norm_forward_eval_arrays(BufferSet& b,
                                                          const kernels::BatchNormShape& s);

// The saved statistics (mean, invstd) are zeros here: each implementation
// fills them with its own forward pass over the inputs, writing that pass's
// output into grad_in, which the timed call overwrites.
struct BatchNormBackwardArrays {
  float* grad_in;
  float* grad_gamma;
  float* grad_beta;
  const float* grad_out;
  BatchNormInputs inputs;
  float* mean;
  float* invstd;
};
BatchNormBackwardArrays batch_norm_backward_arrays(BufferSet& b, const kernels::BatchNormShape& s);

// Row-major out (m, n) = op(a) op(b).
struct GemmArrays {
  float* out;
  const float* a;
  const float* b;
};
GemmArrays gemm_arrays(BufferSet& b, const GemmShape& g);

struct ActivationForwardArrays {
  float* out;
  const float* in;
};
ActivationForwardArrays activation_forward_arrays(BufferSet& b, int64_t n);

// `in` is x and `out` activation(x), the two a backward kernel may read.
struct ActivationBackwardArrays {
  float* grad_in;
  const float* grad_out;
  const float* in;
  const float* out;
};
ActivationBackwardArrays activation_backward_arrays(BufferSet& b, int64_t n);

}  // namespace nova::bench
