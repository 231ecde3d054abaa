// cuDNN as a second, independent reference for the CUDA conv and batchnorm
// kernels (only when the build found cuDNN: NOVA_WITH_CUDNN=1). Convolutions
// run in full FP32 (CUDNN_FMA_MATH: no TF32 tensor cores), cross-correlation
// like PyTorch, on the runtime's one stream. Every pointer is a device pointer.
#pragma once

#if defined(NOVA_WITH_CUDNN) && NOVA_WITH_CUDNN

#include <cudnn.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/common/shapes.h"
#include "tests/support/cudnn_calls.h"

namespace nova::testing::cuda {

using cudnn_calls::cudnn_handle;
using cudnn_calls::CudnnBatchNorm;
using cudnn_calls::CudnnConv;
using cudnn_calls::CudnnWorkspace;

// out = conv(in, weight)
inline void cudnn_conv_forward(float* out, const float* in, const float* weight,
                               const kernels::ConvShape& s) {
  CudnnConv d(s);
  cudnnHandle_t h = cudnn_handle();
  cudnnConvolutionFwdAlgo_t algo = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM;
  size_t bytes = 0;
  if (cudnnGetConvolutionForwardWorkspaceSize(h, d.x.desc, d.w, d.conv, d.y.desc, algo, &bytes) !=
      CUDNN_STATUS_SUCCESS) {
    cudnnConvolutionFwdAlgoPerf_t perf[8];
    int count = 0;
    NOVA_CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(h, d.x.desc, d.w, d.conv, d.y.desc, 8,
                                                            &count, perf));
    for (int i = count - 1; i >= 0; --i) {
      if (perf[i].status == CUDNN_STATUS_SUCCESS && perf[i].mathType == CUDNN_FMA_MATH) {
        algo = perf[i].algo;
      }
    }
    NOVA_CUDNN_CHECK(
        cudnnGetConvolutionForwardWorkspaceSize(h, d.x.desc, d.w, d.conv, d.y.desc, algo, &bytes));
  }
  CudnnWorkspace ws(bytes);
  const float one = 1.0f, zero = 0.0f;
  NOVA_CUDNN_CHECK(cudnnConvolutionForward(h, &one, d.x.desc, in, d.w, weight, d.conv, algo, ws.ptr,
                                           ws.bytes, &zero, d.y.desc, out));
}

// grad_in = conv^T(grad_out, weight): also a transposed conv's forward.
inline void cudnn_conv_backward_data(float* grad_in, const float* grad_out, const float* weight,
                                     const kernels::ConvShape& s) {
  CudnnConv d(s);
  cudnnHandle_t h = cudnn_handle();
  cudnnConvolutionBwdDataAlgo_t algo = CUDNN_CONVOLUTION_BWD_DATA_ALGO_1;
  size_t bytes = 0;
  if (cudnnGetConvolutionBackwardDataWorkspaceSize(h, d.w, d.y.desc, d.conv, d.x.desc, algo,
                                                   &bytes) != CUDNN_STATUS_SUCCESS) {
    cudnnConvolutionBwdDataAlgoPerf_t perf[8];
    int count = 0;
    NOVA_CUDNN_CHECK(cudnnGetConvolutionBackwardDataAlgorithm_v7(h, d.w, d.y.desc, d.conv, d.x.desc,
                                                                 8, &count, perf));
    for (int i = count - 1; i >= 0; --i) {
      if (perf[i].status == CUDNN_STATUS_SUCCESS && perf[i].mathType == CUDNN_FMA_MATH) {
        algo = perf[i].algo;
      }
    }
    NOVA_CUDNN_CHECK(cudnnGetConvolutionBackwardDataWorkspaceSize(h, d.w, d.y.desc, d.conv,
                                                                  d.x.desc, algo, &bytes));
  }
  CudnnWorkspace ws(bytes);
  const float one = 1.0f, zero = 0.0f;
  NOVA_CUDNN_CHECK(cudnnConvolutionBackwardData(h, &one, d.w, weight, d.y.desc, grad_out, d.conv,
                                                algo, ws.ptr, ws.bytes, &zero, d.x.desc, grad_in));
}

// grad_weight = sum over the batch of grad_out (x) im2col(in)
inline void cudnn_conv_backward_filter(float* grad_weight, const float* grad_out, const float* in,
                                       const kernels::ConvShape& s) {
  CudnnConv d(s);
  cudnnHandle_t h = cudnn_handle();
  cudnnConvolutionBwdFilterAlgo_t algo = CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1;
  size_t bytes = 0;
  if (cudnnGetConvolutionBackwardFilterWorkspaceSize(h, d.x.desc, d.y.desc, d.conv, d.w, algo,
                                                     &bytes) != CUDNN_STATUS_SUCCESS) {
    cudnnConvolutionBwdFilterAlgoPerf_t perf[8];
    int count = 0;
    NOVA_CUDNN_CHECK(cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, d.x.desc, d.y.desc, d.conv,
                                                                   d.w, 8, &count, perf));
    for (int i = count - 1; i >= 0; --i) {
      if (perf[i].status == CUDNN_STATUS_SUCCESS && perf[i].mathType == CUDNN_FMA_MATH) {
        algo = perf[i].algo;
      }
    }
    NOVA_CUDNN_CHECK(cudnnGetConvolutionBackwardFilterWorkspaceSize(h, d.x.desc, d.y.desc, d.conv,
                                                                    d.w, algo, &bytes));
  }
  CudnnWorkspace ws(bytes);
  const float one = 1.0f, zero = 0.0f;
  NOVA_CUDNN_CHECK(cudnnConvolutionBackwardFilter(h, &one, d.x.desc, in, d.y.desc, grad_out, d.conv,
                                                  algo, ws.ptr, ws.bytes, &zero, d.w, grad_weight));
}

inline void cudnn_batch_norm_forward_train(float* out, float* save_mean, float* save_invstd,
                                           float* running_mean, float* running_var, const float* in,
                                           const float* gamma, const float* beta,
                                           const kernels::BatchNormShape& s, double momentum,
                                           double eps) {
  CudnnBatchNorm d(s);
  const float one = 1.0f, zero = 0.0f;
  NOVA_CUDNN_CHECK(cudnnBatchNormalizationForwardTraining(
      cudnn_handle(), CUDNN_BATCHNORM_SPATIAL, &one, &zero, d.x.desc, in, d.x.desc, out, d.param,
      gamma, beta, momentum, running_mean, running_var, eps, save_mean, save_invstd));
}

inline void cudnn_batch_norm_backward(float* grad_in, float* grad_gamma, float* grad_beta,
                                      const float* grad_out, const float* in, const float* gamma,
                                      const float* save_mean, const float* save_invstd,
                                      const kernels::BatchNormShape& s, double eps) {
  CudnnBatchNorm d(s);
  const float one = 1.0f, zero = 0.0f;
  NOVA_CUDNN_CHECK(cudnnBatchNormalizationBackward(
      cudnn_handle(), CUDNN_BATCHNORM_SPATIAL, &one, &zero, &one, &zero, d.x.desc, in, d.x.desc,
      grad_out, d.x.desc, grad_in, d.param, gamma, grad_gamma, grad_beta, eps, save_mean,
      save_invstd));
}

}  // namespace nova::testing::cuda

#endif  // NOVA_WITH_CUDNN
