// Philox4x32-10 counter-based generator (Salmon et al., SC 2011). A stream is
// defined by (seed, offset): element i of a fill drawn at `offset` uses the
// counter offset + i, so the CPU and CUDA backends produce the same numbers
// whatever order the elements are computed in.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/common/hd.h"

namespace nova::kernels {

struct Philox4 {
  uint32_t v[4];
};

NOVA_HD void philox_mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  const uint64_t product = static_cast<uint64_t>(a) * static_cast<uint64_t>(b);
  hi = static_cast<uint32_t>(product >> 32);
  lo = static_cast<uint32_t>(product);
}

// The Philox4x32-10 block function: ten rounds on the full 128-bit counter
// with the 64-bit key (key0, key1), as in Random123's philox4x32_R(10, ...).
// Exposed so a known-answer test can check it against Random123's vectors.
NOVA_HD Philox4 philox4x32_block(Philox4 counter, uint32_t key0, uint32_t key1) {
  constexpr uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
  constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  uint32_t c0 = counter.v[0], c1 = counter.v[1], c2 = counter.v[2], c3 = counter.v[3];
  uint32_t k0 = key0, k1 = key1;
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    philox_mulhilo(kMul0, c0, hi0, lo0);
    philox_mulhilo(kMul1, c2, hi1, lo1);
    const uint32_t n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
    c0 = n0;
    c1 = n1;
    c2 = n2;
    c3 = n3;
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  return Philox4{{c0, c1, c2, c3}};
}

// Ten rounds of Philox4x32 on the 128-bit counter (index, 0) with the 64-bit
// key `seed` (low word first in both).
NOVA_HD Philox4 philox4x32(uint64_t seed, uint64_t index) {
  const Philox4 counter{{static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32), 0u, 0u}};
  return philox4x32_block(counter, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
}

// Uniform in (0, 1]: 24 random bits, never 0 so log() in Box-Muller is finite.
NOVA_HD float philox_bits_to_unit(uint32_t bits) {
  return (static_cast<float>(bits >> 8) + 1.0f) * (1.0f / 16777216.0f);
}

// One uniform sample in (0, 1] for element `index` of the stream `seed`.
NOVA_HD float philox_uniform(uint64_t seed, uint64_t index) {
  return philox_bits_to_unit(philox4x32(seed, index).v[0]);
}

// One standard-normal sample for element `index` (Box-Muller on two words of
// the same Philox block). Computed in float on both backends so they agree.
NOVA_HD float philox_normal(uint64_t seed, uint64_t index) {
  const Philox4 r = philox4x32(seed, index);
  const float u1 = philox_bits_to_unit(r.v[0]);
  const float u2 = philox_bits_to_unit(r.v[1]);
  const float radius = sqrtf(-2.0f * logf(u1));
  return radius * cosf(6.283185307179586f * u2);
}

}  // namespace nova::kernels
