#include "kernels/cuda/common.cuh"
#include "kernels/cuda/reduce.h"

namespace nova::kernels::cuda {
namespace {

using detail::Divider;

struct Load {
  const float* in;
  __device__ double operator()(int64_t i) const { return static_cast<double>(in[i]); }
};

template <typename I>
__global__ void broadcast_rows_kernel(float* out, const float* in, I total, Divider<I> cols,
                                      float scale) {
  const I stride = I(gridDim.x) * blockDim.x;
  for (I e = I(blockIdx.x) * blockDim.x + threadIdx.x; e < total; e += stride) {
    out[e] = scale * in[cols.div(e)];
  }
}

// out[r * out_stride + out_offset + j] = in[r * in_stride + in_offset + j] for
// j < cols: both column copies.
template <typename I>
__global__ void copy_columns_kernel(float* out, const float* in, I total, Divider<I> cols,
                                    int64_t out_stride, int64_t out_offset, int64_t in_stride,
                                    int64_t in_offset) {
  const I stride = I(gridDim.x) * blockDim.x;
  for (I e = I(blockIdx.x) * blockDim.x + threadIdx.x; e < total; e += stride) {
    I r, j;
    cols.divmod(e, r, j);
    out[int64_t(r) * out_stride + out_offset + int64_t(j)] =
        in[int64_t(r) * in_stride + in_offset + int64_t(j)];
  }
}

void copy_columns(float* out, const float* in, int64_t rows, int64_t cols, int64_t out_stride,
                  int64_t out_offset, int64_t in_stride, int64_t in_offset, cudaStream_t stream) {
  const int64_t total = rows * cols;
  if (total <= 0) return;
  if (detail::fits_32(total)) {
    using I = uint32_t;
    detail::launch(copy_columns_kernel<I>, detail::grid_size(total), detail::kThreads, stream, out,
                   in, I(total), Divider<I>(cols), out_stride, out_offset, in_stride, in_offset);
  } else {
    using I = int64_t;
    detail::launch(copy_columns_kernel<I>, detail::grid_size(total), detail::kThreads, stream, out,
                   in, I(total), Divider<I>(cols), out_stride, out_offset, in_stride, in_offset);
  }
  NOVA_LAUNCH_CHECK(copy_columns_kernel);
}

}  // namespace

void sum(float* out, const float* in, int64_t n, float scale, cudaStream_t stream) {
  detail::launch_reduce(out, n, static_cast<double>(scale), Load{in}, stream);
}

void row_sum(float* out, const float* in, int64_t rows, int64_t cols, float scale,
             cudaStream_t stream) {
  // Rows are the channels of a (1, rows, cols) array.
  detail::launch_channel_sum(out, in, 1, rows, cols, static_cast<double>(scale), stream);
}

void broadcast_rows(float* out, const float* in, int64_t rows, int64_t cols, float scale,
                    cudaStream_t stream) {
  const int64_t total = rows * cols;
  if (total <= 0) return;
  if (detail::fits_32(total)) {
    using I = uint32_t;
    detail::launch(broadcast_rows_kernel<I>, detail::grid_size(total), detail::kThreads, stream,
                   out, in, I(total), Divider<I>(cols), scale);
  } else {
    using I = int64_t;
    detail::launch(broadcast_rows_kernel<I>, detail::grid_size(total), detail::kThreads, stream,
                   out, in, I(total), Divider<I>(cols), scale);
  }
  NOVA_LAUNCH_CHECK(broadcast_rows_kernel);
}

void copy_into_columns(float* out, const float* in, int64_t rows, int64_t in_cols, int64_t out_cols,
                       int64_t col_offset, cudaStream_t stream) {
  copy_columns(out, in, rows, in_cols, out_cols, col_offset, in_cols, 0, stream);
}

void copy_from_columns(float* out, const float* in, int64_t rows, int64_t out_cols, int64_t in_cols,
                       int64_t col_offset, cudaStream_t stream) {
  copy_columns(out, in, rows, out_cols, out_cols, 0, in_cols, col_offset, stream);
}

}  // namespace nova::kernels::cuda
