#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include "kernels/cuda/common.cuh"
#include "kernels/cuda/conv.h"

namespace nova::kernels::cuda {
namespace {

using detail::Divider;
using detail::kThreads;

// ---------------------------------------------------------------------------
// Algorithm selection.

enum class ConvAlgorithm { Direct = 0, ImplicitGemm = 1, Auto = 2 };

ConvAlgorithm parse_algorithm(const std::string& name) {
  if (name == "direct") return ConvAlgorithm::Direct;
  if (name == "implicit_gemm") return ConvAlgorithm::ImplicitGemm;
  if (name == "auto") return ConvAlgorithm::Auto;
  throw std::invalid_argument("unknown conv algorithm '" + name +
                              "' (expected auto, direct or implicit_gemm)");
}

// Below this many GEMM rows (output channels of forward and backward-weight,
// input channels of backward-input) most of a 64-row tile would be idle, and
// "auto" runs the direct kernel. A first guess, to be tuned with the
// benchmark on the device.
constexpr int64_t kAutoMinRows = 8;

std::atomic<int>& algorithm_setting() {
  static std::atomic<int> setting{[] {
    const char* env = std::getenv("NOVA_CONV_ALGO");
    return static_cast<int>(env && env[0] ? parse_algorithm(env) : ConvAlgorithm::Auto);
  }()};
  return setting;
}

ConvAlgorithm current_algorithm() { return static_cast<ConvAlgorithm>(algorithm_setting().load()); }

bool use_implicit_gemm(int64_t gemm_rows) {
  switch (current_algorithm()) {
    case ConvAlgorithm::Direct:
      return false;
    case ConvAlgorithm::ImplicitGemm:
      return true;
    case ConvAlgorithm::Auto:
      return gemm_rows >= kAutoMinRows;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Direct kernels: the plain reference, any geometry. Flat indices take the
// 32-bit path (I = uint32_t) when every one fits, addresses are 64-bit.

// One thread per output element (i, co, ho, wo).
template <typename I>
__global__ void conv_forward_direct_kernel(float* out, const float* in, const float* w, ConvShape s,
                                           I total, Divider<I> div_w, Divider<I> div_h,
                                           Divider<I> div_c) {
  const I stride = I(gridDim.x) * blockDim.x;
  for (I idx = I(blockIdx.x) * blockDim.x + threadIdx.x; idx < total; idx += stride) {
    I t, wo, t2, ho, img, co;
    div_w.divmod(idx, t, wo);
    div_h.divmod(t, t2, ho);
    div_c.divmod(t2, img, co);
    const int64_t hi0 = int64_t(ho) * s.stride_h - s.pad_h;
    const int64_t wi0 = int64_t(wo) * s.stride_w - s.pad_w;
    const float* in_img = in + int64_t(img) * s.c_in * s.h_in * s.w_in;
    const float* w_co = w + int64_t(co) * s.c_in * s.kh * s.kw;
    float acc = 0.0f;
    for (int64_t ci = 0; ci < s.c_in; ++ci) {
      for (int64_t r = 0; r < s.kh; ++r) {
        const int64_t hi = hi0 + r * s.dilation_h;
        if (hi < 0 || hi >= s.h_in) continue;
        const float* in_row = in_img + (ci * s.h_in + hi) * s.w_in;
        const float* w_row = w_co + (ci * s.kh + r) * s.kw;
        for (int64_t q = 0; q < s.kw; ++q) {
          const int64_t wi = wi0 + q * s.dilation_w;
          if (wi < 0 || wi >= s.w_in) continue;
          acc = fmaf(in_row[wi], w_row[q], acc);
        }
      }
    }
    out[idx] = acc;
  }
}

// One thread per input element (i, ci, hi, wi): the taps (co, r, q) whose
// output position (hi + pad - r * dilation) / stride is whole and in range.
template <typename I>
__global__ void conv_backward_input_direct_kernel(float* grad_in, const float* grad_out,
                                                  const float* w, ConvShape s, I total,
                                                  Divider<I> div_w, Divider<I> div_h,
                                                  Divider<I> div_c) {
  const I stride = I(gridDim.x) * blockDim.x;
  for (I idx = I(blockIdx.x) * blockDim.x + threadIdx.x; idx < total; idx += stride) {
    I t, wi, t2, hi, img, ci;
    div_w.divmod(idx, t, wi);
    div_h.divmod(t, t2, hi);
    div_c.divmod(t2, img, ci);
    const float* go_img = grad_out + int64_t(img) * s.c_out * s.h_out * s.w_out;
    float acc = 0.0f;
    for (int64_t co = 0; co < s.c_out; ++co) {
      for (int64_t r = 0; r < s.kh; ++r) {
        const int64_t th = int64_t(hi) + s.pad_h - r * s.dilation_h;
        if (th < 0 || th % s.stride_h != 0) continue;
        const int64_t ho = th / s.stride_h;
        if (ho >= s.h_out) continue;
        const float* go_row = go_img + (co * s.h_out + ho) * s.w_out;
        const float* w_row = w + ((co * s.c_in + int64_t(ci)) * s.kh + r) * s.kw;
        for (int64_t q = 0; q < s.kw; ++q) {
          const int64_t tw = int64_t(wi) + s.pad_w - q * s.dilation_w;
          if (tw < 0 || tw % s.stride_w != 0) continue;
          const int64_t wo = tw / s.stride_w;
          if (wo >= s.w_out) continue;
          acc = fmaf(go_row[wo], w_row[q], acc);
        }
      }
    }
    grad_in[idx] = acc;
  }
}

// One warp per weight element (co, ci, r, q): the lanes stride over the
// (i, ho, wo) positions, then a fixed shuffle tree adds the lanes' sums.
template <typename I>
__global__ void conv_backward_weight_direct_kernel(float* grad_w, const float* grad_out,
                                                   const float* in, ConvShape s, I weights,
                                                   I positions, Divider<I> div_kw,
                                                   Divider<I> div_kh, Divider<I> div_ci,
                                                   Divider<I> div_wo, Divider<I> div_ho) {
  const int lane = threadIdx.x & 31;
  const int64_t warps = (int64_t(gridDim.x) * blockDim.x) >> 5;
  const int64_t hw_out = s.h_out * s.w_out;
  for (int64_t widx = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) >> 5;
       widx < int64_t(weights); widx += warps) {
    I t, q, t2, r, co, ci;
    div_kw.divmod(I(widx), t, q);
    div_kh.divmod(t, t2, r);
    div_ci.divmod(t2, co, ci);
    const int64_t dh = int64_t(r) * s.dilation_h - s.pad_h;
    const int64_t dw = int64_t(q) * s.dilation_w - s.pad_w;
    float acc = 0.0f;
    for (I j = lane; j < positions; j += 32) {
      I u, wo, img, ho;
      div_wo.divmod(j, u, wo);
      div_ho.divmod(u, img, ho);
      const int64_t hi = int64_t(ho) * s.stride_h + dh;
      const int64_t wi = int64_t(wo) * s.stride_w + dw;
      if (hi < 0 || hi >= s.h_in || wi < 0 || wi >= s.w_in) continue;
      const float g = grad_out[(int64_t(img) * s.c_out + int64_t(co)) * hw_out +
                               int64_t(ho) * s.w_out + int64_t(wo)];
      const float x = in[((int64_t(img) * s.c_in + int64_t(ci)) * s.h_in + hi) * s.w_in + wi];
      acc = fmaf(g, x, acc);
    }
    acc = detail::warp_sum(acc);
    if (lane == 0) grad_w[widx] = acc;
  }
}

int64_t out_elements(const ConvShape& s) { return s.n * s.c_out * s.h_out * s.w_out; }
int64_t in_elements(const ConvShape& s) { return s.n * s.c_in * s.h_in * s.w_in; }
int64_t weight_elements(const ConvShape& s) { return s.c_out * s.c_in * s.kh * s.kw; }

void forward_direct(float* out, const float* in, const float* w, const ConvShape& s,
                    cudaStream_t stream) {
  const int64_t total = out_elements(s);
  if (total <= 0) return;
  if (detail::fits_32(total)) {
    using I = uint32_t;
    detail::launch(conv_forward_direct_kernel<I>, detail::grid_size(total), kThreads, stream, out,
                   in, w, s, I(total), Divider<I>(s.w_out), Divider<I>(s.h_out),
                   Divider<I>(s.c_out));
  } else {
    using I = int64_t;
    detail::launch(conv_forward_direct_kernel<I>, detail::grid_size(total), kThreads, stream, out,
                   in, w, s, I(total), Divider<I>(s.w_out), Divider<I>(s.h_out),
                   Divider<I>(s.c_out));
  }
  NOVA_LAUNCH_CHECK(conv_forward_direct_kernel);
}

void backward_input_direct(float* grad_in, const float* grad_out, const float* w,
                           const ConvShape& s, cudaStream_t stream) {
  const int64_t total = in_elements(s);
  if (total <= 0) return;
  if (detail::fits_32(total)) {
    using I = uint32_t;
    detail::launch(conv_backward_input_direct_kernel<I>, detail::grid_size(total), kThreads, stream,
                   grad_in, grad_out, w, s, I(total), Divider<I>(s.w_in), Divider<I>(s.h_in),
                   Divider<I>(s.c_in));
  } else {
    using I = int64_t;
    detail::launch(conv_backward_input_direct_kernel<I>, detail::grid_size(total), kThreads, stream,
                   grad_in, grad_out, w, s, I(total), Divider<I>(s.w_in), Divider<I>(s.h_in),
                   Divider<I>(s.c_in));
  }
  NOVA_LAUNCH_CHECK(conv_backward_input_direct_kernel);
}

void backward_weight_direct(float* grad_w, const float* grad_out, const float* in,
                            const ConvShape& s, cudaStream_t stream) {
  const int64_t weights = weight_elements(s);
  if (weights <= 0) return;
  const int64_t positions = s.n * s.h_out * s.w_out;
  const int64_t warps_per_block = kThreads / 32;
  const unsigned int blocks = static_cast<unsigned int>(
      std::min<int64_t>((weights + warps_per_block - 1) / warps_per_block, int64_t(1) << 16));
  if (detail::fits_32(weights) && detail::fits_32(positions)) {
    using I = uint32_t;
    detail::launch(conv_backward_weight_direct_kernel<I>, blocks, kThreads, stream, grad_w,
                   grad_out, in, s, I(weights), I(positions), Divider<I>(s.kw), Divider<I>(s.kh),
                   Divider<I>(s.c_in), Divider<I>(s.w_out), Divider<I>(s.h_out));
  } else {
    using I = int64_t;
    detail::launch(conv_backward_weight_direct_kernel<I>, blocks, kThreads, stream, grad_w,
                   grad_out, in, s, I(weights), I(positions), Divider<I>(s.kw), Divider<I>(s.kh),
                   Divider<I>(s.c_in), Divider<I>(s.w_out), Divider<I>(s.h_out));
  }
  NOVA_LAUNCH_CHECK(conv_backward_weight_direct_kernel);
}

// ---------------------------------------------------------------------------
// Implicit GEMM. Each block computes a 64 x 64 tile of C = A * B (A: M x K,
// B: K x N) in 16-deep slices staged through shared memory; 256 threads, each
// owning a 4 x 4 sub-tile. The next slice is loaded into registers while the
// current one is multiplied. Operands are gathered from the tensors by index
// arithmetic (never materialized). With split-K, blockIdx.z's split sums its
// range of slices and writes a partial output; splitk_reduce_kernel then adds
// the partials in split order.
//
//   forward:         C (c_out x n*h_out*w_out) = W (c_out x c_in*kh*kw) * im2col(x)
//   backward weight: C (c_out x c_in*kh*kw) = dY (c_out x n*h_out*w_out) * im2col(x)^T
//   backward input:  per stride phase (py, px), the input pixels hi = py + sh*a,
//                    wi = px + sw*b, whose taps are the r with
//                    (py + pad_h - r*dil_h) % sh == 0 (likewise q):
//                    C (c_in x pixels) = W^T (c_in x c_out*taps) * gathered dY

constexpr int kTileM = 64, kTileN = 64, kTileK = 16, kPad = 4;
constexpr int kGemmThreads = 256;
constexpr int kMaxPhaseStride = 4, kMaxTaps = 16;
constexpr int64_t kTargetBlocks = 264;  // about two blocks per SM on an H100
constexpr int64_t kMaxSplits = 128;

using TileA = float[kTileK][kTileM + kPad];
using TileB = float[kTileK][kTileN + kPad];

__device__ __forceinline__ void multiply_tile(const TileA& a, const TileB& b, float (&acc)[4][4],
                                              int tx, int ty) {
#pragma unroll
  for (int kk = 0; kk < kTileK; ++kk) {
    const float4 av = *reinterpret_cast<const float4*>(&a[kk][ty * 4]);
    const float4 bv = *reinterpret_cast<const float4*>(&b[kk][tx * 4]);
    const float ar[4] = {av.x, av.y, av.z, av.w};
    const float br[4] = {bv.x, bv.y, bv.z, bv.w};
#pragma unroll
    for (int i = 0; i < 4; ++i) {
#pragma unroll
      for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(ar[i], br[j], acc[i][j]);
    }
  }
}

// The slices [first, last) of split `split` out of `splits` over `tiles` slices.
__device__ __forceinline__ void split_range(int64_t tiles, int split, int splits, int64_t& first,
                                            int64_t& last) {
  const int64_t per = (tiles + splits - 1) / splits;
  first = per * split;
  last = first + per < tiles ? first + per : tiles;
  if (first > last) first = last;
}

// out[e] = sum over z of partials[z * total + e], z in order.
__global__ void splitk_reduce_kernel(float* out, const float* partials, int64_t total, int splits) {
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t e = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; e < total; e += stride) {
    float acc = partials[e];
    for (int z = 1; z < splits; ++z) acc += partials[int64_t(z) * total + e];
    out[e] = acc;
  }
}

// Splits so that about kTargetBlocks blocks run, each with at least 4 slices.
int choose_splits(int64_t blocks, int64_t k) {
  const int64_t tiles = (k + kTileK - 1) / kTileK;
  int64_t splits = (kTargetBlocks + blocks - 1) / blocks;
  splits = std::min(splits, std::max<int64_t>(tiles / 4, 1));
  splits = std::min(splits, kMaxSplits);
  if (splits < 1) splits = 1;
  const int64_t per = (tiles + splits - 1) / std::max<int64_t>(splits, 1);
  if (per > 0) splits = (tiles + per - 1) / per;  // no empty split
  return static_cast<int>(std::max<int64_t>(splits, 1));
}

void finish_splits(float* out, const float* partials, int64_t total, int splits,
                   cudaStream_t stream) {
  if (splits <= 1) return;
  detail::launch(splitk_reduce_kernel, detail::grid_size(total), kThreads, stream, out, partials,
                 total, splits);
  NOVA_LAUNCH_CHECK(splitk_reduce_kernel);
}

struct ForwardArgs {
  ConvShape s;
  FastDivmod div_khw, div_kw;  // k -> (ci, r, q)
  int64_t gemm_k, gemm_n;      // c_in*kh*kw, n*h_out*w_out
  int64_t total;               // output elements, the stride between partials
};

__global__ void __launch_bounds__(kGemmThreads)
    conv_forward_igemm_kernel(float* dst, const float* in, const float* w, ForwardArgs g) {
  __shared__ __align__(16) TileA as;
  __shared__ __align__(16) TileB bs;
  const ConvShape& s = g.s;
  const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
  const int64_t m_count = s.c_out, k_count = g.gemm_k, n_count = g.gemm_n;
  const int64_t m0 = int64_t(blockIdx.y) * kTileM, n0 = int64_t(blockIdx.x) * kTileN;
  const int64_t hw_out = s.h_out * s.w_out;
  float* out = dst + int64_t(blockIdx.z) * g.total;

  // A (weights, row m = co, column k): each thread loads column a_k of rows
  // a_m + 16 i. B (im2col, row k, column p = pixel): column b_n of rows
  // b_k + 4 i; the pixel is fixed per thread, so it is decoded once.
  const int a_k = tid % kTileK, a_m = tid / kTileK;
  const int b_n = tid % kTileN, b_k = tid / kTileN;
  const int64_t p = n0 + b_n;
  const bool p_ok = p < n_count;
  int64_t img = 0, ho = 0, wo = 0;
  if (p_ok) {
    img = p / hw_out;
    const int64_t pix = p - img * hw_out;
    ho = pix / s.w_out;
    wo = pix - ho * s.w_out;
  }
  const float* in_img = in + img * s.c_in * s.h_in * s.w_in;
  const int64_t hi0 = ho * s.stride_h - s.pad_h, wi0 = wo * s.stride_w - s.pad_w;

  float a_reg[4], b_reg[4];
  auto load = [&](int64_t k0) {
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int64_t m = m0 + a_m + 16 * i, k = k0 + a_k;
      a_reg[i] = (m < m_count && k < k_count) ? w[m * k_count + k] : 0.0f;
    }
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int64_t k = k0 + b_k + 4 * i;
      float v = 0.0f;
      if (p_ok && k < k_count) {
        uint32_t ci, rq, r, q;
        g.div_khw.divmod(static_cast<uint32_t>(k), ci, rq);
        g.div_kw.divmod(rq, r, q);
        const int64_t hi = hi0 + int64_t(r) * s.dilation_h;
        const int64_t wi = wi0 + int64_t(q) * s.dilation_w;
        if (hi >= 0 && hi < s.h_in && wi >= 0 && wi < s.w_in) {
          v = in_img[(int64_t(ci) * s.h_in + hi) * s.w_in + wi];
        }
      }
      b_reg[i] = v;
    }
  };
  auto store = [&]() {
#pragma unroll
    for (int i = 0; i < 4; ++i) as[a_k][a_m + 16 * i] = a_reg[i];
#pragma unroll
    for (int i = 0; i < 4; ++i) bs[b_k + 4 * i][b_n] = b_reg[i];
  };

