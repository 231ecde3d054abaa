// CPU convolution by im2col / col2im + gemm, on chunks of images.
//
// A chunk of nb images is unfolded into one column matrix col (K, nb * hw_out)
// with K = c_in * kh * kw and column b * hw_out + p for image b, output pixel
// p. Then
//   forward:         out(c_out, nb*hw_out)  = W(c_out, K) * col
//   backward input:  col                    = W^T * grad_out(c_out, nb*hw_out), then col2im
//   backward weight: grad_W(c_out, K)      += grad_out(c_out, nb*hw_out) * col^T
// The chunk size depends only on the shape (the column buffer is kept under
// kColBudget elements), never on the thread count, so every result is
// deterministic. gemm is always called outside OpenMP regions. For
// grad_weight, gemm sums within a chunk in T (BLAS order); the chunks' partial
// sums are then added in double, in chunk order.
#include "kernels/cpu/conv.h"

#include <algorithm>
#include <vector>

#include "kernels/cpu/gemm.h"

namespace nova::kernels::cpu {
namespace {

// Elements of the column buffer per chunk (32 MiB in float, 64 MiB in double).
constexpr int64_t kColBudget = int64_t(1) << 23;
// Below this many elements the simple loops stay on one thread.
constexpr int64_t kParallelMin = int64_t(1) << 14;

// Whether the loops that unfold, fold and reorder around a gemm call share
// the work among the OpenMP threads. gemm itself runs on those same threads
// (one single-threaded BLAS call per tile, kernels/cpu/gemm.cpp), so no BLAS
// thread competes with them; these memory-bound loops were a quarter of a
// CPU OCGAN iteration when they ran on one thread.
bool helpers_parallel(int64_t work) { return work >= kParallelMin; }

// Number of images unfolded at once: as many as fit the budget, at least one.
int64_t chunk_images(const ConvShape& s) {
  const int64_t per_image = s.c_in * s.kh * s.kw * s.h_out * s.w_out;
  if (per_image <= 0) return std::max<int64_t>(s.n, 1);
  return std::clamp<int64_t>(kColBudget / per_image, 1, std::max<int64_t>(s.n, 1));
}

// The output positions o in [lo, hi) of an axis of length `out` whose input
// coordinate o * stride + offset lies inside [0, in).
struct Range {
  int64_t lo, hi;
};

Range valid_range(int64_t out, int64_t in, int64_t stride, int64_t offset) {
  int64_t lo = offset < 0 ? (-offset + stride - 1) / stride : 0;
  int64_t hi = in - 1 - offset >= 0 ? (in - 1 - offset) / stride + 1 : 0;
  hi = std::min(hi, out);
  lo = std::min(lo, hi);
  return {lo, hi};
}

// For each kernel tap along one axis: its input offset and the output
// positions whose input coordinate falls inside the image, computed once per
// call rather than for every row and image.
struct AxisTaps {
  std::vector<int64_t> offset;
  std::vector<Range> valid;
};

AxisTaps axis_taps(int64_t k, int64_t dilation, int64_t pad, int64_t out, int64_t in,
                   int64_t stride) {
  AxisTaps taps;
  for (int64_t t = 0; t < k; ++t) {
    taps.offset.push_back(t * dilation - pad);
    taps.valid.push_back(valid_range(out, in, stride, taps.offset.back()));
  }
  return taps;
}

// col (K, nb * hw_out) from the chunk in (nb, c_in, h_in, w_in); zero where the
// kernel tap falls in the padding. Threads share the rows of col.
template <typename T>
void im2col(T* col, const T* in, int64_t nb, const ConvShape& s) {
  const int64_t hw_in = s.h_in * s.w_in, hw_out = s.h_out * s.w_out;
  const int64_t rows = s.c_in * s.kh * s.kw, cols = nb * hw_out;
  const AxisTaps ty = axis_taps(s.kh, s.dilation_h, s.pad_h, s.h_out, s.h_in, s.stride_h);
  const AxisTaps tx = axis_taps(s.kw, s.dilation_w, s.pad_w, s.w_out, s.w_in, s.stride_w);
#pragma omp parallel for schedule(static) if (helpers_parallel(rows * cols))
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t kx = r % s.kw, ky = (r / s.kw) % s.kh, ci = r / (s.kw * s.kh);
    const int64_t off_y = ty.offset[ky], off_x = tx.offset[kx];
    const Range ry = ty.valid[ky], rx = tx.valid[kx];
    for (int64_t b = 0; b < nb; ++b) {
      const T* plane = in + (b * s.c_in + ci) * hw_in;
      T* dst = col + r * cols + b * hw_out;
      for (int64_t oy = 0; oy < s.h_out; ++oy) {
        T* drow = dst + oy * s.w_out;
        if (oy < ry.lo || oy >= ry.hi) {
          std::fill(drow, drow + s.w_out, T(0));
          continue;
        }
        const T* srow = plane + (oy * s.stride_h + off_y) * s.w_in;
        std::fill(drow, drow + rx.lo, T(0));
        for (int64_t ox = rx.lo; ox < rx.hi; ++ox) drow[ox] = srow[ox * s.stride_w + off_x];
        std::fill(drow + rx.hi, drow + s.w_out, T(0));
      }
    }
  }
}

// The adjoint of im2col: grad_in (nb, c_in, h_in, w_in) = sum of the columns'
// taps. Work goes by input channel and block of kFoldImages images, reading
// each of the channel's kh * kw rows of col front to back across the block
// (per image the rows are hw_out apart, too scattered for the prefetcher:
// reading them image by image left col2im waiting on memory). Each plane is
// summed by one thread in tap order, whatever the block size or thread count.
constexpr int64_t kFoldImages = 8;

template <typename T>
void col2im(T* grad_in, const T* col, int64_t nb, const ConvShape& s) {
  const int64_t hw_in = s.h_in * s.w_in, hw_out = s.h_out * s.w_out;
  const int64_t cols = nb * hw_out;
  const AxisTaps ty = axis_taps(s.kh, s.dilation_h, s.pad_h, s.h_out, s.h_in, s.stride_h);
  const AxisTaps tx = axis_taps(s.kw, s.dilation_w, s.pad_w, s.w_out, s.w_in, s.stride_w);
  const int64_t blocks = (nb + kFoldImages - 1) / kFoldImages;
#pragma omp parallel for collapse(2) schedule(static) if (helpers_parallel(nb * s.c_in * hw_in))
  for (int64_t ci = 0; ci < s.c_in; ++ci) {
    for (int64_t block = 0; block < blocks; ++block) {
      const int64_t b0 = block * kFoldImages, b1 = std::min(nb, b0 + kFoldImages);
      for (int64_t b = b0; b < b1; ++b) {
        T* plane = grad_in + (b * s.c_in + ci) * hw_in;
        std::fill(plane, plane + hw_in, T(0));
      }
      for (int64_t ky = 0; ky < s.kh; ++ky) {
        const int64_t off_y = ty.offset[ky];
        const Range ry = ty.valid[ky];
        for (int64_t kx = 0; kx < s.kw; ++kx) {
          const int64_t off_x = tx.offset[kx];
          const Range rx = tx.valid[kx];
          const T* row = col + ((ci * s.kh + ky) * s.kw + kx) * cols;
          for (int64_t b = b0; b < b1; ++b) {
            T* plane = grad_in + (b * s.c_in + ci) * hw_in;
            const T* src = row + b * hw_out;
            for (int64_t oy = ry.lo; oy < ry.hi; ++oy) {
              T* prow = plane + (oy * s.stride_h + off_y) * s.w_in;
              const T* srow = src + oy * s.w_out;
              for (int64_t ox = rx.lo; ox < rx.hi; ++ox) {
                prow[ox * s.stride_w + off_x] += srow[ox];
              }
            }
          }
        }
      }
    }
  }
}

// (c, nb * hw) chunk layout <-> (nb, c, hw) NCHW layout.
template <typename T>
void chunk_to_nchw(T* nchw, const T* chunk, int64_t nb, int64_t c, int64_t hw) {
#pragma omp parallel for collapse(2) schedule(static) if (helpers_parallel(nb * c * hw))
  for (int64_t b = 0; b < nb; ++b) {
    for (int64_t ch = 0; ch < c; ++ch) {
      const T* src = chunk + ch * nb * hw + b * hw;
      std::copy(src, src + hw, nchw + (b * c + ch) * hw);
    }
  }
}

template <typename T>
void nchw_to_chunk(T* chunk, const T* nchw, int64_t nb, int64_t c, int64_t hw) {
#pragma omp parallel for collapse(2) schedule(static) if (helpers_parallel(nb * c * hw))
  for (int64_t b = 0; b < nb; ++b) {
    for (int64_t ch = 0; ch < c; ++ch) {
      const T* src = nchw + (b * c + ch) * hw;
      std::copy(src, src + hw, chunk + ch * nb * hw + b * hw);
    }
  }
}

// A scratch buffer of at least `count` elements, kept per thread across calls
// so the training loop does not page in fresh memory on every convolution.
template <typename T>
T* scratch(std::vector<T>& buffer, int64_t count) {
  if (static_cast<int64_t>(buffer.size()) < count) buffer.resize(static_cast<size_t>(count));
  return buffer.data();
}

}  // namespace

