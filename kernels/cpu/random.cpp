// CPU random fills from the shared Philox4x32-10 stream: element i uses the
// counter offset + i (philox_uniform / philox_normal), so the CUDA backend and
// any thread count produce the same numbers.
#include "kernels/cpu/random.h"

#include "kernels/common/philox.h"

namespace nova::kernels::cpu {
namespace {

constexpr int64_t kParallelMin = int64_t(1) << 14;

}  // namespace

// u in (0, 1] maps to lo + (hi - lo) * (1 - u), in [lo, hi). Should rounding
// in T land exactly on hi (a narrow range far from zero), lo is written instead.
template <typename T>
void random_uniform(T* out, int64_t n, uint64_t seed, uint64_t offset, T lo, T hi) {
  const T range = hi - lo;
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) {
    const T u = static_cast<T>(philox_uniform(seed, offset + static_cast<uint64_t>(i)));
    const T value = lo + range * (T(1) - u);
    out[i] = (value >= hi && hi > lo) ? lo : value;
  }
}

template <typename T>
void random_normal(T* out, int64_t n, uint64_t seed, uint64_t offset, T mean, T std) {
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) {
    out[i] = mean + std * static_cast<T>(philox_normal(seed, offset + static_cast<uint64_t>(i)));
  }
}

// Element i is kept when its uniform u in (0, 1] satisfies u > p, with
// probability 1 - p (to 2^-24): p = 0 keeps everything (value 1), p = 1 drops
// everything (all zeros, 1 / (1 - p) is never written).
template <typename T>
void dropout_mask(T* mask, int64_t n, uint64_t seed, uint64_t offset, T p) {
  const T keep_value = p < T(1) ? T(1) / (T(1) - p) : T(0);
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) {
    const T u = static_cast<T>(philox_uniform(seed, offset + static_cast<uint64_t>(i)));
    mask[i] = u > p ? keep_value : T(0);
  }
}

template void random_uniform<float>(float*, int64_t, uint64_t, uint64_t, float, float);
template void random_uniform<double>(double*, int64_t, uint64_t, uint64_t, double, double);
template void random_normal<float>(float*, int64_t, uint64_t, uint64_t, float, float);
template void random_normal<double>(double*, int64_t, uint64_t, uint64_t, double, double);
template void dropout_mask<float>(float*, int64_t, uint64_t, uint64_t, float);
template void dropout_mask<double>(double*, int64_t, uint64_t, uint64_t, double);

}  // namespace nova::kernels::cpu