  float acc[4][4] = {};
  int64_t first, last;
  split_range((k_count + kTileK - 1) / kTileK, blockIdx.z, gridDim.z, first, last);
  if (first < last) {
    load(first * kTileK);
    store();
    __syncthreads();
  }
  for (int64_t t = first; t < last; ++t) {
    if (t + 1 < last) load((t + 1) * kTileK);
    multiply_tile(as, bs, acc, tx, ty);
    __syncthreads();
    if (t + 1 < last) {
      store();
      __syncthreads();
    }
  }

#pragma unroll
  for (int j = 0; j < 4; ++j) {
    const int64_t pj = n0 + tx * 4 + j;
    if (pj >= n_count) continue;
    const int64_t img_j = pj / hw_out;
    float* o = out + img_j * m_count * hw_out + (pj - img_j * hw_out);
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int64_t m = m0 + ty * 4 + i;
      if (m < m_count) o[m * hw_out] = acc[i][j];
    }
  }
}

struct BackwardWeightArgs {
  ConvShape s;
  FastDivmod div_hw_out, div_w_out;  // p -> (i, pixel), pixel -> (ho, wo)
  int64_t gemm_n, gemm_k;            // c_in*kh*kw, n*h_out*w_out
  int64_t total;                     // weight elements
};

__global__ void __launch_bounds__(kGemmThreads)
    conv_backward_weight_igemm_kernel(float* dst, const float* grad_out, const float* in,
                                      BackwardWeightArgs g) {
  __shared__ __align__(16) TileA as;
  __shared__ __align__(16) TileB bs;
  const ConvShape& s = g.s;
  const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
  const int64_t m_count = s.c_out, n_count = g.gemm_n, k_count = g.gemm_k;
  const int64_t m0 = int64_t(blockIdx.y) * kTileM, n0 = int64_t(blockIdx.x) * kTileN;
  const int64_t hw_out = s.h_out * s.w_out, hw_in = s.h_in * s.w_in;
  float* out = dst + int64_t(blockIdx.z) * g.total;

  // A (grad_out, row m = co, column k = position): column a_k of rows a_m + 16 i.
  // B (im2col^T, row k = position, column n = (ci, r, q)): column b_n of rows
  // b_k + 4 i; the weight tap is fixed per thread, so it is decoded once.
  const int a_k = tid % kTileK, a_m = tid / kTileK;
  const int b_n = tid % kTileN, b_k = tid / kTileN;
  const int64_t col = n0 + b_n;
  const bool col_ok = col < n_count;
  int64_t ci = 0, r = 0, q = 0;
  if (col_ok) {
    const int64_t khw = s.kh * s.kw;
    ci = col / khw;
    const int64_t rq = col - ci * khw;
    r = rq / s.kw;
    q = rq - r * s.kw;
  }
  const float* in_c = in + ci * hw_in;
  const int64_t dh = r * s.dilation_h - s.pad_h, dw = q * s.dilation_w - s.pad_w;

  float a_reg[4], b_reg[4];
  auto load = [&](int64_t k0) {
    {
      const int64_t k = k0 + a_k;
      const bool k_ok = k < k_count;
      uint32_t img = 0, pix = 0;
      if (k_ok) g.div_hw_out.divmod(static_cast<uint32_t>(k), img, pix);
      const float* go = grad_out + int64_t(img) * m_count * hw_out + pix;
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        const int64_t m = m0 + a_m + 16 * i;
        a_reg[i] = (k_ok && m < m_count) ? go[m * hw_out] : 0.0f;
      }
    }
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int64_t k = k0 + b_k + 4 * i;
      float v = 0.0f;
      if (col_ok && k < k_count) {
        uint32_t img, pix, ho, wo;
        g.div_hw_out.divmod(static_cast<uint32_t>(k), img, pix);
        g.div_w_out.divmod(pix, ho, wo);
        const int64_t hi = int64_t(ho) * s.stride_h + dh;
        const int64_t wi = int64_t(wo) * s.stride_w + dw;
        if (hi >= 0 && hi < s.h_in && wi >= 0 && wi < s.w_in) {
          v = in_c[int64_t(img) * s.c_in * hw_in + hi * s.w_in + wi];
        }
      }
      b_reg[i] = v;
    }
  };
  auto store = [&]() {
#pragma unroll
    for (int i = 0; i < 4; ++i) as[a_k][a_m + 16 * i] = a_reg[i];
#pragma unroll
    for (int i = 0; i < 4; ++i) bs[b_k + 4 * i][b_n] = b_reg[i];
  };

  float acc[4][4] = {};
  int64_t first, last;
  split_range((k_count + kTileK - 1) / kTileK, blockIdx.z, gridDim.z, first, last);
  if (first < last) {
    load(first * kTileK);
    store();
    __syncthreads();
  }
  for (int64_t t = first; t < last; ++t) {
    if (t + 1 < last) load((t + 1) * kTileK);
    multiply_tile(as, bs, acc, tx, ty);
    __syncthreads();
    if (t + 1 < last) {
      store();
      __syncthreads();
    }
  }

