// CPU reductions. Sums accumulate in double so the result does not depend on
// the thread count.
#pragma once

#include <cstdint>

namespace nova::kernels::cpu {

// out[0] = scale * sum of in[0..n)
template <typename T>
void sum(T* out, const T* in, int64_t n, T scale);

// out[r] = scale * sum over j of in[r, j]
template <typename T>
void row_sum(T* out,       // (rows)
             const T* in,  // (rows, cols)
             int64_t rows, int64_t cols, T scale);

// out[r, j] = scale * in[r]: the backward of row_sum (rows = 1 is the
// backward of sum).
template <typename T>
void broadcast_rows(T* out,       // (rows, cols)
                    const T* in,  // (rows)
                    int64_t rows, int64_t cols, T scale);

// Copies a (rows, in_cols) block into columns [col_offset, col_offset +
// in_cols) of a (rows, out_cols) array: concatenation along a dimension,
// viewed as (outer, size, inner) with in_cols = size * inner.
template <typename T>
void copy_into_columns(T* out, const T* in, int64_t rows, int64_t in_cols, int64_t out_cols,
                       int64_t col_offset);

// The reverse: extracts columns [col_offset, col_offset + out_cols) of a
// (rows, in_cols) array (the backward of concatenation).
template <typename T>
void copy_from_columns(T* out, const T* in, int64_t rows, int64_t out_cols, int64_t in_cols,
                       int64_t col_offset);

}  // namespace nova::kernels::cpu
