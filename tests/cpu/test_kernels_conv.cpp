// CPU convolution kernels: forward against an independent direct loop, the
// two backward kernels through adjoint identities, hand-computed cases, and
// independence of the thread count.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/common/shapes.h"
#include "kernels/cpu/conv.h"
#include "tests/support/op_cases.h"

namespace {

using nova::kernels::ConvShape;
namespace cpu = nova::kernels::cpu;

template <typename T>
std::vector<T> random_vector(int64_t n, uint64_t seed, double lo = -1.0, double hi = 1.0) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<T> v(static_cast<size_t>(n));
  for (auto& x : v) x = static_cast<T>(dist(gen));
  return v;
}

template <typename T>
std::vector<T> poisoned(int64_t n) {
  return std::vector<T>(static_cast<size_t>(n), std::numeric_limits<T>::quiet_NaN());
}

int64_t input_size(const ConvShape& s) { return s.n * s.c_in * s.h_in * s.w_in; }
int64_t output_size(const ConvShape& s) { return s.n * s.c_out * s.h_out * s.w_out; }
int64_t weight_size(const ConvShape& s) { return s.c_out * s.c_in * s.kh * s.kw; }

// Every element finite and |actual - expected| <= abs_tol + rel_tol * |expected|.
template <typename T>
void require_close(const std::vector<T>& actual, const std::vector<double>& expected,
                   double abs_tol, double rel_tol) {
  REQUIRE(actual.size() == expected.size());
  size_t bad = actual.size();  // the first element out of tolerance, if any
  for (size_t i = 0; i < actual.size() && bad == actual.size(); ++i) {
    const double a = static_cast<double>(actual[i]);
    if (!std::isfinite(a) ||
        !(std::fabs(a - expected[i]) <= abs_tol + rel_tol * std::fabs(expected[i])))
      bad = i;
  }
  if (bad < actual.size()) {
    INFO("element " << bad << " of " << actual.size() << ": got "
                    << static_cast<double>(actual[bad]) << ", expected " << expected[bad]
                    << " (tolerance " << abs_tol << " + " << rel_tol << " * |expected|)");
    FAIL_CHECK("not close");
  }
  REQUIRE(bad == actual.size());
}

// Direct convolution, one output element at a time: the seven loops of the
// definition, sharing no code with the kernels.
std::vector<double> naive_conv(const std::vector<double>& in, const std::vector<double>& w,
                               const ConvShape& s) {
  std::vector<double> out(static_cast<size_t>(output_size(s)));
  for (int64_t i = 0; i < s.n; ++i)
    for (int64_t co = 0; co < s.c_out; ++co)
      for (int64_t oy = 0; oy < s.h_out; ++oy)
        for (int64_t ox = 0; ox < s.w_out; ++ox) {
          double acc = 0.0;
          for (int64_t ci = 0; ci < s.c_in; ++ci)
            for (int64_t ky = 0; ky < s.kh; ++ky)
              for (int64_t kx = 0; kx < s.kw; ++kx) {
                const int64_t y = oy * s.stride_h - s.pad_h + ky * s.dilation_h;
                const int64_t x = ox * s.stride_w - s.pad_w + kx * s.dilation_w;
                if (y < 0 || y >= s.h_in || x < 0 || x >= s.w_in) continue;
                acc += in[static_cast<size_t>(((i * s.c_in + ci) * s.h_in + y) * s.w_in + x)] *
                       w[static_cast<size_t>(((co * s.c_in + ci) * s.kh + ky) * s.kw + kx)];
              }
          out[static_cast<size_t>(((i * s.c_out + co) * s.h_out + oy) * s.w_out + ox)] = acc;
        }
  return out;
}

template <typename T>
double dot(const std::vector<T>& a, const std::vector<T>& b) {
  double acc = 0.0;
  for (size_t i = 0; i < a.size(); ++i) acc += static_cast<double>(a[i]) * b[i];
  return acc;
}

std::vector<ConvShape> correctness_shapes() {
  std::vector<ConvShape> shapes;
  for (const auto& c : nova::testing::conv_cases()) {
    if (c.use == nova::testing::CaseUse::Correctness) shapes.push_back(c.shape);
  }
  return shapes;
}

std::string describe(const ConvShape& s) {
  return "n" + std::to_string(s.n) + " c_in" + std::to_string(s.c_in) + " " +
         std::to_string(s.h_in) + "x" + std::to_string(s.w_in) + " -> c_out" +
         std::to_string(s.c_out) + " " + std::to_string(s.h_out) + "x" + std::to_string(s.w_out) +
         " k" + std::to_string(s.kh) + "x" + std::to_string(s.kw) + " s" +
         std::to_string(s.stride_h) + "x" + std::to_string(s.stride_w) + " p" +
         std::to_string(s.pad_h) + "x" + std::to_string(s.pad_w) + " d" +
         std::to_string(s.dilation_h) + "x" + std::to_string(s.dilation_w);
}

