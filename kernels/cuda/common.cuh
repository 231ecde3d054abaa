// Device-side helpers shared by the kernels of kernels/cuda: launch sizes,
// index decomposition, fixed-order block reductions, vectorized elementwise
// maps and deterministic reductions. Internal: included by .cu files only.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <utility>

#include "kernels/cuda/check.h"
#include "kernels/cuda/fast_divmod.h"
#include "kernels/cuda/workspace.h"

// The launch itself; a host-side emulator of the kernels (tests/cuda/emulation)
// defines it first.
#ifndef NOVA_LAUNCH_KERNEL
#define NOVA_LAUNCH_KERNEL(grid, block, stream, kernel) kernel<<<(grid), (block), 0, (stream)>>>
#endif

namespace nova::kernels::cuda::detail {

constexpr int kThreads = 256;  // block size of every 1-d kernel (a multiple of 32)

// Blocks for a grid-stride loop over `n` items, `per_thread` items per thread.
// Depends on n only (never on the device), so reductions are reproducible.
inline unsigned int grid_size(int64_t n, int64_t per_thread = 1, int64_t cap = int64_t(1) << 16) {
  int64_t blocks = (n + kThreads * per_thread - 1) / (kThreads * per_thread);
  if (blocks < 1) blocks = 1;
  if (blocks > cap) blocks = cap;
  return static_cast<unsigned int>(blocks);
}

// Every kernel is launched through here: kernel<<<grid, block, 0, stream>>>(args...).
template <typename... Params, typename... Args>
void launch(void (*kernel)(Params...), dim3 grid, dim3 block, cudaStream_t stream, Args&&... args) {
  NOVA_LAUNCH_KERNEL(grid, block, stream, kernel)(std::forward<Args>(args)...);
}

inline bool aligned16(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 15u) == 0; }

// Indices below 2^31 take the 32-bit path (multiply-high division).
inline bool fits_32(int64_t total) { return total < (int64_t(1) << 31); }

// Index decomposition by a runtime constant, in 32 or 64 bits.
template <typename I>
struct Divider;

template <>
struct Divider<uint32_t> {
  FastDivmod f;
  Divider() = default;
  explicit Divider(int64_t d) : f(static_cast<uint32_t>(d < 1 ? 1 : d)) {}
  __device__ __forceinline__ uint32_t div(uint32_t n) const { return f.div(n); }
  __device__ __forceinline__ void divmod(uint32_t n, uint32_t& q, uint32_t& r) const {
    f.divmod(n, q, r);
  }
};

template <>
struct Divider<int64_t> {
  int64_t d = 1;
  Divider() = default;
  explicit Divider(int64_t divisor) : d(divisor < 1 ? 1 : divisor) {}
  __device__ __forceinline__ int64_t div(int64_t n) const { return n / d; }
  __device__ __forceinline__ void divmod(int64_t n, int64_t& q, int64_t& r) const {
    q = n / d;
    r = n - q * d;
  }
};

// ---------------------------------------------------------------------------
// Fixed-order reductions. A shuffle tree inside each warp, then warp 0 over
// the warps' sums: the order depends on the block size only, so the result is
// bit-identical from run to run. No atomics anywhere.

template <typename T>
__device__ __forceinline__ T warp_sum(T v) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
  return v;  // complete in lane 0
}

