// Nova's kernel calls on each op's arrays, written once for both backends.
// prepare_nova_call is a template over a kernel set: a struct with the
// Backend its arrays live on (`backend`) and one static forwarder per kernel
// of NOVA_BENCH_FOR_EACH_KERNEL, taking the CPU kernel's arguments. The CPU
// set (cpu_implementations.cpp) forwards to kernels::cpu in float, the CUDA
// set (cuda_implementations.cpp) to kernels::cuda, whose kernels are the CPU
// ones' float twins with the stream as a last argument.
#pragma once

#include "benchmarks/kernels/bench_case.h"
#include "benchmarks/kernels/buffers.h"
#include "benchmarks/kernels/implementation.h"
#include "benchmarks/kernels/nova_elementwise_calls.h"
#include "benchmarks/kernels/op_arrays.h"

namespace nova::bench {

// Every kernel prepare_nova_call calls: X(name) for each.
#define NOVA_BENCH_FOR_EACH_KERNEL(X) \
  X(conv2d_forward)                   \
  X(conv2d_backward_input)            \
  X(conv2d_backward_weight)           \
  X(add_channel_bias)                 \
  X(channel_sum)                      \
  X(batch_norm_forward_train)         \
  X(batch_norm_forward_eval)          \
  X(batch_norm_backward)              \
  X(gemm)                             \
  X(activation_forward)               \
  X(activation_backward)              \
  X(binary)                           \
  X(axpby)                            \
  X(scale_shift)                      \
  X(fill)                             \
  X(clamp_forward)                    \
  X(clamp_backward)                   \
  X(bce_forward)                      \
  X(bce_backward)                     \
  X(bce_logits_forward)               \
  X(bce_logits_backward)              \
  X(mse_forward)                      \
  X(mse_backward)                     \
  X(l1_forward)                       \
  X(l1_backward)                      \
  X(kl_gaussian_forward)              \
  X(kl_gaussian_backward)             \
  X(sum)                              \
  X(row_sum)                          \
  X(broadcast_rows)                   \
  X(copy_into_columns)                \
  X(copy_from_columns)                \
  X(adam_step)                        \
  X(sgd_step)                         \
  X(random_uniform)                   \
  X(random_normal)                    \
  X(dropout_mask)

template <typename Kernels>
Call prepare_nova_conv(const BenchCase& c) {
  auto buffers = make_buffers(Kernels::backend);
  BufferSet& b = *buffers;
  const kernels::ConvShape s = c.conv;
  switch (c.op) {
    // A transposed conv's input gradient is the forward conv of its adjoint.
    case Op::Conv2dForward:
    case Op::ConvTranspose2dBackwardInput: {
      const ConvForwardArrays a = conv_forward_arrays(b, s);
      return keeping(buffers, [=] { Kernels::conv2d_forward(a.out, a.in, a.weight, s); });
    }
    // A transposed conv's forward is the backward-data of its adjoint.
    case Op::Conv2dBackwardInput:
    case Op::ConvTranspose2dForward: {
      const ConvBackwardInputArrays a = conv_backward_input_arrays(b, s);
      return keeping(buffers,
                     [=] { Kernels::conv2d_backward_input(a.grad_in, a.grad_out, a.weight, s); });
    }
    // For a transposed conv, grad_out is its input and `in` its output gradient.
    case Op::Conv2dBackwardWeight:
    case Op::ConvTranspose2dBackwardWeight: {
      const ConvBackwardWeightArrays a = conv_backward_weight_arrays(b, s);
      return keeping(buffers,
                     [=] { Kernels::conv2d_backward_weight(a.grad_weight, a.grad_out, a.in, s); });
    }
    default:
      return {};
  }
}

// The bias ops and batchnorm: arrays of (n, c, hw) and per-channel vectors.
template <typename Kernels>
Call prepare_nova_channels(const BenchCase& c) {
  auto buffers = make_buffers(Kernels::backend);
  BufferSet& b = *buffers;
  const kernels::BatchNormShape s = c.channels;
  const float momentum = static_cast<float>(kBatchNormMomentum);
  const float eps = static_cast<float>(kBatchNormEps);
  switch (c.op) {
    case Op::AddChannelBias: {
      const AddChannelBiasArrays a = add_channel_bias_arrays(b, s);
      return keeping(buffers, [=] { Kernels::add_channel_bias(a.out, a.bias, s.n, s.c, s.hw); });
    }
    case Op::ChannelSum: {
      const ChannelSumArrays a = channel_sum_arrays(b, s);
      return keeping(buffers,
                     [=] { Kernels::channel_sum(a.grad_bias, a.grad_out, s.n, s.c, s.hw); });
    }
    case Op::BatchNormForwardTrain: {
      const BatchNormForwardTrainArrays a = batch_norm_forward_train_arrays(b, s);
      return keeping(buffers, [=] {
        Kernels::batch_norm_forward_train(a.out, a.mean, a.invstd, a.running_mean, a.running_var,
                                          a.inputs.in, a.inputs.gamma, a.inputs.beta, s, momentum,
                                          eps);
      });
    }
    case Op::BatchNormForwardEval: {
      const BatchNormForwardEvalArrays a = batch_norm_forward_eval_arrays(b, s);
      return keeping(buffers, [=] {
        Kernels::batch_norm_forward_eval(a.out, a.inputs.in, a.inputs.gamma, a.inputs.beta,
                                         a.running_mean, a.running_var, s, eps);
      });
    }
    case Op::BatchNormBackward: {
      const BatchNormBackwardArrays a = batch_norm_backward_arrays(b, s);
      // No running statistics to update: this pass only saves mean and invstd.
      Kernels::batch_norm_forward_train(a.grad_in, a.mean, a.invstd, nullptr, nullptr, a.inputs.in,
                                        a.inputs.gamma, a.inputs.beta, s, momentum, eps);
      return keeping(buffers, [=] {
        Kernels::batch_norm_backward(a.grad_in, a.grad_gamma, a.grad_beta, a.grad_out, a.inputs.in,
                                     a.inputs.gamma, a.mean, a.invstd, s, true);
      });
    }
    default:
      return {};
  }
}

template <typename Kernels>
Call prepare_nova_gemm(const BenchCase& c) {
  auto buffers = make_buffers(Kernels::backend);
  const GemmShape g = c.gemm;
  const GemmArrays a = gemm_arrays(*buffers, g);
  return keeping(buffers, [=] {
    Kernels::gemm(a.out, a.a, a.b, g.m, g.n, g.k, g.trans_a, g.trans_b, 1.0f, 0.0f);
  });
}

// The call of Kernels' kernel for the op on the case's prepared arrays.
template <typename Kernels>
Call prepare_nova_call(const BenchCase& c) {
  switch (op_family(c.op)) {
    case OpFamily::Conv:
      return prepare_nova_conv<Kernels>(c);
    case OpFamily::ChannelBias:
    case OpFamily::BatchNorm:
      return prepare_nova_channels<Kernels>(c);
    case OpFamily::Gemm:
      return prepare_nova_gemm<Kernels>(c);
    case OpFamily::Elementwise:
      return prepare_nova_elementwise<Kernels>(c);
  }
  return {};
}

}  // namespace nova::bench
