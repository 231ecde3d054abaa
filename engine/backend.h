// Routes a kernel call to the CPU kernel of the tensor's dtype or to the CUDA
// kernel (float32 only), so each op's dispatch is one line. Inside the call
// `T` is the element type; pass pointers as ptr<T>(tensor).
#pragma once

#include "engine/error.h"
#include "engine/kernel_calls.h"
#include "engine/tensor.h"
#include "kernels/cpu/batchnorm.h"
#include "kernels/cpu/conv.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/loss.h"
#include "kernels/cpu/optim.h"
#include "kernels/cpu/random.h"
#include "kernels/cpu/reduce.h"

#ifdef NOVA_WITH_CUDA
#include <cuda_runtime_api.h>

#include "kernels/cuda/batchnorm.h"
#include "kernels/cuda/conv.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/gemm.h"
#include "kernels/cuda/loss.h"
#include "kernels/cuda/optim.h"
#include "kernels/cuda/random.h"
#include "kernels/cuda/reduce.h"
#include "kernels/cuda/runtime.h"
#endif

namespace nova::backend {

template <typename T>
T* ptr(Tensor& t) {
  return t.data<T>();
}
template <typename T>
const T* ptr(const Tensor& t) {
  return t.data<T>();
}

#ifdef NOVA_WITH_CUDA
inline cudaStream_t stream() { return static_cast<cudaStream_t>(cuda::stream_handle()); }
#define NOVA_CUDA_BRANCH(name, ...)                                      \
  {                                                                      \
    using T = float;                                                     \
    ::nova::kernels::cuda::name(__VA_ARGS__, ::nova::backend::stream()); \
  }
#else
#define NOVA_CUDA_BRANCH(name, ...) \
  throw ::nova::Error("a CUDA tensor reached " #name " but this build has no CUDA backend");
#endif

// NOVA_CALL(reference_tensor, kernel_name, args...): the CPU kernel templated
// on the reference tensor's dtype, or the CUDA kernel on the one stream.
#define NOVA_CALL(ref, name, ...)                                                               \
  do {                                                                                          \
    ::nova::backend::count_kernel_call();                                                       \
    if ((ref).device() == ::nova::Device::CUDA) {                                               \
      NOVA_CHECK((ref).dtype() == ::nova::DType::Float32,                                       \
                 #name ": the CUDA backend runs float32 only, got ", to_string((ref).dtype())); \
      NOVA_CUDA_BRANCH(name, __VA_ARGS__)                                                       \
    } else if ((ref).dtype() == ::nova::DType::Float32) {                                       \
      using T = float;                                                                          \
      ::nova::kernels::cpu::name<T>(__VA_ARGS__);                                               \
    } else {                                                                                    \
      using T = double;                                                                         \
      ::nova::kernels::cpu::name<T>(__VA_ARGS__);                                               \
    }                                                                                           \
  } while (0)

}  // namespace nova::backend