#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int64_t m = m0 + ty * 4 + i;
    if (m >= m_count) continue;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int64_t nj = n0 + tx * 4 + j;
      if (nj < n_count) out[m * n_count + nj] = acc[i][j];
    }
  }
}

// Taps of one stride phase along one axis: tap t is kernel index index[t],
// whose output coordinate is (input coordinate's phase step a) + offset[t].
struct PhaseTaps {
  int count;
  int index[kMaxTaps];
  int offset[kMaxTaps];
  int64_t pixels;  // input coordinates in this phase: py, py + s, ... < size
};

struct BackwardInputArgs {
  ConvShape s;
  PhaseTaps rows[kMaxPhaseStride], cols[kMaxPhaseStride];
  FastDivmod div_taps[kMaxPhaseStride][kMaxPhaseStride];  // by rows.count * cols.count
  FastDivmod div_col_taps[kMaxPhaseStride];               // by cols.count
  int phases;                                             // stride_h * stride_w
  int64_t total;  // input elements, the stride between partials
};

__global__ void __launch_bounds__(kGemmThreads)
    conv_backward_input_igemm_kernel(float* dst, const float* grad_out, const float* w,
                                     BackwardInputArgs g) {
  __shared__ __align__(16) TileA as;
  __shared__ __align__(16) TileB bs;
  __shared__ int tap_r[kMaxTaps], off_r[kMaxTaps], tap_q[kMaxTaps], off_q[kMaxTaps];
  __shared__ int tap_count[2];
  __shared__ int64_t phase_pixels[2];
  __shared__ uint32_t divisors[2][3];  // FastDivmod fields: by all taps, by column taps
  const ConvShape& s = g.s;
  const int phase = static_cast<int>(blockIdx.z) % g.phases;
  const int split = static_cast<int>(blockIdx.z) / g.phases;
  const int splits = static_cast<int>(gridDim.z) / g.phases;
  const int py = phase / static_cast<int>(s.stride_w), px = phase % static_cast<int>(s.stride_w);
  const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
  // This phase's tables to shared memory. The loops are unrolled so every
  // parameter is read at a constant offset (a dynamic index into kernel
  // parameters could make each thread copy them to local memory).
  if (tid == 0) {
#pragma unroll
    for (int i = 0; i < kMaxPhaseStride; ++i) {
      if (i == py) {
#pragma unroll
        for (int t = 0; t < kMaxTaps; ++t) {
          tap_r[t] = g.rows[i].index[t];
          off_r[t] = g.rows[i].offset[t];
        }
        tap_count[0] = g.rows[i].count;
        phase_pixels[0] = g.rows[i].pixels;
      }
      if (i == px) {
#pragma unroll
        for (int t = 0; t < kMaxTaps; ++t) {
          tap_q[t] = g.cols[i].index[t];
          off_q[t] = g.cols[i].offset[t];
        }
        tap_count[1] = g.cols[i].count;
        phase_pixels[1] = g.cols[i].pixels;
        divisors[1][0] = g.div_col_taps[i].divisor;
        divisors[1][1] = g.div_col_taps[i].multiplier;
        divisors[1][2] = g.div_col_taps[i].shift;
#pragma unroll
        for (int j = 0; j < kMaxPhaseStride; ++j) {
          if (j == py) {
            divisors[0][0] = g.div_taps[j][i].divisor;
            divisors[0][1] = g.div_taps[j][i].multiplier;
            divisors[0][2] = g.div_taps[j][i].shift;
          }
        }
      }
    }
  }
  __syncthreads();
  const int64_t ha = phase_pixels[0], wb = phase_pixels[1];
  const int64_t n_count = s.n * ha * wb;
  const int64_t n0 = int64_t(blockIdx.x) * kTileN;
  if (n0 >= n_count) return;  // the whole block: this phase has fewer pixels
  const int nr = tap_count[0], nq = tap_count[1];
  FastDivmod div_taps, div_q;
  div_taps.divisor = divisors[0][0];
  div_taps.multiplier = divisors[0][1];
  div_taps.shift = divisors[0][2];
  div_q.divisor = divisors[1][0];
  div_q.multiplier = divisors[1][1];
  div_q.shift = divisors[1][2];
  const int64_t m_count = s.c_in, k_count = s.c_out * nr * nq;
  const int64_t m0 = int64_t(blockIdx.y) * kTileM;
  const int64_t hw_out = s.h_out * s.w_out, khw = s.kh * s.kw;
  float* out = dst + int64_t(split) * g.total;

  // A (W^T, row m = ci, column k = (co, tap)): column a_k of rows a_m + 16 i.
  // B (gathered grad_out, row k, column p = (i, a, b)): column b_n of rows
  // b_k + 4 i; the pixel is fixed per thread.
  const int a_k = tid % kTileK, a_m = tid / kTileK;
  const int b_n = tid % kTileN, b_k = tid / kTileN;
  const int64_t p = n0 + b_n;
  const bool p_ok = p < n_count;
  int64_t img = 0, a = 0, b = 0;
  if (p_ok) {
    img = p / (ha * wb);
    const int64_t rem = p - img * ha * wb;
    a = rem / wb;
    b = rem - a * wb;
  }
  const float* go_img = grad_out + img * s.c_out * hw_out;

  float a_reg[4], b_reg[4];
  auto load = [&](int64_t k0) {
    {
      const int64_t k = k0 + a_k;
      const bool k_ok = k < k_count;
      uint32_t co = 0, t = 0, ir = 0, iq = 0;
      if (k_ok) {
        div_taps.divmod(static_cast<uint32_t>(k), co, t);
        div_q.divmod(t, ir, iq);
      }
      const float* w_tap = w + int64_t(co) * m_count * khw + tap_r[ir] * s.kw + tap_q[iq];
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        const int64_t m = m0 + a_m + 16 * i;
        a_reg[i] = (k_ok && m < m_count) ? w_tap[m * khw] : 0.0f;
      }
    }
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int64_t k = k0 + b_k + 4 * i;
      float v = 0.0f;
      if (p_ok && k < k_count) {
        uint32_t co, t, ir, iq;
        div_taps.divmod(static_cast<uint32_t>(k), co, t);
        div_q.divmod(t, ir, iq);
        const int64_t ho = a + off_r[ir], wo = b + off_q[iq];
        if (ho >= 0 && ho < s.h_out && wo >= 0 && wo < s.w_out) {
          v = go_img[int64_t(co) * hw_out + ho * s.w_out + wo];
        }
      }
      b_reg[i] = v;
    }
  };
  auto store = [&]() {
#pragma unroll
    for (int i = 0; i < 4; ++i) as[a_k][a_m + 16 * i] = a_reg[i];
#pragma unroll
    for (int i = 0; i < 4; ++i) bs[b_k + 4 * i][b_n] = b_reg[i];
  };

  float acc[4][4] = {};
  int64_t first, last;
  split_range((k_count + kTileK - 1) / kTileK, split, splits, first, last);
  if (first < last) {
    load(first * kTileK);
    store();
    __syncthreads();
  }
  for (int64_t t = first; t < last; ++t) {
    if (t + 1 < last) load((t + 1) * kTileK);
    multiply_tile(as, bs, acc, tx, ty);
    __syncthreads();
    if (t + 1 < last) {
      store();
      __syncthreads();
    }
  }

  const int64_t hw_in = s.h_in * s.w_in;
