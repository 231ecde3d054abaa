// Marks functions usable from both host and device code, so formulas shared by
// the CPU and CUDA backends are written once.
#pragma once

#if defined(__CUDACC__)
#define NOVA_HD __host__ __device__ __forceinline__
#else
#define NOVA_HD inline
#endif