template <typename T>
void conv2d_forward(T* out, const T* in, const T* weight, const ConvShape& s) {
  const int64_t k = s.c_in * s.kh * s.kw;
  const int64_t hw_in = s.h_in * s.w_in, hw_out = s.h_out * s.w_out;
  if (s.n <= 0 || s.c_out <= 0 || hw_out <= 0) return;
  if (k <= 0) {
    std::fill(out, out + s.n * s.c_out * hw_out, T(0));
    return;
  }
  thread_local std::vector<T> col_buffer, out_buffer;
  const int64_t chunk = chunk_images(s);
  for (int64_t i0 = 0; i0 < s.n; i0 += chunk) {
    const int64_t nb = std::min(chunk, s.n - i0), cols = nb * hw_out;
    T* col = scratch(col_buffer, k * cols);
    im2col(col, in + i0 * s.c_in * hw_in, nb, s);
    T* dst = out + i0 * s.c_out * hw_out;
    if (nb == 1) {
      gemm(dst, weight, col, s.c_out, cols, k, false, false, T(1), T(0));
    } else {
      T* tmp = scratch(out_buffer, s.c_out * cols);
      gemm(tmp, weight, col, s.c_out, cols, k, false, false, T(1), T(0));
      chunk_to_nchw(dst, tmp, nb, s.c_out, hw_out);
    }
  }
}