#pragma unroll
  for (int j = 0; j < 4; ++j) {
    const int64_t pj = n0 + tx * 4 + j;
    if (pj >= n_count) continue;
    const int64_t img_j = pj / (ha * wb);
    const int64_t rem = pj - img_j * ha * wb;
    const int64_t aj = rem / wb, bj = rem - aj * wb;
    const int64_t hi = py + s.stride_h * aj, wi = px + s.stride_w * bj;
    float* o = out + img_j * m_count * hw_in + hi * s.w_in + wi;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int64_t m = m0 + ty * 4 + i;
      if (m < m_count) o[m * hw_in] = acc[i][j];
    }
  }
}

constexpr int64_t k32 = int64_t(1) << 31;

bool igemm_sizes_ok(const ConvShape& s) {
  return out_elements(s) < k32 && in_elements(s) < k32 && weight_elements(s) < k32 &&
         s.c_in * s.kh * s.kw < k32 && s.n * s.h_out * s.w_out < k32;
}

unsigned int tiles(int64_t count, int64_t tile) {
  return static_cast<unsigned int>((count + tile - 1) / tile);
}

bool forward_igemm(float* out, const float* in, const float* w, const ConvShape& s,
                   cudaStream_t stream) {
  if (!igemm_sizes_ok(s) || (s.c_out + kTileM - 1) / kTileM > 65535) return false;
  ForwardArgs g;
  g.s = s;
  g.div_khw = FastDivmod(static_cast<uint32_t>(std::max<int64_t>(s.kh * s.kw, 1)));
  g.div_kw = FastDivmod(static_cast<uint32_t>(std::max<int64_t>(s.kw, 1)));
  g.gemm_k = s.c_in * s.kh * s.kw;
  g.gemm_n = s.n * s.h_out * s.w_out;
  g.total = out_elements(s);
  if (g.total <= 0) return true;
  const dim3 grid_xy(tiles(g.gemm_n, kTileN), tiles(s.c_out, kTileM));
  const int splits = choose_splits(int64_t(grid_xy.x) * grid_xy.y, g.gemm_k);
  float* partials = nullptr;
  if (splits > 1) {
    partials = static_cast<float*>(detail::workspace(stream, sizeof(float) * g.total * splits));
  }
  detail::launch(conv_forward_igemm_kernel, dim3(grid_xy.x, grid_xy.y, splits), kGemmThreads,
                 stream, splits > 1 ? partials : out, in, w, g);
  NOVA_LAUNCH_CHECK(conv_forward_igemm_kernel);
  finish_splits(out, partials, g.total, splits, stream);
  return true;
}