// Sum over the block, valid in thread 0. Every thread of the block must call
// it; blockDim.x must be a multiple of 32.
template <typename T>
__device__ T block_sum(T v) {
  __shared__ T warp_sums[32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = warp_sum(v);
  if (lane == 0) warp_sums[warp] = v;
  __syncthreads();
  const int warps = static_cast<int>(blockDim.x >> 5);
  v = static_cast<int>(threadIdx.x) < warps ? warp_sums[threadIdx.x] : T(0);
  if (warp == 0) v = warp_sum(v);
  __syncthreads();  // warp_sums may be reused by the next call
  return v;
}

// Two sums at once (same order as block_sum for each).
__device__ __forceinline__ void block_sum2(double& a, double& b) {
  __shared__ double warp_sums[2][32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  a = warp_sum(a);
  b = warp_sum(b);
  if (lane == 0) {
    warp_sums[0][warp] = a;
    warp_sums[1][warp] = b;
  }
  __syncthreads();
  const int warps = static_cast<int>(blockDim.x >> 5);
  a = static_cast<int>(threadIdx.x) < warps ? warp_sums[0][threadIdx.x] : 0.0;
  b = static_cast<int>(threadIdx.x) < warps ? warp_sums[1][threadIdx.x] : 0.0;
  if (warp == 0) {
    a = warp_sum(a);
    b = warp_sum(b);
  }
  __syncthreads();
}

// ---------------------------------------------------------------------------
// Elementwise maps: out[i] = f(v, s) with v[k] = in[k][i] and s = *scalar (or
// 0 when scalar is null; read once per thread, e.g. a loss's upstream
// gradient). float4 loads and stores when every pointer is 16-byte aligned.
// out may alias an input (in-place update).

template <int N>
struct Inputs {
  const float* p[N > 0 ? N : 1];
};

__device__ __forceinline__ float lane_of(const float4& v, int lane) {
  return lane == 0 ? v.x : lane == 1 ? v.y : lane == 2 ? v.z : v.w;
}
__device__ __forceinline__ void set_lane(float4& v, int lane, float x) {
  if (lane == 0)
    v.x = x;
  else if (lane == 1)
    v.y = x;
  else if (lane == 2)
    v.z = x;
  else
    v.w = x;
}

template <int N, class F>
__global__ void map_scalar_kernel(float* out, Inputs<N> in, const float* scalar, int64_t n, F f) {
  const float s = scalar ? *scalar : 0.0f;
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    float v[N > 0 ? N : 1];
#pragma unroll
    for (int k = 0; k < N; ++k) v[k] = in.p[k][i];
    out[i] = f(v, s);
  }
}

template <int N, class F>
__global__ void map_vec4_kernel(float* out, Inputs<N> in, const float* scalar, int64_t n, F f) {
  const float s = scalar ? *scalar : 0.0f;
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  const int64_t tid = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t n4 = n / 4;
  for (int64_t i = tid; i < n4; i += stride) {
    float4 v4[N > 0 ? N : 1];
#pragma unroll
    for (int k = 0; k < N; ++k) v4[k] = reinterpret_cast<const float4*>(in.p[k])[i];
    float4 r;
#pragma unroll
    for (int lane = 0; lane < 4; ++lane) {
      float v[N > 0 ? N : 1];
#pragma unroll
      for (int k = 0; k < N; ++k) v[k] = lane_of(v4[k], lane);
      set_lane(r, lane, f(v, s));
    }
    reinterpret_cast<float4*>(out)[i] = r;
  }
  const int64_t i = n4 * 4 + tid;  // the last n % 4 elements
  if (i < n) {
    float v[N > 0 ? N : 1];
#pragma unroll
    for (int k = 0; k < N; ++k) v[k] = in.p[k][i];
    out[i] = f(v, s);
  }
}

template <int N, class F>
void launch_map(float* out, Inputs<N> in, const float* scalar, int64_t n, F f,
                cudaStream_t stream) {
  if (n <= 0) return;
  bool vec = aligned16(out);
  for (int k = 0; k < N; ++k) vec = vec && aligned16(in.p[k]);
  if (vec) {
    launch(map_vec4_kernel<N, F>, grid_size(n / 4 > 0 ? n / 4 : 1), kThreads, stream, out, in,
           scalar, n, f);
    NOVA_LAUNCH_CHECK(map_vec4_kernel);
  } else {
    launch(map_scalar_kernel<N, F>, grid_size(n), kThreads, stream, out, in, scalar, n, f);
    NOVA_LAUNCH_CHECK(map_scalar_kernel);
  }
}

// ---------------------------------------------------------------------------
// Per-channel maps over an (n, c, hw) array: out[e] = f(v, ch) with channel
// ch = (e / hw) % c. Four elements per thread when hw % 4 == 0 and the
// pointers are aligned (the four then share a channel).

template <typename I, int VEC, int N, class F>
__global__ void channel_map_kernel(float* out, Inputs<N> in, I units, Divider<I> hw_units,
                                   Divider<I> channels, F f) {
  const I stride = I(gridDim.x) * blockDim.x;
  for (I u = I(blockIdx.x) * blockDim.x + threadIdx.x; u < units; u += stride) {
    I row, unused, q, ch;
    hw_units.divmod(u, row, unused);
    channels.divmod(row, q, ch);
    if constexpr (VEC == 4) {
      float4 v4[N > 0 ? N : 1];
#pragma unroll
      for (int k = 0; k < N; ++k) v4[k] = reinterpret_cast<const float4*>(in.p[k])[u];
      float4 r;
#pragma unroll
      for (int lane = 0; lane < 4; ++lane) {
        float v[N > 0 ? N : 1];
#pragma unroll
        for (int k = 0; k < N; ++k) v[k] = lane_of(v4[k], lane);
        set_lane(r, lane, f(v, int64_t(ch)));
      }
      reinterpret_cast<float4*>(out)[u] = r;
    } else {
      float v[N > 0 ? N : 1];
#pragma unroll
      for (int k = 0; k < N; ++k) v[k] = in.p[k][u];
      out[u] = f(v, int64_t(ch));
    }
  }
}

template <int N, class F>
void launch_channel_map(float* out, Inputs<N> in, int64_t n, int64_t c, int64_t hw, F f,
                        cudaStream_t stream) {
  const int64_t total = n * c * hw;
  if (total <= 0) return;
  bool vec = hw % 4 == 0 && aligned16(out);
  for (int k = 0; k < N; ++k) vec = vec && aligned16(in.p[k]);
  const int64_t v = vec ? 4 : 1;
  const int64_t units = total / v;
  const unsigned int blocks = grid_size(units);
  if (fits_32(units)) {
    using I = uint32_t;
    if (vec) {
      launch(channel_map_kernel<I, 4, N, F>, blocks, kThreads, stream, out, in, I(units),
             Divider<I>(hw / v), Divider<I>(c), f);
    } else {
      launch(channel_map_kernel<I, 1, N, F>, blocks, kThreads, stream, out, in, I(units),
             Divider<I>(hw / v), Divider<I>(c), f);
    }
  } else {
    using I = int64_t;
    if (vec) {
      launch(channel_map_kernel<I, 4, N, F>, blocks, kThreads, stream, out, in, I(units),
             Divider<I>(hw / v), Divider<I>(c), f);
    } else {
      launch(channel_map_kernel<I, 1, N, F>, blocks, kThreads, stream, out, in, I(units),
             Divider<I>(hw / v), Divider<I>(c), f);
    }
  }
  NOVA_LAUNCH_CHECK(channel_map_kernel);
}

// ---------------------------------------------------------------------------
// Deterministic sum of f(i) over i in [0, n), scaled, written as a float to
// out[0]. Pass 1: a grid fixed by n, each block summing a grid-stride slice in
// double and writing its partial; pass 2: one block summing the partials in
// order. One pass when a single block suffices.

constexpr int kReduceMaxBlocks = 1024;

inline int reduce_blocks(int64_t n) { return static_cast<int>(grid_size(n, 16, kReduceMaxBlocks)); }

template <class F>
__global__ void reduce_partials_kernel(double* partials, float* out, double scale, int64_t n, F f) {
  double acc = 0.0;
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
#pragma unroll 4
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    acc += f(i);
  }
  acc = block_sum(acc);
  if (threadIdx.x == 0) {
    if (gridDim.x == 1) {
      out[0] = static_cast<float>(acc * scale);
    } else {
      partials[blockIdx.x] = acc;
    }
  }
}