template <typename T>
void conv2d_backward_input(T* grad_in, const T* grad_out, const T* weight, const ConvShape& s) {
  const int64_t k = s.c_in * s.kh * s.kw;
  const int64_t hw_in = s.h_in * s.w_in, hw_out = s.h_out * s.w_out;
  if (s.n <= 0 || s.c_in <= 0 || hw_in <= 0) return;
  if (k <= 0 || s.c_out <= 0 || hw_out <= 0) {
    std::fill(grad_in, grad_in + s.n * s.c_in * hw_in, T(0));
    return;
  }
  thread_local std::vector<T> col_buffer, grad_buffer;
  const int64_t chunk = chunk_images(s);
  for (int64_t i0 = 0; i0 < s.n; i0 += chunk) {
    const int64_t nb = std::min(chunk, s.n - i0), cols = nb * hw_out;
    const T* src = grad_out + i0 * s.c_out * hw_out;
    if (nb > 1) {
      T* tmp = scratch(grad_buffer, s.c_out * cols);
      nchw_to_chunk(tmp, src, nb, s.c_out, hw_out);
      src = tmp;
    }
    T* col = scratch(col_buffer, k * cols);
    gemm(col, weight, src, k, cols, s.c_out, true, false, T(1), T(0));
    col2im(grad_in + i0 * s.c_in * hw_in, col, nb, s);
  }
}