bool backward_weight_igemm(float* grad_w, const float* grad_out, const float* in,
                           const ConvShape& s, cudaStream_t stream) {
  if (!igemm_sizes_ok(s) || (s.c_out + kTileM - 1) / kTileM > 65535) return false;
  BackwardWeightArgs g;
  g.s = s;
  g.div_hw_out = FastDivmod(static_cast<uint32_t>(std::max<int64_t>(s.h_out * s.w_out, 1)));
  g.div_w_out = FastDivmod(static_cast<uint32_t>(std::max<int64_t>(s.w_out, 1)));
  g.gemm_n = s.c_in * s.kh * s.kw;
  g.gemm_k = s.n * s.h_out * s.w_out;
  g.total = weight_elements(s);
  if (g.total <= 0) return true;
  const dim3 grid_xy(tiles(g.gemm_n, kTileN), tiles(s.c_out, kTileM));
  const int splits = choose_splits(int64_t(grid_xy.x) * grid_xy.y, g.gemm_k);
  float* partials = nullptr;
  if (splits > 1) {
    partials = static_cast<float*>(detail::workspace(stream, sizeof(float) * g.total * splits));
  }
  detail::launch(conv_backward_weight_igemm_kernel, dim3(grid_xy.x, grid_xy.y, splits),
                 kGemmThreads, stream, splits > 1 ? partials : grad_w, grad_out, in, g);
  NOVA_LAUNCH_CHECK(conv_backward_weight_igemm_kernel);
  finish_splits(grad_w, partials, g.total, splits, stream);
  return true;
}