template <typename T>
__global__ void reduce_finish_kernel(float* out, const T* partials, int count, double scale) {
  T acc = T(0);
  for (int i = threadIdx.x; i < count; i += blockDim.x) acc += partials[i];
  acc = block_sum(acc);
  if (threadIdx.x == 0) out[0] = static_cast<float>(static_cast<double>(acc) * scale);
}

template <class F>
void launch_reduce(float* out, int64_t n, double scale, F f, cudaStream_t stream) {
  const int blocks = reduce_blocks(n);
  double* partials = nullptr;
  if (blocks > 1) {
    partials = static_cast<double*>(workspace(stream, sizeof(double) * blocks));
  }
  launch(reduce_partials_kernel<F>, blocks, kThreads, stream, partials, out, scale, n, f);
  NOVA_LAUNCH_CHECK(reduce_partials_kernel);
  if (blocks > 1) {
    launch(reduce_finish_kernel<double>, 1, kThreads, stream, out, partials, blocks, scale);
    NOVA_LAUNCH_CHECK(reduce_finish_kernel);
  }
}

// ---------------------------------------------------------------------------
// Walks the elements of one channel of an (n, c, hw) array: flat position
// j = i * hw + p in [0, n * hw) advanced by a fixed step, without a division
// per element. Element (i, ch, p) is at (i * c + ch) * hw + p.
struct ChannelCursor {
  int64_t i, p, di, dp, hw, row_stride, base;

