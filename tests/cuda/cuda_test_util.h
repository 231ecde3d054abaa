// Shared helpers of the CUDA parity tests: the no-device skip, device buffers
// with guard regions, random inputs, and comparisons with an absolute and a
// relative tolerance that also catch NaN and Inf.
#pragma once

#include <cuda_runtime_api.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/cuda/runtime.h"
#include "tests/support/op_cases.h"

// First statement of every CUDA test case: without a device the test prints
// the marker CTest reports as skipped, and passes.
#define NOVA_SKIP_WITHOUT_CUDA()                  \
  do {                                            \
    if (!::nova::cuda::device_available()) {      \
      std::cout << "NOVA_SKIP: no CUDA device\n"; \
      return;                                     \
    }                                             \
  } while (0)

namespace nova::testing::cuda {

inline cudaStream_t stream() { return static_cast<cudaStream_t>(::nova::cuda::stream_handle()); }

// Cases the parity tests run: every correctness case and the models' batch-64
// speed cases (only the correctness cases when NOVA_PARITY_QUICK=1, as the
// host emulator of tests/cuda/emulation sets by default).
inline bool parity_case(const std::string& name, CaseUse use) {
  static const bool quick = [] {
    const char* v = std::getenv("NOVA_PARITY_QUICK");
    return v != nullptr && v[0] != '\0' && std::strcmp(v, "0") != 0;
  }();
  if (use == CaseUse::Correctness) return true;
  return !quick && name.find("_b64") != std::string::npos;
}

// Guard elements on each side of a buffer (256 bytes of floats, so the
// payload keeps the allocator's alignment unless misaligned on purpose).
constexpr int64_t kGuard = 64;

template <typename T>
T sentinel() {
  // A NaN with a payload no kernel produces; compared bit for bit. A kernel
  // that reads past its input picks it up as NaN, which the comparisons catch.
  if constexpr (std::is_same_v<T, float>) {
    const uint32_t bits = 0x7fc0deadu;
    float v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  } else {
    const uint64_t bits = 0x7ff8dead0000deadull;
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
}

template <typename T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

// A device array of n elements between two guard regions filled with the
// sentinel. `misalign` shifts the payload by that many elements (1 to 3 make
// float pointers miss 16-byte alignment, to exercise the scalar paths).
template <typename T = float>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(int64_t n, int64_t misalign = 0)
      : n_(n), lead_(kGuard + misalign), total_(n + 2 * kGuard + misalign) {
    base_ = static_cast<T*>(::nova::cuda::device_alloc(sizeof(T) * static_cast<size_t>(total_)));
    std::vector<T> init(static_cast<size_t>(total_), sentinel<T>());
    ::nova::cuda::copy_host_to_device(base_, init.data(), sizeof(T) * init.size());
  }
  DeviceBuffer(const std::vector<T>& host, int64_t misalign = 0)
      : DeviceBuffer(static_cast<int64_t>(host.size()), misalign) {
    upload(host);
  }
  ~DeviceBuffer() { ::nova::cuda::device_free(base_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  T* data() { return base_ + lead_; }
  const T* data() const { return base_ + lead_; }
  int64_t size() const { return n_; }

  void upload(const std::vector<T>& host) {
    REQUIRE(static_cast<int64_t>(host.size()) == n_);
    if (n_ > 0) ::nova::cuda::copy_host_to_device(data(), host.data(), sizeof(T) * host.size());
  }
  std::vector<T> download() const {
    std::vector<T> host(static_cast<size_t>(n_));
    if (n_ > 0) ::nova::cuda::copy_device_to_host(host.data(), data(), sizeof(T) * host.size());
    return host;
  }
  // NaN everywhere in the payload: an output element a kernel forgets stays NaN.
  void poison() { upload(std::vector<T>(static_cast<size_t>(n_), static_cast<T>(std::nan("")))); }

  // True when both guard regions still hold the sentinel.
  bool guards_intact() const {
    std::vector<T> all(static_cast<size_t>(total_));
    ::nova::cuda::copy_device_to_host(all.data(), base_, sizeof(T) * all.size());
    for (int64_t i = 0; i < total_; ++i) {
      if (i >= lead_ && i < lead_ + n_) continue;
      if (!same_bits(all[static_cast<size_t>(i)], sentinel<T>())) return false;
    }
    return true;
  }

 private:
  int64_t n_, lead_, total_;
  T* base_ = nullptr;
};

// Uniform random values in [lo, hi), reproducible from the seed.
inline std::vector<float> random_vector(int64_t n, uint32_t seed, float lo = -1.0f,
                                        float hi = 1.0f) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = dist(gen);
  return v;
}

struct Tolerance {
  double atol = 0.0, rtol = 0.0;
};

inline double rms(const std::vector<float>& v) {
  double acc = 0.0;
  for (float x : v) acc += static_cast<double>(x) * x;
  return v.empty() ? 0.0 : std::sqrt(acc / static_cast<double>(v.size()));
}

// For results that are sums of `terms` float products: rounding grows about
// like sqrt(terms) times the result's magnitude, so the absolute term is
// per_term * sqrt(terms) * rms(expected) (per_term 1e-6 is about 8 float
// ulps); the relative term is rtol.
inline Tolerance sum_tolerance(int64_t terms, const std::vector<float>& expected,
                               double per_term = 1e-6, double rtol = 1e-5) {
  const double t = static_cast<double>(std::max<int64_t>(terms, 1));
  return Tolerance{per_term * std::sqrt(t) * std::max(rms(expected), 1e-30), rtol};
}

// Every element within atol + rtol * |expected|; a non-finite expected value
// must be matched exactly (NaN by NaN, Inf by the same Inf); a non-finite
// actual value where a finite one is expected always fails.
template <typename T>
void check_close(const std::vector<T>& actual, const std::vector<T>& expected, Tolerance tol,
                 const std::string& what) {
  INFO(what);
  REQUIRE(actual.size() == expected.size());
  int64_t bad = 0, non_finite = 0, worst = -1;
  double worst_excess = -1.0;
  for (size_t i = 0; i < actual.size(); ++i) {
    const double a = static_cast<double>(actual[i]), e = static_cast<double>(expected[i]);
    bool ok;
    if (!std::isfinite(e)) {
      ok = (std::isnan(e) && std::isnan(a)) || a == e;
    } else if (!std::isfinite(a)) {
      ok = false;
      ++non_finite;
    } else {
      const double excess = std::fabs(a - e) - (tol.atol + tol.rtol * std::fabs(e));
      ok = excess <= 0.0;
      if (!ok && excess > worst_excess) {
        worst_excess = excess;
        worst = static_cast<int64_t>(i);
      }
    }
    if (!ok) {
      ++bad;
      if (worst < 0) worst = static_cast<int64_t>(i);
    }
  }
  std::ostringstream os;
  os.precision(9);
  os << what << ": " << bad << " of " << actual.size() << " elements out of tolerance (atol "
     << tol.atol << ", rtol " << tol.rtol << "), " << non_finite << " non-finite";
  if (worst >= 0) {
    os << "; worst at " << worst << ": got " << actual[static_cast<size_t>(worst)] << ", expected "
       << expected[static_cast<size_t>(worst)];
  }
  INFO(os.str());
  CHECK(bad == 0);
}

// Bit-for-bit equality (determinism checks).
template <typename T>
void check_identical(const std::vector<T>& a, const std::vector<T>& b, const std::string& what) {
  INFO(what);
  REQUIRE(a.size() == b.size());
  int64_t differ = 0;
  for (size_t i = 0; i < a.size(); ++i) differ += same_bits(a[i], b[i]) ? 0 : 1;
  INFO(differ << " of " << a.size() << " elements differ in their bits");
  CHECK(differ == 0);
}

// Downloads an output, checks its guards and returns its payload.
template <typename T>
std::vector<T> result_of(const DeviceBuffer<T>& buffer, const std::string& what) {
  ::nova::cuda::synchronize();
  INFO(what << ": guard regions around the output must be untouched");
  CHECK(buffer.guards_intact());
  return buffer.download();
}

}  // namespace nova::testing::cuda