// The taps of each phase along one axis (size = input extent, out = output
// extent). False when the axis is beyond the kernel's tables.
bool phase_taps(PhaseTaps* taps, int64_t size, int64_t k, int64_t stride, int64_t pad,
                int64_t dilation) {
  if (stride < 1 || stride > kMaxPhaseStride || k > kMaxTaps) return false;
  for (int64_t ph = 0; ph < stride; ++ph) {
    PhaseTaps& t = taps[ph];
    t = PhaseTaps{};
    t.pixels = ph < size ? (size - ph + stride - 1) / stride : 0;
    for (int64_t r = 0; r < k; ++r) {
      const int64_t num = ph + pad - r * dilation;
      if (num % stride != 0) continue;
      t.index[t.count] = static_cast<int>(r);
      t.offset[t.count] = static_cast<int>(num / stride);
      ++t.count;
    }
  }
  return true;
}

bool backward_input_igemm(float* grad_in, const float* grad_out, const float* w, const ConvShape& s,
                          cudaStream_t stream) {
  if (!igemm_sizes_ok(s) || (s.c_in + kTileM - 1) / kTileM > 65535) return false;
  if (s.pad_h + s.dilation_h * s.kh > (int64_t(1) << 30) ||
      s.pad_w + s.dilation_w * s.kw > (int64_t(1) << 30)) {
    return false;  // offsets must fit an int
  }
  BackwardInputArgs g;
  g.s = s;
  if (!phase_taps(g.rows, s.h_in, s.kh, s.stride_h, s.pad_h, s.dilation_h)) return false;
  if (!phase_taps(g.cols, s.w_in, s.kw, s.stride_w, s.pad_w, s.dilation_w)) return false;
  if (s.c_out * s.kh * s.kw >= k32) return false;
  g.phases = static_cast<int>(s.stride_h * s.stride_w);
  int64_t max_pixels = 0, max_k = 0;
  for (int py = 0; py < s.stride_h; ++py) {
    for (int px = 0; px < s.stride_w; ++px) {
      const int taps = g.rows[py].count * g.cols[px].count;
      g.div_taps[py][px] = FastDivmod(static_cast<uint32_t>(std::max(taps, 1)));
      max_pixels = std::max(max_pixels, s.n * g.rows[py].pixels * g.cols[px].pixels);
      max_k = std::max(max_k, s.c_out * taps);
    }
  }
  for (int px = 0; px < s.stride_w; ++px) {
    g.div_col_taps[px] = FastDivmod(static_cast<uint32_t>(std::max(g.cols[px].count, 1)));
  }
  g.total = in_elements(s);
  if (g.total <= 0) return true;
  if (max_pixels <= 0) return true;  // cannot happen when total > 0
  const dim3 grid_xy(tiles(max_pixels, kTileN), tiles(s.c_in, kTileM));
  const int splits =
      choose_splits(int64_t(grid_xy.x) * grid_xy.y * g.phases, std::max<int64_t>(max_k, 1));
  if (int64_t(splits) * g.phases > 65535) return false;
  float* partials = nullptr;
  if (splits > 1) {
    partials = static_cast<float*>(detail::workspace(stream, sizeof(float) * g.total * splits));
  }
  detail::launch(conv_backward_input_igemm_kernel, dim3(grid_xy.x, grid_xy.y, splits * g.phases),
                 kGemmThreads, stream, splits > 1 ? partials : grad_in, grad_out, w, g);
  NOVA_LAUNCH_CHECK(conv_backward_input_igemm_kernel);
  finish_splits(grad_in, partials, g.total, splits, stream);
  return true;
}