template <typename T>
void conv2d_backward_weight(T* grad_weight, const T* grad_out, const T* in, const ConvShape& s) {
  const int64_t k = s.c_in * s.kh * s.kw;
  const int64_t hw_in = s.h_in * s.w_in, hw_out = s.h_out * s.w_out;
  const int64_t count = s.c_out * k;
  if (count <= 0) return;
  if (s.n <= 0 || hw_out <= 0) {
    std::fill(grad_weight, grad_weight + count, T(0));
    return;
  }
  thread_local std::vector<T> col_buffer, grad_buffer, partial_buffer;
  const int64_t chunk = chunk_images(s);
  const bool single_chunk = chunk >= s.n;
  // Partial sums of the chunks are added in double, in chunk order.
  std::vector<double> total;
  if (!single_chunk) total.assign(static_cast<size_t>(count), 0.0);
  for (int64_t i0 = 0; i0 < s.n; i0 += chunk) {
    const int64_t nb = std::min(chunk, s.n - i0), cols = nb * hw_out;
    const T* src = grad_out + i0 * s.c_out * hw_out;
    if (nb > 1) {
      T* tmp = scratch(grad_buffer, s.c_out * cols);
      nchw_to_chunk(tmp, src, nb, s.c_out, hw_out);
      src = tmp;
    }
    T* col = scratch(col_buffer, k * cols);
    im2col(col, in + i0 * s.c_in * hw_in, nb, s);
    if (single_chunk) {
      gemm(grad_weight, src, col, s.c_out, k, cols, false, true, T(1), T(0));
    } else {
      T* partial = scratch(partial_buffer, count);
      gemm(partial, src, col, s.c_out, k, cols, false, true, T(1), T(0));
      double* acc = total.data();
#pragma omp parallel for schedule(static) if (helpers_parallel(count))
      for (int64_t i = 0; i < count; ++i) acc[i] += static_cast<double>(partial[i]);
    }
  }
  if (!single_chunk) {
    for (int64_t i = 0; i < count; ++i) grad_weight[i] = static_cast<T>(total[i]);
  }
}

template <typename T>
void add_channel_bias(T* out, const T* bias, int64_t n, int64_t c, int64_t hw) {
#pragma omp parallel for collapse(2) schedule(static) if (n * c * hw >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t ch = 0; ch < c; ++ch) {
      T* plane = out + (i * c + ch) * hw;
      const T value = bias[ch];
      for (int64_t p = 0; p < hw; ++p) plane[p] += value;
    }
  }
}

template <typename T>
void channel_sum(T* grad_bias, const T* grad_out, int64_t n, int64_t c, int64_t hw) {
#pragma omp parallel for schedule(static) if (n * c * hw >= kParallelMin)
  for (int64_t ch = 0; ch < c; ++ch) {
    double acc = 0.0;
    for (int64_t i = 0; i < n; ++i) {
      const T* plane = grad_out + (i * c + ch) * hw;
#pragma omp simd reduction(+ : acc)
      for (int64_t p = 0; p < hw; ++p) acc += static_cast<double>(plane[p]);
    }
    grad_bias[ch] = static_cast<T>(acc);
  }
}

#define NOVA_INSTANTIATE_CONV(T)                                                     \
  template void conv2d_forward<T>(T*, const T*, const T*, const ConvShape&);         \
  template void conv2d_backward_input<T>(T*, const T*, const T*, const ConvShape&);  \
  template void conv2d_backward_weight<T>(T*, const T*, const T*, const ConvShape&); \
  template void add_channel_bias<T>(T*, const T*, int64_t, int64_t, int64_t);        \
  template void channel_sum<T>(T*, const T*, int64_t, int64_t, int64_t);

NOVA_INSTANTIATE_CONV(float)
NOVA_INSTANTIATE_CONV(double)

#undef NOVA_INSTANTIATE_CONV

}  // namespace nova::kernels::cpu
