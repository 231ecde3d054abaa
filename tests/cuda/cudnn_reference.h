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
#include "tests/cuda/cuda_test_util.h"

namespace nova::testing::cuda {

inline void check_cudnn(cudnnStatus_t status, const char* expr, int line) {
  if (status == CUDNN_STATUS_SUCCESS) return;
  throw std::runtime_error(std::string("cuDNN error ") + cudnnGetErrorString(status) + " in " +
                           expr + " at " + __FILE__ + ":" + std::to_string(line));
}

#define NOVA_CUDNN_CHECK(expr) ::nova::testing::cuda::check_cudnn((expr), #expr, __LINE__)

inline cudnnHandle_t cudnn_handle() {
  static cudnnHandle_t handle = [] {
    cudnnHandle_t h = nullptr;
    NOVA_CUDNN_CHECK(cudnnCreate(&h));
    return h;
  }();
  NOVA_CUDNN_CHECK(cudnnSetStream(handle, stream()));
  return handle;
}

struct CudnnTensor {
  cudnnTensorDescriptor_t desc = nullptr;
  CudnnTensor(int64_t n, int64_t c, int64_t h, int64_t w) {
    NOVA_CUDNN_CHECK(cudnnCreateTensorDescriptor(&desc));
    NOVA_CUDNN_CHECK(cudnnSetTensor4dDescriptor(desc, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT,
                                                static_cast<int>(n), static_cast<int>(c),
                                                static_cast<int>(h), static_cast<int>(w)));
  }
  ~CudnnTensor() { cudnnDestroyTensorDescriptor(desc); }
  CudnnTensor(const CudnnTensor&) = delete;
  CudnnTensor& operator=(const CudnnTensor&) = delete;
};

// The descriptors of one convolution geometry.
struct CudnnConv {
  CudnnTensor x, y;
  cudnnFilterDescriptor_t w = nullptr;
  cudnnConvolutionDescriptor_t conv = nullptr;

  explicit CudnnConv(const kernels::ConvShape& s)
      : x(s.n, s.c_in, s.h_in, s.w_in), y(s.n, s.c_out, s.h_out, s.w_out) {
    NOVA_CUDNN_CHECK(cudnnCreateFilterDescriptor(&w));
    NOVA_CUDNN_CHECK(cudnnSetFilter4dDescriptor(w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW,
                                                static_cast<int>(s.c_out), static_cast<int>(s.c_in),
                                                static_cast<int>(s.kh), static_cast<int>(s.kw)));
    NOVA_CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&conv));
    NOVA_CUDNN_CHECK(cudnnSetConvolution2dDescriptor(
        conv, static_cast<int>(s.pad_h), static_cast<int>(s.pad_w), static_cast<int>(s.stride_h),
        static_cast<int>(s.stride_w), static_cast<int>(s.dilation_h),
        static_cast<int>(s.dilation_w), CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
    NOVA_CUDNN_CHECK(cudnnSetConvolutionMathType(conv, CUDNN_FMA_MATH));
    int n = 0, c = 0, h = 0, wd = 0;
    NOVA_CUDNN_CHECK(cudnnGetConvolution2dForwardOutputDim(conv, x.desc, w, &n, &c, &h, &wd));
    if (n != s.n || c != s.c_out || h != s.h_out || wd != s.w_out) {
      throw std::runtime_error("cuDNN's output size disagrees with the ConvShape");
    }
  }
  ~CudnnConv() {
    cudnnDestroyConvolutionDescriptor(conv);
    cudnnDestroyFilterDescriptor(w);
  }
  CudnnConv(const CudnnConv&) = delete;
  CudnnConv& operator=(const CudnnConv&) = delete;
};

// Device scratch for cuDNN's workspace.
struct CudnnWorkspace {
  void* ptr = nullptr;
  size_t bytes = 0;
  explicit CudnnWorkspace(size_t b) : bytes(b) {
    if (bytes > 0) ptr = ::nova::cuda::device_alloc(bytes);
  }
  ~CudnnWorkspace() { ::nova::cuda::device_free(ptr); }
  CudnnWorkspace(const CudnnWorkspace&) = delete;
  CudnnWorkspace& operator=(const CudnnWorkspace&) = delete;
};

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

// Batchnorm in training mode over (n, c, hw), viewed as (n, c, hw, 1).
struct CudnnBatchNorm {
  CudnnTensor x;
  cudnnTensorDescriptor_t param = nullptr;
  explicit CudnnBatchNorm(const kernels::BatchNormShape& s) : x(s.n, s.c, s.hw, 1) {
    NOVA_CUDNN_CHECK(cudnnCreateTensorDescriptor(&param));
    NOVA_CUDNN_CHECK(cudnnDeriveBNTensorDescriptor(param, x.desc, CUDNN_BATCHNORM_SPATIAL));
  }
  ~CudnnBatchNorm() { cudnnDestroyTensorDescriptor(param); }
  CudnnBatchNorm(const CudnnBatchNorm&) = delete;
  CudnnBatchNorm& operator=(const CudnnBatchNorm&) = delete;
};

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