struct AddBias {  // v = {out}
  const float* bias;
  __device__ float operator()(const float* v, int64_t ch) const { return v[0] + bias[ch]; }
};

}  // namespace

void set_conv_algorithm(const std::string& name) {
  algorithm_setting().store(static_cast<int>(parse_algorithm(name)));
}

std::string conv_algorithm() {
  switch (current_algorithm()) {
    case ConvAlgorithm::Direct:
      return "direct";
    case ConvAlgorithm::ImplicitGemm:
      return "implicit_gemm";
    case ConvAlgorithm::Auto:
      return "auto";
  }
  return "auto";
}

std::vector<std::string> conv_algorithms() { return {"direct", "implicit_gemm", "auto"}; }

void conv2d_forward(float* out, const float* in, const float* weight, const ConvShape& s,
                    cudaStream_t stream) {
  if (use_implicit_gemm(s.c_out) && forward_igemm(out, in, weight, s, stream)) {
    return;
  }
  forward_direct(out, in, weight, s, stream);
}

void conv2d_backward_input(float* grad_in, const float* grad_out, const float* weight,
                           const ConvShape& s, cudaStream_t stream) {
  if (use_implicit_gemm(s.c_in) && backward_input_igemm(grad_in, grad_out, weight, s, stream)) {
    return;
  }
  backward_input_direct(grad_in, grad_out, weight, s, stream);
}

void conv2d_backward_weight(float* grad_weight, const float* grad_out, const float* in,
                            const ConvShape& s, cudaStream_t stream) {
  if (use_implicit_gemm(s.c_out) && backward_weight_igemm(grad_weight, grad_out, in, s, stream)) {
    return;
  }
  backward_weight_direct(grad_weight, grad_out, in, s, stream);
}

void add_channel_bias(float* out, const float* bias, int64_t n, int64_t c, int64_t hw,
                      cudaStream_t stream) {
  detail::launch_channel_map<1>(out, detail::Inputs<1>{{out}}, n, c, hw, AddBias{bias}, stream);
}

void channel_sum(float* grad_bias, const float* grad_out, int64_t n, int64_t c, int64_t hw,
                 cudaStream_t stream) {
  detail::launch_channel_sum(grad_bias, grad_out, n, c, hw, 1.0, stream);
}

}  // namespace nova::kernels::cuda
