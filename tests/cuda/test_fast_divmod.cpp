// The multiply-high division used for index decomposition in the CUDA kernels,
// checked on the host (the same code runs on the device): runs without a GPU.
#include <cstdint>
#include <random>

#include "kernels/cuda/fast_divmod.h"
#include "tests/cuda/cuda_test_util.h"

using nova::kernels::cuda::FastDivmod;

TEST_CASE("FastDivmod divides like the hardware", "[cuda][divmod]") {
  std::mt19937 gen(1);
  std::uniform_int_distribution<uint32_t> any;
  std::vector<uint32_t> divisors = {1,       2,    3,    5,     7,     25,    49,    64,
                                    196,     1000, 3200, 12544, 65535, 65536, 65537, (1u << 31) - 1,
                                    1u << 31};
  for (int i = 0; i < 200; ++i) divisors.push_back(1 + any(gen) % (1u << 31));
  for (uint32_t d : divisors) {
    const FastDivmod f(d);
    auto check = [&](uint32_t n) {
      uint32_t q, r;
      f.divmod(n, q, r);
      if (q != n / d || r != n % d) {
        FAIL("FastDivmod(" << d << ") of " << n << " gave " << q << " r " << r);
      }
    };
    for (uint32_t n = 0; n < 5000; ++n) check(n);
    for (uint32_t k = 1; k < 50; ++k) {  // around multiples of d
      const uint64_t m = uint64_t(d) * k;
      for (int delta = -2; delta <= 2; ++delta) {
        const int64_t n = static_cast<int64_t>(m) + delta;
        if (n >= 0 && n <= 0xffffffffll) check(static_cast<uint32_t>(n));
      }
    }
    for (int i = 0; i < 2000; ++i) check(any(gen));
    check(0xffffffffu);
    check(0x7fffffffu);
  }
  SUCCEED("all quotients and remainders matched");
}