// A dilated case (no table entry has dilation) and a case large enough that
// the kernels unfold it in several chunks of images (2 + 1 here), which
// exercises the chunked layout and the double accumulation of grad_weight.
std::vector<ConvShape> extra_shapes() {
  ConvShape dilated = nova::testing::conv_layer_shape(2, 3, 11, 10, 2, 3, 2, 3);
  dilated.dilation_h = 2;
  dilated.dilation_w = 3;
  dilated.h_out = nova::kernels::conv_out_size(dilated.h_in, dilated.kh, dilated.stride_h,
                                               dilated.pad_h, dilated.dilation_h);
  dilated.w_out = nova::kernels::conv_out_size(dilated.w_in, dilated.kw, dilated.stride_w,
                                               dilated.pad_w, dilated.dilation_w);
  const ConvShape chunked = nova::testing::conv_layer_shape(3, 48, 52, 52, 3, 5, 1, 2);
  return {dilated, chunked};
}

}  // namespace

TEST_CASE("conv2d_forward matches a direct loop on the correctness cases", "[kernels][conv][cpu]") {
  std::vector<ConvShape> shapes = correctness_shapes();
  REQUIRE(shapes.size() >= 8);
  for (const ConvShape& s : extra_shapes()) shapes.push_back(s);
  uint64_t seed = 100;
  for (const ConvShape& s : shapes) {
    INFO("shape " << describe(s));
    const auto x = random_vector<double>(input_size(s), ++seed);
    const auto w = random_vector<double>(weight_size(s), ++seed);
    const auto expected = naive_conv(x, w, s);

    // Double: only rounding of sums of at most c_in * kh * kw = 1200 terms.
    auto out = poisoned<double>(output_size(s));
    cpu::conv2d_forward(out.data(), x.data(), w.data(), s);
    require_close(out, expected, 1e-12, 1e-12);

    // Float against the double reference: float rounding of the same sums.
    const std::vector<float> xf(x.begin(), x.end()), wf(w.begin(), w.end());
    auto outf = poisoned<float>(output_size(s));
    cpu::conv2d_forward(outf.data(), xf.data(), wf.data(), s);
    require_close(outf, expected, 1e-4, 1e-5);
  }
}

TEST_CASE("conv2d backward kernels are the adjoints of the forward", "[kernels][conv][cpu]") {
  std::vector<ConvShape> shapes = correctness_shapes();
  for (const ConvShape& s : extra_shapes()) shapes.push_back(s);
  uint64_t seed = 200;
  for (const ConvShape& s : shapes) {
    INFO("shape " << describe(s));
    const auto x = random_vector<double>(input_size(s), ++seed);
    const auto w = random_vector<double>(weight_size(s), ++seed);
    const auto y = random_vector<double>(output_size(s), ++seed);

    auto conv_x = poisoned<double>(output_size(s));
    cpu::conv2d_forward(conv_x.data(), x.data(), w.data(), s);
    auto grad_in = poisoned<double>(input_size(s));
    cpu::conv2d_backward_input(grad_in.data(), y.data(), w.data(), s);
    auto grad_w = poisoned<double>(weight_size(s));
    cpu::conv2d_backward_weight(grad_w.data(), y.data(), x.data(), s);
    auto finite = [](const std::vector<double>& v) {
      return std::all_of(v.begin(), v.end(), [](double e) { return std::isfinite(e); });
    };
    REQUIRE(finite(grad_in));
    REQUIRE(finite(grad_w));

    // <conv(x; w), y> == <x, conv_backward_input(y; w)> == <conv_backward_weight(y, x), w>,
    // to 1e-12 of the sum of absolute products.
    const double lhs = dot(conv_x, y);
    double magnitude = 0.0;
    for (size_t i = 0; i < y.size(); ++i) magnitude += std::fabs(conv_x[i] * y[i]);
    CHECK(std::fabs(lhs - dot(x, grad_in)) <= 1e-12 * magnitude + 1e-12);
    CHECK(std::fabs(lhs - dot(grad_w, w)) <= 1e-12 * magnitude + 1e-12);

    // The float kernels satisfy the same identities to float accuracy.
    const std::vector<float> xf(x.begin(), x.end()), wf(w.begin(), w.end()), yf(y.begin(), y.end());
    auto grad_in_f = poisoned<float>(input_size(s));
    cpu::conv2d_backward_input(grad_in_f.data(), yf.data(), wf.data(), s);
    auto grad_w_f = poisoned<float>(weight_size(s));
    cpu::conv2d_backward_weight(grad_w_f.data(), yf.data(), xf.data(), s);
    require_close(grad_in_f, std::vector<double>(grad_in.begin(), grad_in.end()), 1e-4, 1e-5);
    require_close(grad_w_f, std::vector<double>(grad_w.begin(), grad_w.end()), 1e-3, 1e-5);
  }
}

