// Division of 32-bit unsigned integers by a runtime-constant divisor with a
// multiply-high and a shift (Granlund and Montgomery, "Division by invariant
// integers using multiplication", PLDI 1994, section 4), for index
// decomposition in kernels. Usable on the host (so it is unit-tested without a
// GPU) and on the device.
#pragma once

#include <cstdint>

#include "kernels/common/hd.h"

namespace nova::kernels::cuda {

struct FastDivmod {
  uint32_t divisor = 1;
  uint32_t multiplier = 1;
  uint32_t shift = 0;

  FastDivmod() = default;
  // Requires 1 <= d <= 2^31.
  explicit FastDivmod(uint32_t d) : divisor(d) {
    shift = 0;
    while ((uint64_t(1) << shift) < d) ++shift;  // ceil(log2 d)
    // m = floor(2^32 (2^l - d) / d) + 1 < 2^32 for d <= 2^31.
    multiplier =
        static_cast<uint32_t>(((uint64_t(1) << 32) * ((uint64_t(1) << shift) - d)) / d + 1);
  }

  // floor(n / divisor) for every 32-bit n.
  NOVA_HD uint32_t div(uint32_t n) const {
#if defined(__CUDA_ARCH__)
    const uint32_t t = __umulhi(multiplier, n);
#else
    const uint32_t t = static_cast<uint32_t>((uint64_t(multiplier) * n) >> 32);
#endif
    return static_cast<uint32_t>((uint64_t(t) + n) >> shift);
  }

  NOVA_HD void divmod(uint32_t n, uint32_t& quotient, uint32_t& remainder) const {
    quotient = div(n);
    remainder = n - quotient * divisor;
  }
};

}  // namespace nova::kernels::cuda
