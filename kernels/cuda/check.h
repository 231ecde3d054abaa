// Error-checking macros for CUDA calls and kernel launches. They record the
// expression (or kernel name), file and line, and throw std::runtime_error
// through nova::cuda::check_cuda / check_launch (kernels/cuda/runtime.h).
#pragma once

#include "kernels/cuda/runtime.h"

// Checks a cudaError_t-returning expression.
#define NOVA_CUDA_CHECK(expr) \
  ::nova::cuda::check_cuda(static_cast<int>(expr), #expr, __FILE__, __LINE__)

// Checks the launch just made; with NOVA_CUDA_SYNC=1 also waits for the kernel.
#define NOVA_LAUNCH_CHECK(kernel_name) ::nova::cuda::check_launch(#kernel_name, __FILE__, __LINE__)