TEST_CASE("conv2d kernels on a hand-computed 3x3 input with a 2x2 kernel", "[kernels][conv][cpu]") {
  // x = [1 2 3; 4 5 6; 7 8 9], w = [1 2; 3 4], one image, one channel in and out.
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<double> w = {1, 2, 3, 4};
  ConvShape s = nova::testing::conv_layer_shape(1, 1, 3, 3, 1, 2, 1, 0);
  REQUIRE(s.h_out == 2);
  REQUIRE(s.w_out == 2);

  SECTION("stride 1, no padding") {
    auto out = poisoned<double>(4);
    cpu::conv2d_forward(out.data(), x.data(), w.data(), s);
    // 1*1+2*2+4*3+5*4 = 37, 2+6+15+24 = 47, 4+10+21+32 = 67, 5+12+24+36 = 77
    require_close(out, {37, 47, 67, 77}, 0, 0);

    // grad_in is the full correlation of g = [2 -1; 0 1] with w.
    const std::vector<double> g = {2, -1, 0, 1};
    auto grad_in = poisoned<double>(9);
    cpu::conv2d_backward_input(grad_in.data(), g.data(), w.data(), s);
    require_close(grad_in, {2, 3, -2, 6, 6, -2, 0, 3, 4}, 0, 0);

    // grad_w[ky, kx] = sum g[oy, ox] * x[oy + ky, ox + kx]
    auto grad_w = poisoned<double>(4);
    cpu::conv2d_backward_weight(grad_w.data(), g.data(), x.data(), s);
    require_close(grad_w, {5, 7, 11, 13}, 0, 0);
  }

  SECTION("stride 2, padding 1") {
    s = nova::testing::conv_layer_shape(1, 1, 3, 3, 1, 2, 2, 1);
    REQUIRE(s.h_out == 2);
    REQUIRE(s.w_out == 2);
    auto out = poisoned<float>(4);
    const std::vector<float> xf(x.begin(), x.end()), wf(w.begin(), w.end());
    cpu::conv2d_forward(out.data(), xf.data(), wf.data(), s);
    // Taps at rows {-1, 0} / {1, 2} and columns {-1, 0} / {1, 2}:
    // 1*4 = 4, 2*3+3*4 = 18, 4*2+7*4 = 36, 5+12+24+36 = 77
    require_close(out, {4, 18, 36, 77}, 0, 0);
  }
}

TEST_CASE("add_channel_bias and channel_sum on a hand-computed case", "[kernels][conv][cpu]") {
  // (n, c, hw) = (2, 3, 2)
  const std::vector<double> bias = {0.5, -1, 2};
  std::vector<double> out = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  cpu::add_channel_bias(out.data(), bias.data(), 2, 3, 2);
  require_close(out, {1.5, 2.5, 2, 3, 7, 8, 7.5, 8.5, 8, 9, 13, 14}, 0, 0);

  const std::vector<float> g = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  auto sums = poisoned<float>(3);
  cpu::channel_sum(sums.data(), g.data(), 2, 3, 2);
  require_close(sums, {1 + 2 + 7 + 8, 3 + 4 + 9 + 10, 5 + 6 + 11 + 12}, 0, 0);
}

#ifdef _OPENMP
TEST_CASE("conv2d kernels give identical bits on 1 and 2 threads", "[kernels][conv][cpu]") {
  const ConvShape s = nova::testing::conv_layer_shape(5, 6, 15, 13, 7, 5, 2, 2);
  const auto x = random_vector<float>(input_size(s), 1);
  const auto w = random_vector<float>(weight_size(s), 2);
  const auto y = random_vector<float>(output_size(s), 3);
  auto run = [&](int threads) {
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    std::vector<float> out(static_cast<size_t>(output_size(s)));
    std::vector<float> gi(static_cast<size_t>(input_size(s)));
    std::vector<float> gw(static_cast<size_t>(weight_size(s)));
    std::vector<float> gb(static_cast<size_t>(s.c_out));
    cpu::conv2d_forward(out.data(), x.data(), w.data(), s);
    cpu::conv2d_backward_input(gi.data(), y.data(), w.data(), s);
    cpu::conv2d_backward_weight(gw.data(), y.data(), x.data(), s);
    cpu::channel_sum(gb.data(), y.data(), s.n, s.c_out, s.h_out * s.w_out);
    omp_set_num_threads(saved);
    std::vector<float> all;
    for (const auto* v : {&out, &gi, &gw, &gb}) all.insert(all.end(), v->begin(), v->end());
    return all;
  };
  const auto one = run(1), two = run(2);
  REQUIRE(one.size() == two.size());
  for (size_t i = 0; i < one.size(); ++i) {
    INFO("element " << i);
    REQUIRE(one[i] == two[i]);
  }
}
#endif
