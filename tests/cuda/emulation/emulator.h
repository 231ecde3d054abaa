// A host emulator for the CUDA kernels of kernels/cuda, for machines without a
// GPU. The .cu files are compiled as C++ against stand-in headers
// (include/cuda_runtime.h); each launch runs its blocks one after the other,
// and a block's threads as cooperative user-level contexts (ucontext) that
// switch at __syncthreads and at warp shuffles, with CUDA's semantics:
// __syncthreads releases when every live thread of the block has arrived, a
// shuffle when every lane of the warp has. A barrier that can never release
// (divergent __syncthreads, a shuffle with a lane gone) aborts with a message.
// __shared__ variables become static: blocks never run concurrently.
//
// It checks indexing, coverage, synchronization structure and arithmetic; it
// cannot check timing, occupancy, memory coalescing or hardware math
// functions (the host's libm stands in for the device's).
#pragma once

#include <cuda_runtime_api.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))
#define __restrict__

extern uint3 threadIdx;
extern uint3 blockIdx;
extern dim3 blockDim;
extern dim3 gridDim;

namespace nova_emu {

// Runs body once per thread of every block of the grid.
void run_grid(dim3 grid, dim3 block, const std::function<void()>& body);
void sync_block();
void sync_warp();
// The calling warp's exchange slots (32 lanes of 8 bytes).
uint64_t* warp_slots();

template <class Kernel>
struct Launcher {
  dim3 grid, block;
  Kernel* kernel;
  template <class... Args>
  void operator()(Args&&... args) const {
    run_grid(grid, block, [&] { kernel(args...); });
  }
};

template <class Kernel>
Launcher<Kernel> launcher(dim3 grid, dim3 block, cudaStream_t, Kernel* kernel) {
  return Launcher<Kernel>{grid, block, kernel};
}

}  // namespace nova_emu

#define NOVA_LAUNCH_KERNEL(grid, block, stream, kernel) \
  ::nova_emu::launcher(dim3(grid), dim3(block), (stream), kernel)

inline void __syncthreads() { nova_emu::sync_block(); }

template <class T>
T __shfl_down_sync(unsigned int, T value, unsigned int offset) {
  static_assert(sizeof(T) <= 8, "shuffle of more than 8 bytes");
  const unsigned int lane = threadIdx.x & 31u;
  uint64_t* slots = nova_emu::warp_slots();
  std::memcpy(&slots[lane], &value, sizeof(T));
  nova_emu::sync_warp();
  T result = value;
  if (lane + offset < 32u) std::memcpy(&result, &slots[lane + offset], sizeof(T));
  nova_emu::sync_warp();
  return result;
}

// Correctly rounded operations: the host's IEEE arithmetic.
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __fsqrt_rn(float a) { return std::sqrt(a); }
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __dsub_rn(double a, double b) { return a - b; }
inline double __dmul_rn(double a, double b) { return a * b; }
