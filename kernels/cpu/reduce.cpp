// CPU reductions and column copies. Sums accumulate in double; a long sum is
// cut into fixed blocks of kSumBlock elements (independent of the thread
// count) whose partial sums are then added in block order, so the result is
// the same on any number of threads.
#include "kernels/cpu/reduce.h"

#include <algorithm>
#include <vector>

namespace nova::kernels::cpu {
namespace {

constexpr int64_t kSumBlock = int64_t(1) << 13;
constexpr int64_t kParallelMin = int64_t(1) << 15;

// Sum of in[0..n) in double with a fixed order.
template <typename T>
double deterministic_sum(const T* in, int64_t n) {
  const int64_t blocks = (n + kSumBlock - 1) / kSumBlock;
  if (blocks <= 1) {
    double acc = 0.0;
#pragma omp simd reduction(+ : acc)
    for (int64_t i = 0; i < n; ++i) acc += static_cast<double>(in[i]);
    return acc;
  }
  std::vector<double> partial(static_cast<size_t>(blocks));
#pragma omp parallel for schedule(static)
  for (int64_t blk = 0; blk < blocks; ++blk) {
    const int64_t begin = blk * kSumBlock, end = std::min(n, begin + kSumBlock);
    double acc = 0.0;
#pragma omp simd reduction(+ : acc)
    for (int64_t i = begin; i < end; ++i) acc += static_cast<double>(in[i]);
    partial[static_cast<size_t>(blk)] = acc;
  }
  double total = 0.0;
  for (double value : partial) total += value;
  return total;
}

}  // namespace

template <typename T>
void sum(T* out, const T* in, int64_t n, T scale) {
  out[0] = static_cast<T>(static_cast<double>(scale) * deterministic_sum(in, n));
}

template <typename T>
void row_sum(T* out, const T* in, int64_t rows, int64_t cols, T scale) {
  if (rows < 4) {
    // Few long rows: parallelise inside each row instead.
    for (int64_t r = 0; r < rows; ++r) sum(out + r, in + r * cols, cols, scale);
    return;
  }
#pragma omp parallel for schedule(static) if (rows * cols >= kParallelMin)
  for (int64_t r = 0; r < rows; ++r) {
    const T* row = in + r * cols;
    double acc = 0.0;
#pragma omp simd reduction(+ : acc)
    for (int64_t j = 0; j < cols; ++j) acc += static_cast<double>(row[j]);
    out[r] = static_cast<T>(static_cast<double>(scale) * acc);
  }
}

template <typename T>
void broadcast_rows(T* out, const T* in, int64_t rows, int64_t cols, T scale) {
#pragma omp parallel for schedule(static) if (rows * cols >= kParallelMin)
  for (int64_t r = 0; r < rows; ++r) {
    const T value = scale * in[r];
    T* row = out + r * cols;
    for (int64_t j = 0; j < cols; ++j) row[j] = value;
  }
}

template <typename T>
void copy_into_columns(T* out, const T* in, int64_t rows, int64_t in_cols, int64_t out_cols,
                       int64_t col_offset) {
#pragma omp parallel for schedule(static) if (rows * in_cols >= kParallelMin)
  for (int64_t r = 0; r < rows; ++r) {
    const T* src = in + r * in_cols;
    std::copy(src, src + in_cols, out + r * out_cols + col_offset);
  }
}

template <typename T>
void copy_from_columns(T* out, const T* in, int64_t rows, int64_t out_cols, int64_t in_cols,
                       int64_t col_offset) {
#pragma omp parallel for schedule(static) if (rows * out_cols >= kParallelMin)
  for (int64_t r = 0; r < rows; ++r) {
    const T* src = in + r * in_cols + col_offset;
    std::copy(src, src + out_cols, out + r * out_cols);
  }
}

#define NOVA_INSTANTIATE_REDUCE(T)                                                      \
  template void sum<T>(T*, const T*, int64_t, T);                                       \
  template void row_sum<T>(T*, const T*, int64_t, int64_t, T);                          \
  template void broadcast_rows<T>(T*, const T*, int64_t, int64_t, T);                   \
  template void copy_into_columns<T>(T*, const T*, int64_t, int64_t, int64_t, int64_t); \
  template void copy_from_columns<T>(T*, const T*, int64_t, int64_t, int64_t, int64_t);

NOVA_INSTANTIATE_REDUCE(float)
NOVA_INSTANTIATE_REDUCE(double)

#undef NOVA_INSTANTIATE_REDUCE

}  // namespace nova::kernels::cpu
