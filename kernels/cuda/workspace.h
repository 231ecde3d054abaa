// Scratch device memory for the kernels' multi-pass reductions (partial sums
// written by one kernel and summed in a fixed order by the next). Internal to
// kernels/cuda; plain C++ so .cpp and .cu files can both include it.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>

namespace nova::kernels::cuda::detail {

// A device buffer of at least `bytes` bytes for work queued on `stream`. It
// stays valid until the next call for the same stream, which may reuse or
// replace it; queued work that still reads it is safe because the old buffer
// returns to the caching allocator, whose blocks are reused in stream order.
// One op at a time per stream: two host threads must not interleave calls on
// the same stream.
void* workspace(cudaStream_t stream, size_t bytes);

}  // namespace nova::kernels::cuda::detail