  __device__ ChannelCursor(int64_t start, int64_t step, int64_t ch, int64_t c, int64_t hw_)
      : hw(hw_), row_stride(c * hw_), base(ch * hw_) {
    i = start / hw;
    p = start - i * hw;
    di = step / hw;
    dp = step - di * hw;
  }
  __device__ __forceinline__ int64_t index() const { return i * row_stride + base + p; }
  __device__ __forceinline__ void advance() {
    i += di;
    p += dp;
    if (p >= hw) {
      p -= hw;
      ++i;
    }
  }
};

// Splits of a channel's n * hw elements over blocks for the per-channel
// reductions: about 16 elements per thread, at most 64 splits.
inline int channel_splits(int64_t count) {
  int64_t s = (count + kThreads * 16 - 1) / (kThreads * 16);
  if (s < 1) s = 1;
  if (s > 64) s = 64;
  return static_cast<int>(s);
}

// out[ch] = scale * sum of channel ch of an (n, c, hw) array, in double, in a
// fixed order: grid (c, splits); each block sums an interleaved slice of its
// channel; with several splits a second kernel adds the partials in order.
template <typename T>
__global__ void channel_sum_kernel(double* partials, T* out, const T* in, int64_t n, int64_t c,
                                   int64_t hw, int splits, double scale) {
  const int64_t ch = blockIdx.x;
  const int s = blockIdx.y;
  ChannelCursor cur(int64_t(s) * blockDim.x + threadIdx.x, int64_t(splits) * blockDim.x, ch, c, hw);
  double acc = 0.0;
  while (true) {  // four loads in flight per thread
    int64_t idx[4];
    bool ok[4];
#pragma unroll
    for (int u = 0; u < 4; ++u) {
      ok[u] = cur.i < n;
      idx[u] = cur.index();
      cur.advance();
    }
    T v[4];
#pragma unroll
    for (int u = 0; u < 4; ++u) v[u] = ok[u] ? in[idx[u]] : T(0);
#pragma unroll
    for (int u = 0; u < 4; ++u) acc += static_cast<double>(v[u]);
    if (!ok[3]) break;
  }
  acc = block_sum(acc);
  if (threadIdx.x == 0) {
    if (splits == 1) {
      out[ch] = static_cast<T>(acc * scale);
    } else {
      partials[ch * splits + s] = acc;
    }
  }
}

template <typename T>
__global__ void channel_sum_finish_kernel(T* out, const double* partials, int64_t c, int splits,
                                          double scale) {
  const int64_t ch = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (ch >= c) return;
  double acc = 0.0;
  for (int s = 0; s < splits; ++s) acc += partials[ch * splits + s];
  out[ch] = static_cast<T>(acc * scale);
}

template <typename T>
void launch_channel_sum(T* out, const T* in, int64_t n, int64_t c, int64_t hw, double scale,
                        cudaStream_t stream) {
  if (c <= 0) return;
  if (n * hw <= 0) {  // empty channels sum to zero
    NOVA_CUDA_CHECK(cudaMemsetAsync(out, 0, sizeof(T) * c, stream));
    return;
  }
  const int splits = channel_splits(n * hw);
  double* partials = nullptr;
  if (splits > 1) {
    partials = static_cast<double*>(workspace(stream, sizeof(double) * c * splits));
  }
  launch(channel_sum_kernel<T>, dim3(static_cast<unsigned int>(c), splits), kThreads, stream,
         partials, out, in, n, c, hw, splits, scale);
  NOVA_LAUNCH_CHECK(channel_sum_kernel);
  if (splits > 1) {
    launch(channel_sum_finish_kernel<T>, grid_size(c), kThreads, stream, out, partials, c, splits,
           scale);
    NOVA_LAUNCH_CHECK(channel_sum_finish_kernel);
  }
}

}  // namespace nova::kernels::cuda::detail
