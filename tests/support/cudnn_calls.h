// cuDNN descriptors and the handle, shared by the CUDA tests' cuDNN reference
// (tests/cuda/cudnn_reference.h) and the kernel benchmarks: plain C++, no test
// framework. Only when the build found cuDNN (NOVA_WITH_CUDNN=1). Convolution
// descriptors ask for full FP32 (CUDNN_FMA_MATH: no TF32 tensor cores) and
// cross-correlation, like PyTorch; the handle runs on the runtime's one stream.
#pragma once

#if defined(NOVA_WITH_CUDNN) && NOVA_WITH_CUDNN

#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "kernels/common/shapes.h"
#include "kernels/cuda/runtime.h"

namespace nova::testing::cudnn_calls {

// Throws std::runtime_error naming the failed call and where it was made.
inline void check_cudnn(cudnnStatus_t status, const char* expr, const char* file, int line) {
  if (status == CUDNN_STATUS_SUCCESS) return;
  throw std::runtime_error(std::string("cuDNN error ") + cudnnGetErrorString(status) + " in " +
                           expr + " at " + file + ":" + std::to_string(line));
}

#define NOVA_CUDNN_CHECK(expr) \
  ::nova::testing::cudnn_calls::check_cudnn((expr), #expr, __FILE__, __LINE__)

inline cudnnHandle_t cudnn_handle() {
  static cudnnHandle_t handle = [] {
    cudnnHandle_t h = nullptr;
    NOVA_CUDNN_CHECK(cudnnCreate(&h));
    return h;
  }();
  NOVA_CUDNN_CHECK(
      cudnnSetStream(handle, static_cast<cudaStream_t>(::nova::cuda::stream_handle())));
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

}  // namespace nova::testing::cudnn_calls

#endif  // NOVA_WITH_CUDNN
