// CUDA reductions and column copies: the twins of kernels/cpu/reduce.h (float,
// device pointers, plus the stream). Sums accumulate in double in a fixed
// order (no atomics), so results are bit-identical from run to run.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace nova::kernels::cuda {

// out[0] = scale * sum of in[0..n)
void sum(float* out, const float* in, int64_t n, float scale, cudaStream_t stream);

// out[r] = scale * sum over j of in[r, j]
void row_sum(float* out,       // (rows)
             const float* in,  // (rows, cols)
             int64_t rows, int64_t cols, float scale, cudaStream_t stream);

// out[r, j] = scale * in[r]
void broadcast_rows(float* out,       // (rows, cols)
                    const float* in,  // (rows)
                    int64_t rows, int64_t cols, float scale, cudaStream_t stream);

// Copies a (rows, in_cols) block into columns [col_offset, col_offset + in_cols)
// of a (rows, out_cols) array.
void copy_into_columns(float* out, const float* in, int64_t rows, int64_t in_cols, int64_t out_cols,
                       int64_t col_offset, cudaStream_t stream);

// Extracts columns [col_offset, col_offset + out_cols) of a (rows, in_cols) array.
void copy_from_columns(float* out, const float* in, int64_t rows, int64_t out_cols, int64_t in_cols,
                       int64_t col_offset, cudaStream_t stream);

}  // namespace nova::kernels::cuda
