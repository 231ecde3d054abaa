// "cudnn": cuDNN on the ops it has, the reference for nova_cuda there: conv
// forward, backward-data (also a transposed conv's forward) and
// backward-filter with the fastest FP32 algorithm cudnnFind* reports among the
// CUDNN_FMA_MATH ones (no TF32), bias add and bias gradient, batchnorm
// (CUDNN_BATCHNORM_SPATIAL) and the ReLU, tanh and sigmoid activations.
// Descriptors, algorithm and workspace are set up once per case, outside the
// timed call. Compiled only when the build found cuDNN.
#include <cudnn.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "benchmarks/kernels/buffers.h"
#include "benchmarks/kernels/implementation.h"
#include "benchmarks/kernels/op_arrays.h"
#include "tests/support/cudnn_calls.h"

namespace nova::bench {
namespace {

using testing::cudnn_calls::cudnn_handle;
using testing::cudnn_calls::CudnnBatchNorm;
using testing::cudnn_calls::CudnnConv;
using testing::cudnn_calls::CudnnTensor;
using testing::cudnn_calls::CudnnWorkspace;

constexpr float kOne = 1.0f, kZero = 0.0f;

// A conv algorithm picked for the timed calls, with the workspace it needs.
template <typename Algo>
struct ChosenAlgorithm {
  Algo algo;
  std::shared_ptr<CudnnWorkspace> workspace;
};

// The first (fastest) successful full-FP32 result of `find`, a cudnnFind*
// call given room for `most` results: find(most, &count, results).
template <typename Perf, typename Find>
auto fastest_fp32(int most, const char* what, Find find) {
  std::vector<Perf> perf(static_cast<size_t>(most));
  int count = 0;
  find(most, &count, perf.data());
  for (int i = 0; i < count; ++i) {
    if (perf[i].status == CUDNN_STATUS_SUCCESS && perf[i].mathType == CUDNN_FMA_MATH) {
      return ChosenAlgorithm<decltype(perf[i].algo)>{
          perf[i].algo, std::make_shared<CudnnWorkspace>(perf[i].memory)};
    }
  }
  throw std::runtime_error(std::string("cuDNN has no FP32 (CUDNN_FMA_MATH) algorithm for ") + what);
}

Call prepare_conv(const BenchCase& c) {
  const kernels::ConvShape s = c.conv;
  auto buffers = make_buffers(Backend::Cuda);
  BufferSet& b = *buffers;
  auto d = std::make_shared<CudnnConv>(s);
  cudnnHandle_t h = cudnn_handle();
  switch (c.op) {
    case Op::Conv2dForward:
    case Op::ConvTranspose2dBackwardInput: {
      const ConvForwardArrays a = conv_forward_arrays(b, s);
      const auto best = fastest_fp32<cudnnConvolutionFwdAlgoPerf_t>(
          CUDNN_CONVOLUTION_FWD_ALGO_COUNT, "conv forward", [&](int most, int* count, auto* perf) {
            NOVA_CUDNN_CHECK(cudnnFindConvolutionForwardAlgorithm(h, d->x.desc, d->w, d->conv,
                                                                  d->y.desc, most, count, perf));
          });
      return keeping(buffers, [=] {
        NOVA_CUDNN_CHECK(cudnnConvolutionForward(h, &kOne, d->x.desc, a.in, d->w, a.weight, d->conv,
                                                 best.algo, best.workspace->ptr,
                                                 best.workspace->bytes, &kZero, d->y.desc, a.out));
      });
    }
    case Op::Conv2dBackwardInput:
    case Op::ConvTranspose2dForward: {
      const ConvBackwardInputArrays a = conv_backward_input_arrays(b, s);
      const auto best = fastest_fp32<cudnnConvolutionBwdDataAlgoPerf_t>(
          CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, "conv backward data",
          [&](int most, int* count, auto* perf) {
            NOVA_CUDNN_CHECK(cudnnFindConvolutionBackwardDataAlgorithm(
                h, d->w, d->y.desc, d->conv, d->x.desc, most, count, perf));
          });
      return keeping(buffers, [=] {
        NOVA_CUDNN_CHECK(cudnnConvolutionBackwardData(
            h, &kOne, d->w, a.weight, d->y.desc, a.grad_out, d->conv, best.algo,
            best.workspace->ptr, best.workspace->bytes, &kZero, d->x.desc, a.grad_in));
      });
    }
    case Op::Conv2dBackwardWeight:
    case Op::ConvTranspose2dBackwardWeight: {
      const ConvBackwardWeightArrays a = conv_backward_weight_arrays(b, s);
      const auto best = fastest_fp32<cudnnConvolutionBwdFilterAlgoPerf_t>(
          CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, "conv backward filter",
          [&](int most, int* count, auto* perf) {
            NOVA_CUDNN_CHECK(cudnnFindConvolutionBackwardFilterAlgorithm(
                h, d->x.desc, d->y.desc, d->conv, d->w, most, count, perf));
          });
      return keeping(buffers, [=] {
        NOVA_CUDNN_CHECK(cudnnConvolutionBackwardFilter(
            h, &kOne, d->x.desc, a.in, d->y.desc, a.grad_out, d->conv, best.algo,
            best.workspace->ptr, best.workspace->bytes, &kZero, d->w, a.grad_weight));
      });
    }
    default:
      return {};
  }
}

// The bias of a layer with output (n, c, hw), viewed as the 4-d (n, c, hw, 1),
// and the per-channel (1, c, 1, 1).
Call prepare_bias(const BenchCase& c) {
  const kernels::BatchNormShape s = c.channels;
  auto buffers = make_buffers(Backend::Cuda);
  cudnnHandle_t h = cudnn_handle();
  auto x = std::make_shared<CudnnTensor>(s.n, s.c, s.hw, 1);
  auto per_channel = std::make_shared<CudnnTensor>(1, s.c, 1, 1);
  if (c.op == Op::AddChannelBias) {
    const AddChannelBiasArrays a = add_channel_bias_arrays(*buffers, s);
    return keeping(buffers, [=] {
      NOVA_CUDNN_CHECK(cudnnAddTensor(h, &kOne, per_channel->desc, a.bias, &kOne, x->desc, a.out));
    });
  }
  const ChannelSumArrays a = channel_sum_arrays(*buffers, s);
  return keeping(buffers, [=] {
    NOVA_CUDNN_CHECK(cudnnConvolutionBackwardBias(h, &kOne, x->desc, a.grad_out, &kZero,
                                                  per_channel->desc, a.grad_bias));
  });
}

// Training-mode batchnorm of the inputs into `out`, saving mean and invstd;
// the running statistics are updated unless null.
void batch_norm_forward_train(cudnnHandle_t h, const CudnnBatchNorm& bn, float* out,
                              const BatchNormInputs& x, float* running_mean, float* running_var,
                              float* mean, float* invstd) {
  NOVA_CUDNN_CHECK(cudnnBatchNormalizationForwardTraining(
      h, CUDNN_BATCHNORM_SPATIAL, &kOne, &kZero, bn.x.desc, x.in, bn.x.desc, out, bn.param, x.gamma,
      x.beta, kBatchNormMomentum, running_mean, running_var, kBatchNormEps, mean, invstd));
}

Call prepare_batch_norm(const BenchCase& c) {
  const kernels::BatchNormShape s = c.channels;
  auto buffers = make_buffers(Backend::Cuda);
  BufferSet& b = *buffers;
  cudnnHandle_t h = cudnn_handle();
  auto bn = std::make_shared<CudnnBatchNorm>(s);
  switch (c.op) {
    case Op::BatchNormForwardTrain: {
      const BatchNormForwardTrainArrays a = batch_norm_forward_train_arrays(b, s);
      return keeping(buffers, [=] {
        batch_norm_forward_train(h, *bn, a.out, a.inputs, a.running_mean, a.running_var, a.mean,
                                 a.invstd);
      });
    }
    case Op::BatchNormForwardEval: {
      const BatchNormForwardEvalArrays a = batch_norm_forward_eval_arrays(b, s);
      return keeping(buffers, [=] {
        NOVA_CUDNN_CHECK(cudnnBatchNormalizationForwardInference(
            h, CUDNN_BATCHNORM_SPATIAL, &kOne, &kZero, bn->x.desc, a.inputs.in, bn->x.desc, a.out,
            bn->param, a.inputs.gamma, a.inputs.beta, a.running_mean, a.running_var,
            kBatchNormEps));
      });
    }
    case Op::BatchNormBackward: {
      const BatchNormBackwardArrays a = batch_norm_backward_arrays(b, s);
      batch_norm_forward_train(h, *bn, a.grad_in, a.inputs, nullptr, nullptr, a.mean, a.invstd);
      return keeping(buffers, [=] {
        NOVA_CUDNN_CHECK(cudnnBatchNormalizationBackward(
            h, CUDNN_BATCHNORM_SPATIAL, &kOne, &kZero, &kOne, &kZero, bn->x.desc, a.inputs.in,
            bn->x.desc, a.grad_out, bn->x.desc, a.grad_in, bn->param, a.inputs.gamma, a.grad_gamma,
            a.grad_beta, kBatchNormEps, a.mean, a.invstd));
      });
    }
    default:
      return {};
  }
}

// cuDNN's activations with a PyTorch counterpart here; it has no leaky ReLU or exp.
bool cudnn_activation_mode(kernels::Activation a, cudnnActivationMode_t& mode) {
  switch (a) {
    case kernels::Activation::Relu:
      mode = CUDNN_ACTIVATION_RELU;
      return true;
    case kernels::Activation::Tanh:
      mode = CUDNN_ACTIVATION_TANH;
      return true;
    case kernels::Activation::Sigmoid:
      mode = CUDNN_ACTIVATION_SIGMOID;
      return true;
    default:
      return false;
  }
}

struct CudnnActivation {
  cudnnActivationDescriptor_t desc = nullptr;
  explicit CudnnActivation(cudnnActivationMode_t mode) {
    NOVA_CUDNN_CHECK(cudnnCreateActivationDescriptor(&desc));
    NOVA_CUDNN_CHECK(cudnnSetActivationDescriptor(desc, mode, CUDNN_PROPAGATE_NAN, 0.0));
  }
  ~CudnnActivation() { cudnnDestroyActivationDescriptor(desc); }
  CudnnActivation(const CudnnActivation&) = delete;
  CudnnActivation& operator=(const CudnnActivation&) = delete;
};

Call prepare_activation(const BenchCase& c) {
  cudnnActivationMode_t mode;
  if (!cudnn_activation_mode(c.activation, mode)) return {};
  const int64_t n = c.elements;
  auto buffers = make_buffers(Backend::Cuda);
  cudnnHandle_t h = cudnn_handle();
  auto activation = std::make_shared<CudnnActivation>(mode);
  auto t = std::make_shared<CudnnTensor>(1, 1, 1, n);  // a flat array
  if (c.op == Op::ActivationForward) {
    const ActivationForwardArrays a = activation_forward_arrays(*buffers, n);
    return keeping(buffers, [=] {
      NOVA_CUDNN_CHECK(cudnnActivationForward(h, activation->desc, &kOne, t->desc, a.in, &kZero,
                                              t->desc, a.out));
    });
  }
  const ActivationBackwardArrays a = activation_backward_arrays(*buffers, n);
  return keeping(buffers, [=] {
    NOVA_CUDNN_CHECK(cudnnActivationBackward(h, activation->desc, &kOne, t->desc, a.out, t->desc,
                                             a.grad_out, t->desc, a.in, &kZero, t->desc,
                                             a.grad_in));
  });
}

Call prepare_cudnn(const BenchCase& c) {
  switch (op_family(c.op)) {
    case OpFamily::Conv:
      return prepare_conv(c);
    case OpFamily::ChannelBias:
      return prepare_bias(c);
    case OpFamily::BatchNorm:
      return prepare_batch_norm(c);
    case OpFamily::Elementwise:
      return c.op == Op::ActivationForward || c.op == Op::ActivationBackward ? prepare_activation(c)
                                                                             : Call{};
    case OpFamily::Gemm:
      return {};  // timed by the cublas implementation
  }
  return {};
}

}  // namespace

void add_cudnn_implementation(std::vector<Implementation>& out) {
  out.push_back({"cudnn", Backend::Cuda, true,
                 "cuDNN " + std::to_string(cudnnGetVersion()) +
                     ", FP32 (CUDNN_FMA_MATH, no TF32), fastest algorithm by cudnnFind*",
                 prepare_cudnn});
}

}  // namespace nova::bench
