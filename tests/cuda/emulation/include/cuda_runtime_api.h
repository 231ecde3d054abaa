// Stand-in for the CUDA runtime API header when the kernels of kernels/cuda
// are compiled for the host emulator (see ../emulator.h). Only what the
// kernels and the tests use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

struct CUstream_st;
typedef CUstream_st* cudaStream_t;

enum cudaError_t { cudaSuccess = 0, cudaErrorInvalidValue = 1 };

struct uint3 {
  unsigned int x, y, z;
};

struct dim3 {
  unsigned int x, y, z;
  constexpr dim3(unsigned int x_ = 1, unsigned int y_ = 1, unsigned int z_ = 1)
      : x(x_), y(y_), z(z_) {}
};

struct alignas(16) float4 {
  float x, y, z, w;
};

struct alignas(16) double2 {
  double x, y;
};

inline double2 make_double2(double x, double y) { return double2{x, y}; }

inline cudaError_t cudaMemsetAsync(void* p, int value, size_t bytes, cudaStream_t = nullptr) {
  std::memset(p, value, bytes);
  return cudaSuccess;
}
