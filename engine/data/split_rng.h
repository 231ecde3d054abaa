// A small deterministic random stream for data splits: splitmix64, seeded
// from (seed, class, stream), never from the clock. The same triple gives
// the same numbers on every platform and compiler (unlike std::shuffle and
// the std distributions, whose algorithms are implementation-defined).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace nova::data {

class SplitRng {
 public:
  SplitRng(uint64_t seed, int64_t cls, uint64_t stream) {
    state_ = mix(seed ^ mix(static_cast<uint64_t>(cls) + 0x632BE59BD9B4E019ull * (stream + 1)));
  }

  uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ull;
    return mix(state_);
  }

  // Uniform in [0, bound), bound >= 1, by rejection (no modulo bias).
  uint64_t below(uint64_t bound) {
    const uint64_t limit = (0 - bound) % bound;  // 2^64 mod bound
    uint64_t r = next();
    while (r < limit) r = next();
    return r % bound;
  }

  // Fisher-Yates shuffle.
  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) {
      const auto j = static_cast<size_t>(below(i));
      std::swap(v[i - 1], v[j]);
    }
  }

 private:
  static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t state_;
};

}  // namespace nova::data
