// CPU kernels other than conv and batchnorm: gemm, elementwise, reductions,
// losses, optimizers and the Philox random fills.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/common/philox.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/loss.h"
#include "kernels/cpu/optim.h"
#include "kernels/cpu/random.h"
#include "kernels/cpu/reduce.h"
#include "tests/support/op_cases.h"

namespace {

namespace cpu = nova::kernels::cpu;
using nova::kernels::Activation;

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

void require_close_scalar(double actual, double expected, double abs_tol, double rel_tol) {
  INFO("got " << actual << ", expected " << expected);
  REQUIRE(std::isfinite(actual));
  REQUIRE(std::fabs(actual - expected) <= abs_tol + rel_tol * std::fabs(expected));
}

// Central difference of f with respect to each element of v, in double.
std::vector<double> numeric_gradient(std::vector<double>& v, const std::function<double()>& f,
                                     double h = 1e-6) {
  std::vector<double> grad(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    const double saved = v[i];
    v[i] = saved + h;
    const double plus = f();
    v[i] = saved - h;
    const double minus = f();
    v[i] = saved;
    grad[i] = (plus - minus) / (2 * h);
  }
  return grad;
}

// C = alpha op(A) op(B) + beta C by the definition.
std::vector<double> naive_gemm(const std::vector<double>& a, const std::vector<double>& b,
                               const std::vector<double>& c, int64_t m, int64_t n, int64_t k,
                               bool ta, bool tb, double alpha, double beta) {
  std::vector<double> out(static_cast<size_t>(m * n));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double acc = 0.0;
      for (int64_t l = 0; l < k; ++l) {
        const double av =
            ta ? a[static_cast<size_t>(l * m + i)] : a[static_cast<size_t>(i * k + l)];
        const double bv =
            tb ? b[static_cast<size_t>(j * k + l)] : b[static_cast<size_t>(l * n + j)];
        acc += av * bv;
      }
      const size_t o = static_cast<size_t>(i * n + j);
      out[o] = alpha * acc + (beta == 0.0 ? 0.0 : beta * c[o]);
    }
  return out;
}

}  // namespace

// ---------------------------------------------------------------- gemm

TEST_CASE("gemm matches the definition for all transpose combinations", "[kernels][gemm][cpu]") {
  INFO("gemm uses BLAS: " << cpu::gemm_uses_blas());
  struct Case {
    int64_t m, n, k;
    bool ta, tb;
  };
  std::vector<Case> cases;
  for (const auto& c : nova::testing::gemm_cases()) {
    if (c.use == nova::testing::CaseUse::Correctness)
      cases.push_back({c.m, c.n, c.k, c.trans_a, c.trans_b});
  }
  REQUIRE(cases.size() == 4);
  // Larger than one block of the fallback loop in k and n.
  cases.push_back({9, 600, 300, false, false});
  cases.push_back({9, 600, 300, true, true});
  // More than one BLAS tile (256 x 512) in m and n, every transpose: each
  // tile addresses its rows and columns inside the full matrices.
  for (const bool ta : {false, true}) {
    for (const bool tb : {false, true}) cases.push_back({300, 1100, 20, ta, tb});
  }
  uint64_t seed = 1;
  for (const Case& c : cases) {
    for (const double beta : {0.0, 0.5}) {
      INFO("m" << c.m << " n" << c.n << " k" << c.k << " ta" << c.ta << " tb" << c.tb << " beta "
               << beta);
      const auto a = random_vector<double>(c.m * c.k, ++seed);
      const auto b = random_vector<double>(c.k * c.n, ++seed);
      const auto c0 = random_vector<double>(c.m * c.n, ++seed);
      const double alpha = 1.5;
      const auto expected = naive_gemm(a, b, c0, c.m, c.n, c.k, c.ta, c.tb, alpha, beta);
      // beta = 0 must not read C: start from NaN.
      auto out = beta == 0.0 ? poisoned<double>(c.m * c.n) : c0;
      cpu::gemm(out.data(), a.data(), b.data(), c.m, c.n, c.k, c.ta, c.tb, alpha, beta);
      require_close(out, expected, 1e-12, 1e-12);

      const std::vector<float> af(a.begin(), a.end()), bf(b.begin(), b.end());
      std::vector<float> outf =
          beta == 0.0 ? poisoned<float>(c.m * c.n) : std::vector<float>(c0.begin(), c0.end());
      cpu::gemm(outf.data(), af.data(), bf.data(), c.m, c.n, c.k, c.ta, c.tb, float(alpha),
                float(beta));
      require_close(outf, expected, 1e-4, 1e-5);
    }
  }
}

#ifdef _OPENMP
TEST_CASE("gemm gives identical bits on 1, 2 and 3 threads", "[kernels][gemm][cpu]") {
  // BLAS's own threading changed the rounding with the thread count (and so
  // a seeded training run): one case of several tiles, one of a single tile
  // with a long k, as in a convolution's weight gradient.
  struct Case {
    int64_t m, n, k;
    bool ta, tb;
  };
  for (const Case& c : {Case{300, 1100, 70, false, true}, Case{64, 400, 6272, false, true}}) {
    INFO("m" << c.m << " n" << c.n << " k" << c.k);
    const auto a = random_vector<float>(c.m * c.k, 31);
    const auto b = random_vector<float>(c.k * c.n, 32);
    auto run = [&](int threads) {
      const int saved = omp_get_max_threads();
      omp_set_num_threads(threads);
      std::vector<float> out(static_cast<size_t>(c.m * c.n));
      cpu::gemm(out.data(), a.data(), b.data(), c.m, c.n, c.k, c.ta, c.tb, 1.0f, 0.0f);
      omp_set_num_threads(saved);
      return out;
    };
    const auto one = run(1);
    REQUIRE(run(2) == one);
    REQUIRE(run(3) == one);
  }
}
#endif

TEST_CASE("gemm with k = 0 scales C by beta", "[kernels][gemm][cpu]") {
  std::vector<double> c = {1, 2, 3, 4, 5, 6};
  const double dummy = 0;
  cpu::gemm(c.data(), &dummy, &dummy, 2, 3, 0, false, false, 2.0, 0.5);
  require_close(c, {0.5, 1, 1.5, 2, 2.5, 3}, 0, 0);
  auto z = poisoned<double>(6);
  cpu::gemm(z.data(), &dummy, &dummy, 2, 3, 0, false, false, 2.0, 0.0);
  require_close(z, {0, 0, 0, 0, 0, 0}, 0, 0);
}

// ---------------------------------------------------------------- elementwise

TEST_CASE("activation_forward on hand-computed values", "[kernels][elementwise][cpu]") {
  const std::vector<double> x = {-2.0, -0.5, 0.5, 3.0};
  auto out = poisoned<double>(4);
  cpu::activation_forward(out.data(), x.data(), 4, Activation::Relu, 0.0);
  require_close(out, {0, 0, 0.5, 3}, 0, 0);
  cpu::activation_forward(out.data(), x.data(), 4, Activation::LeakyRelu, 0.2);
  require_close(out, {-0.4, -0.1, 0.5, 3}, 1e-15, 0);
  cpu::activation_forward(out.data(), x.data(), 4, Activation::Tanh, 0.0);
  require_close(
      out, {-0.9640275800758169, -0.46211715726000974, 0.46211715726000974, 0.9950547536867305},
      1e-15, 1e-15);
  cpu::activation_forward(out.data(), x.data(), 4, Activation::Sigmoid, 0.0);
  require_close(out,
                {0.11920292202211755, 0.3775406687981454, 0.6224593312018546, 0.9525741268224334},
                1e-15, 1e-15);
  cpu::activation_forward(out.data(), x.data(), 4, Activation::Exp, 0.0);
  require_close(out,
                {0.1353352832366127, 0.6065306597126334, 1.6487212707001282, 20.085536923187668},
                1e-15, 1e-15);
  // In place (out aliases in), float.
  std::vector<float> xf = {-2.0f, -0.5f, 0.5f, 3.0f};
  cpu::activation_forward(xf.data(), xf.data(), 4, Activation::LeakyRelu, 0.2f);
  require_close(xf, {-0.4, -0.1, 0.5, 3}, 1e-7, 0);
}

TEST_CASE("activation_backward matches central differences", "[kernels][elementwise][cpu]") {
  for (const Activation a : {Activation::Relu, Activation::LeakyRelu, Activation::Tanh,
                             Activation::Sigmoid, Activation::Exp}) {
    INFO("activation " << static_cast<int>(a));
    auto x = random_vector<double>(1001, 7, -3.0, 3.0);
    for (auto& v : x) {
      if (std::fabs(v) < 1e-3) v = 0.5;  // away from the ReLU kink
    }
    const auto r = random_vector<double>(1001, 8);
    const double slope = 0.2, h = 1e-6;
    // d(sum r y)/dx_i = r_i dy_i/dx_i: each element's own central difference,
    // so the rounding of the other 1000 terms stays out of it.
    std::vector<double> numeric(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      const double xs[2] = {x[i] + h, x[i] - h};
      double ys[2];
      cpu::activation_forward(ys, xs, 2, a, slope);
      numeric[i] = r[i] * (ys[0] - ys[1]) / (2 * h);
    }
    std::vector<double> y(x.size());
    cpu::activation_forward(y.data(), x.data(), 1001, a, slope);
    auto grad = poisoned<double>(1001);
    cpu::activation_backward(grad.data(), r.data(), x.data(), y.data(), 1001, a, slope);
    require_close(grad, numeric, 1e-8, 1e-6);
  }
}

TEST_CASE("binary, axpby, scale_shift, fill, clamp and convert", "[kernels][elementwise][cpu]") {
  const std::vector<double> a = {1.5, -2, 3, 0.25}, b = {0.5, 4, -1, 2};
  auto out = poisoned<double>(4);
  cpu::binary(out.data(), a.data(), b.data(), 4, cpu::BinaryOp::Add);
  require_close(out, {2, 2, 2, 2.25}, 0, 0);
  cpu::binary(out.data(), a.data(), b.data(), 4, cpu::BinaryOp::Sub);
  require_close(out, {1, -6, 4, -1.75}, 0, 0);
  cpu::binary(out.data(), a.data(), b.data(), 4, cpu::BinaryOp::Mul);
  require_close(out, {0.75, -8, -3, 0.5}, 0, 0);
  cpu::axpby(out.data(), 2.0, a.data(), -1.0, b.data(), 4);
  require_close(out, {2.5, -8, 7, -1.5}, 0, 0);
  cpu::scale_shift(out.data(), a.data(), 2.0, 1.0, 4);
  require_close(out, {4, -3, 7, 1.5}, 0, 0);
  cpu::fill(out.data(), 3.25, 4);
  require_close(out, {3.25, 3.25, 3.25, 3.25}, 0, 0);
  cpu::clamp_forward(out.data(), a.data(), -1.0, 1.0, 4);
  require_close(out, {1, -1, 1, 0.25}, 0, 0);
  // The gradient passes where lo <= x <= hi, bounds included.
  const std::vector<double> xc = {-1, -1.5, 1, 2, 0};
  const std::vector<double> g = {1, 2, 3, 4, 5};
  auto gc = poisoned<double>(5);
  cpu::clamp_backward(gc.data(), g.data(), xc.data(), -1.0, 1.0, 5);
  require_close(gc, {1, 0, 3, 0, 5}, 0, 0);

  // In place on a large array (parallel path), float.
  auto big = random_vector<float>(100003, 3);
  const auto copy = big;
  cpu::binary(big.data(), big.data(), copy.data(), 100003, cpu::BinaryOp::Add);
  std::vector<double> doubled(copy.size());
  for (size_t i = 0; i < copy.size(); ++i) doubled[i] = 2.0 * copy[i];
  require_close(big, doubled, 0, 0);

  const std::vector<float> f = {1.5f, -0.1f};
  std::vector<double> d = poisoned<double>(2);
  cpu::convert(d.data(), f.data(), 2);
  REQUIRE(d[0] == 1.5);
  REQUIRE(d[1] == static_cast<double>(-0.1f));
  auto back = poisoned<float>(2);
  cpu::convert(back.data(), d.data(), 2);
  REQUIRE(back == f);
}

// ---------------------------------------------------------------- reductions

TEST_CASE("sum and row_sum accumulate in double", "[kernels][reduce][cpu]") {
  for (const auto& c : nova::testing::elementwise_cases()) {
    if (c.use != nova::testing::CaseUse::Correctness) continue;
    const auto x = random_vector<float>(c.n, 11);
    double expected = 0.0;
    for (float v : x) expected += v;
    auto out = poisoned<float>(1);
    cpu::sum(out.data(), x.data(), c.n, 0.5f);
    require_close(out, {0.5 * expected}, 0, 1e-7);
  }
  // Long enough for the blocked parallel path; float values whose float sum
  // would drift visibly (1 + many small numbers).
  std::vector<float> x(200000, 1e-4f);
  x[0] = 1.0f;
  auto out = poisoned<float>(1);
  cpu::sum(out.data(), x.data(), 200000, 1.0f);
  require_close(out, {1.0 + 199999 * static_cast<double>(1e-4f)}, 0, 1e-7);

  const std::vector<double> m = {1, 2, 3, 4, 5, 6};  // (3, 2)
  auto rows = poisoned<double>(3);
  cpu::row_sum(rows.data(), m.data(), 3, 2, 2.0);
  require_close(rows, {6, 14, 22}, 0, 0);
  const auto many = random_vector<double>(40 * 37, 5);
  auto many_rows = poisoned<double>(40);
  cpu::row_sum(many_rows.data(), many.data(), 40, 37, -0.5);
  for (int64_t r = 0; r < 40; ++r) {
    double acc = 0.0;
    for (int64_t j = 0; j < 37; ++j) acc += many[static_cast<size_t>(r * 37 + j)];
    require_close_scalar(many_rows[static_cast<size_t>(r)], -0.5 * acc, 1e-14, 0);
  }
}

#ifdef _OPENMP
TEST_CASE("sum and the losses give identical bits on 1 and 2 threads", "[kernels][reduce][cpu]") {
  const auto x = random_vector<float>(300001, 21);
  const auto t = random_vector<float>(300001, 22, 0.0, 1.0);
  auto run = [&](int threads) {
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    std::vector<float> r(3);
    cpu::sum(&r[0], x.data(), 300001, 1.0f);
    cpu::bce_logits_forward(&r[1], x.data(), t.data(), 300001);
    cpu::mse_forward(&r[2], x.data(), t.data(), 300001);
    omp_set_num_threads(saved);
    return r;
  };
  REQUIRE(run(1) == run(2));
}
#endif

TEST_CASE("broadcast_rows and column copies", "[kernels][reduce][cpu]") {
  const std::vector<double> v = {1, -2};
  auto out = poisoned<double>(6);
  cpu::broadcast_rows(out.data(), v.data(), 2, 3, 0.5);
  require_close(out, {0.5, 0.5, 0.5, -1, -1, -1}, 0, 0);

  // Concatenate a (2, 2) and a (2, 3) block into (2, 5), and split it back.
  const std::vector<double> left = {1, 2, 3, 4}, right = {5, 6, 7, 8, 9, 10};
  auto cat = poisoned<double>(10);
  cpu::copy_into_columns(cat.data(), left.data(), 2, 2, 5, 0);
  cpu::copy_into_columns(cat.data(), right.data(), 2, 3, 5, 2);
  require_close(cat, {1, 2, 5, 6, 7, 3, 4, 8, 9, 10}, 0, 0);
  auto back = poisoned<double>(6);
  cpu::copy_from_columns(back.data(), cat.data(), 2, 3, 5, 2);
  require_close(back, right, 0, 0);
}

// ---------------------------------------------------------------- losses

TEST_CASE("losses on hand-computed cases", "[kernels][loss][cpu]") {
  auto out = poisoned<double>(1);
  SECTION("bce") {
    const std::vector<double> p = {0.2, 0.9}, t = {0, 1};
    cpu::bce_forward(out.data(), p.data(), t.data(), 2);
    require_close_scalar(out[0], (0.2231435513142097 + 0.10536051565782628) / 2, 1e-15, 1e-14);
  }
  SECTION("bce clamps each log at -100 at p = 0 and p = 1") {
    const std::vector<double> p = {0, 1}, wrong = {1, 0}, right = {0, 1};
    cpu::bce_forward(out.data(), p.data(), wrong.data(), 2);
    require_close_scalar(out[0], 100.0, 0, 0);
    cpu::bce_forward(out.data(), p.data(), right.data(), 2);
    require_close_scalar(out[0], 0.0, 0, 0);  // 0 * (-100), not 0 * (-inf) = NaN
    // The gradient's denominator p (1 - p) is floored at 1e-12.
    const double g = 1.0;
    auto grad = poisoned<double>(2);
    cpu::bce_backward(grad.data(), &g, p.data(), wrong.data(), 2);
    require_close(grad, {-1e12 / 2, 1e12 / 2}, 0, 1e-15);
    std::vector<float> pf = {0.0f, 1.0f}, wf = {1.0f, 0.0f};
    auto outf = poisoned<float>(1);
    cpu::bce_forward(outf.data(), pf.data(), wf.data(), 2);
    require_close(outf, {100.0}, 0, 0);
  }
  SECTION("bce with logits, stable for large |x|") {
    const std::vector<double> x = {0, 2, -3}, t = {1, 0, 1};
    cpu::bce_logits_forward(out.data(), x.data(), t.data(), 3);
    require_close_scalar(out[0], 1.9562208477255532, 1e-15, 1e-14);
    const std::vector<float> big = {1000.0f, -1000.0f}, tb = {0.0f, 1.0f};
    auto outf = poisoned<float>(1);
    cpu::bce_logits_forward(outf.data(), big.data(), tb.data(), 2);
    require_close(outf, {1000.0}, 0, 0);
    const float gf = 1.0f;
    auto gradf = poisoned<float>(2);
    cpu::bce_logits_backward(gradf.data(), &gf, big.data(), tb.data(), 2);
    require_close(gradf, {0.5, -0.5}, 0, 0);
  }
  SECTION("mse and l1") {
    const std::vector<double> a = {1, 2, 3}, b = {0, 4, 3.5};
    cpu::mse_forward(out.data(), a.data(), b.data(), 3);
    require_close_scalar(out[0], 1.75, 0, 1e-15);
    cpu::l1_forward(out.data(), a.data(), b.data(), 3);
    require_close_scalar(out[0], 3.5 / 3, 0, 1e-15);
    // sign(0) = 0: equal elements get no gradient.
    const std::vector<double> c = {1, 4, 3};
    const double g = 3.0;
    auto grad = poisoned<double>(3);
    cpu::l1_backward(grad.data(), &g, a.data(), c.data(), 3);
    require_close(grad, {0, -1, 0}, 0, 1e-15);
    cpu::mse_backward(grad.data(), &g, a.data(), b.data(), 3);
    require_close(grad, {2, -4, -1}, 0, 1e-15);
  }
  SECTION("kl of a diagonal gaussian") {
    const std::vector<double> mu = {0.5, -1, 0.25, 2}, logvar = {0, std::log(2.0), -1, 0.5};
    cpu::kl_gaussian_forward(out.data(), mu.data(), logvar.data(), 2, 2);
    require_close_scalar(out[0], 1.5339883828279062, 1e-15, 1e-14);
  }
}

TEST_CASE("loss backward kernels match central differences", "[kernels][loss][cpu]") {
  const int64_t n = 37;
  const double upstream = 1.7;
  std::vector<double> out(1);
  auto grad = poisoned<double>(n);

  SECTION("bce") {
    auto p = random_vector<double>(n, 1, 0.05, 0.95);
    const auto t = random_vector<double>(n, 2, 0.0, 1.0);
    auto loss = [&] {
      cpu::bce_forward(out.data(), p.data(), t.data(), n);
      return upstream * out[0];
    };
    const auto numeric = numeric_gradient(p, loss);
    cpu::bce_backward(grad.data(), &upstream, p.data(), t.data(), n);
    require_close(grad, numeric, 1e-8, 1e-6);
  }
  SECTION("bce with logits") {
    auto x = random_vector<double>(n, 3, -4.0, 4.0);
    const auto t = random_vector<double>(n, 4, 0.0, 1.0);
    auto loss = [&] {
      cpu::bce_logits_forward(out.data(), x.data(), t.data(), n);
      return upstream * out[0];
    };
    const auto numeric = numeric_gradient(x, loss);
    cpu::bce_logits_backward(grad.data(), &upstream, x.data(), t.data(), n);
    require_close(grad, numeric, 1e-8, 1e-6);
  }
  SECTION("mse") {
    auto a = random_vector<double>(n, 5);
    const auto b = random_vector<double>(n, 6);
    auto loss = [&] {
      cpu::mse_forward(out.data(), a.data(), b.data(), n);
      return upstream * out[0];
    };
    const auto numeric = numeric_gradient(a, loss);
    cpu::mse_backward(grad.data(), &upstream, a.data(), b.data(), n);
    require_close(grad, numeric, 1e-8, 1e-6);
  }
  SECTION("l1") {
    auto a = random_vector<double>(n, 7);
    const auto b = random_vector<double>(n, 8);  // |a - b| > h almost surely
    auto loss = [&] {
      cpu::l1_forward(out.data(), a.data(), b.data(), n);
      return upstream * out[0];
    };
    const auto numeric = numeric_gradient(a, loss);
    cpu::l1_backward(grad.data(), &upstream, a.data(), b.data(), n);
    require_close(grad, numeric, 1e-8, 1e-6);
  }
  SECTION("kl") {
    const int64_t batch = 3, dim = 5;
    auto mu = random_vector<double>(batch * dim, 9);
    auto logvar = random_vector<double>(batch * dim, 10);
    auto loss = [&] {
      cpu::kl_gaussian_forward(out.data(), mu.data(), logvar.data(), batch, dim);
      return upstream * out[0];
    };
    const auto num_mu = numeric_gradient(mu, loss);
    const auto num_logvar = numeric_gradient(logvar, loss);
    auto grad_mu = poisoned<double>(batch * dim), grad_logvar = poisoned<double>(batch * dim);
    cpu::kl_gaussian_backward(grad_mu.data(), grad_logvar.data(), &upstream, mu.data(),
                              logvar.data(), batch, dim);
    require_close(grad_mu, num_mu, 1e-8, 1e-6);
    require_close(grad_logvar, num_logvar, 1e-8, 1e-6);
  }
}

// ---------------------------------------------------------------- optimizers

TEST_CASE("adam_step: two steps against values computed by hand", "[kernels][optim][cpu]") {
  // Hyper-parameters exact in float, so the expected values below (worked out
  // from torch.optim.Adam's update in double) need no float fudge.
  cpu::AdamParams p;
  p.lr = 0.125f;
  p.beta1 = 0.5f;
  p.beta2 = 0.75f;
  p.eps = 1e-8f;
  const double eps = static_cast<double>(1e-8f);

  SECTION("without weight decay") {
    std::vector<double> param = {1.0, -2.0}, m = {0, 0}, v = {0, 0};
    const std::vector<double> g1 = {0.5, -0.25}, g2 = {0.1, 0.3};
    p.step = 1;
    cpu::adam_step(param.data(), m.data(), v.data(), g1.data(), 2, p);
    // m = 0.5 g, v = 0.25 g^2; m_hat = g, v_hat = g^2: param -= lr g / (|g| + eps).
    require_close(m, {0.25, -0.125}, 0, 1e-15);
    require_close(v, {0.0625, 0.015625}, 0, 1e-15);
    require_close(param, {1.0 - 0.125 * 0.5 / (0.5 + eps), -2.0 + 0.125 * 0.25 / (0.25 + eps)}, 0,
                  1e-15);
    p.step = 2;
    cpu::adam_step(param.data(), m.data(), v.data(), g2.data(), 2, p);
    // m = (0.175, 0.0875), v = (0.049375, 0.03421875), bias corrections 0.75 and 0.4375.
    require_close(m, {0.175, 0.0875}, 0, 1e-15);
    require_close(v, {0.049375, 0.03421875}, 0, 1e-15);
    require_close(param, {0.7881795070736983, -1.927145133901508}, 0, 1e-14);

    // The float kernel follows.
    std::vector<float> pf = {1.0f, -2.0f}, mf = {0, 0}, vf = {0, 0};
    const std::vector<float> g1f(g1.begin(), g1.end()), g2f(g2.begin(), g2.end());
    p.step = 1;
    cpu::adam_step(pf.data(), mf.data(), vf.data(), g1f.data(), 2, p);
    p.step = 2;
    cpu::adam_step(pf.data(), mf.data(), vf.data(), g2f.data(), 2, p);
    require_close(pf, {0.7881795070736983, -1.927145133901508}, 0, 1e-6);
  }
  SECTION("with L2 weight decay added to the gradient (not AdamW)") {
    p.weight_decay = 0.5f;
    std::vector<double> param = {1.0}, m = {0}, v = {0};
    const std::vector<double> g1 = {0.5}, g2 = {0.1};
    p.step = 1;
    cpu::adam_step(param.data(), m.data(), v.data(), g1.data(), 1, p);
    p.step = 2;
    cpu::adam_step(param.data(), m.data(), v.data(), g2.data(), 1, p);
    // g1 = 0.5 + 0.5 * 1 = 1; g2 = 0.1 + 0.5 * 0.87500000125.
    require_close(m, {0.5187500003125001}, 0, 1e-15);
    require_close(v, {0.2597265626679688}, 0, 1e-15);
    require_close(param, {0.7627884157809788}, 0, 1e-14);
  }
}

TEST_CASE("sgd_step with and without momentum", "[kernels][optim][cpu]") {
  cpu::SgdParams p;
  p.lr = 0.125f;
  p.momentum = 0.5f;
  p.weight_decay = 0.25f;
  std::vector<double> param = {1.0, -2.0}, buf = poisoned<double>(2);
  const std::vector<double> g1 = {0.5, 1.0}, g2 = {-1.0, 0.5};
  p.first_step = true;
  cpu::sgd_step(param.data(), buf.data(), g1.data(), 2, p);
  // g = grad + 0.25 param = (0.75, 0.5); buf = g; param -= 0.125 buf.
  require_close(buf, {0.75, 0.5}, 0, 0);
  require_close(param, {0.90625, -2.0625}, 0, 0);
  p.first_step = false;
  cpu::sgd_step(param.data(), buf.data(), g2.data(), 2, p);
  // g = (-1 + 0.2265625, 0.5 - 0.515625); buf = 0.5 buf + g.
  require_close(buf, {0.375 - 0.7734375, 0.25 - 0.015625}, 0, 0);
  require_close(param, {0.90625 + 0.125 * 0.3984375, -2.0625 - 0.125 * 0.234375}, 0, 1e-15);

  cpu::SgdParams plain;
  plain.lr = 0.5f;
  std::vector<float> pf = {1.0f, 2.0f};
  const std::vector<float> gf = {0.5f, -1.0f};
  cpu::sgd_step(pf.data(), static_cast<float*>(nullptr), gf.data(), 2, plain);
  require_close(pf, {0.75, 2.5}, 0, 0);
}

// ---------------------------------------------------------------- random

TEST_CASE("Philox4x32-10 known answers (Random123)", "[kernels][random][cpu]") {
  using nova::kernels::Philox4;
  using nova::kernels::philox4x32_block;
  const Philox4 zero = philox4x32_block(Philox4{{0, 0, 0, 0}}, 0, 0);
  CHECK(zero.v[0] == 0x6627e8d5u);
  CHECK(zero.v[1] == 0xe169c58du);
  CHECK(zero.v[2] == 0xbc57ac4cu);
  CHECK(zero.v[3] == 0x9b00dbd8u);
  const Philox4 pi = philox4x32_block(Philox4{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}},
                                      0xa4093822u, 0x299f31d0u);
  CHECK(pi.v[0] == 0xd16cfe09u);
  CHECK(pi.v[1] == 0x94fdccebu);
  CHECK(pi.v[2] == 0x5001e420u);
  CHECK(pi.v[3] == 0x24126ea1u);
  // philox4x32(seed, index) is the block on counter (index lo, index hi, 0, 0), key seed.
  const uint64_t seed = 0x0123456789abcdefull, index = 0xfedcba9876543210ull;
  const Philox4 a = nova::kernels::philox4x32(seed, index);
  const Philox4 b =
      philox4x32_block(Philox4{{0x76543210u, 0xfedcba98u, 0, 0}}, 0x89abcdefu, 0x01234567u);
  for (int i = 0; i < 4; ++i) CHECK(a.v[i] == b.v[i]);
}

TEST_CASE("random_uniform and random_normal statistics", "[kernels][random][cpu]") {
  const int64_t n = 100000;
  auto moments = [](const auto& v, double& mean, double& var) {
    double acc = 0.0;
    for (auto x : v) acc += static_cast<double>(x);
    mean = acc / static_cast<double>(v.size());
    acc = 0.0;
    for (auto x : v) acc += (static_cast<double>(x) - mean) * (static_cast<double>(x) - mean);
    var = acc / static_cast<double>(v.size());
  };
  double mean, var;
  // Bounds are about 5 standard errors: sd(mean) = 0.29 / sqrt(n) = 9e-4,
  // sd(var) = 3e-4 for the uniform; 3.2e-3 and 4.5e-3 for the normal.
  auto u = poisoned<float>(n);
  cpu::random_uniform(u.data(), n, 42, 0, -1.0f, 3.0f);
  REQUIRE(std::all_of(u.begin(), u.end(), [](float x) { return x >= -1.0f && x < 3.0f; }));
  moments(u, mean, var);
  CHECK(std::fabs(mean - 1.0) <= 4 * 5e-3);
  CHECK(std::fabs(var - 16.0 / 12.0) <= 16 * 2e-3);
  auto u01 = poisoned<double>(n);
  cpu::random_uniform(u01.data(), n, 7, 123, 0.0, 1.0);
  moments(u01, mean, var);
  CHECK(std::fabs(mean - 0.5) <= 5e-3);
  CHECK(std::fabs(var - 1.0 / 12.0) <= 2e-3);
  // The mapping is 1 - u of the shared stream.
  for (int64_t i = 0; i < 10; ++i) {
    REQUIRE(u01[static_cast<size_t>(i)] ==
            1.0 - static_cast<double>(nova::kernels::philox_uniform(7, 123 + i)));
  }

  auto z = poisoned<float>(n);
  cpu::random_normal(z.data(), n, 42, 0, 0.0f, 1.0f);
  moments(z, mean, var);
  CHECK(std::fabs(mean) <= 0.02);
  CHECK(std::fabs(var - 1.0) <= 0.03);
  // Element i is philox_normal at counter offset + i.
  auto z_off = poisoned<float>(10);
  cpu::random_normal(z_off.data(), 10, 42, 77, 0.0f, 1.0f);
  for (int64_t i = 0; i < 10; ++i) {
    REQUIRE(z_off[static_cast<size_t>(i)] == nova::kernels::philox_normal(42, 77 + i));
  }
  auto z2 = poisoned<double>(n);
  cpu::random_normal(z2.data(), n, 43, 0, 3.0, 2.0);
  moments(z2, mean, var);
  CHECK(std::fabs(mean - 3.0) <= 0.04);
  CHECK(std::fabs(var - 4.0) <= 0.12);
}

TEST_CASE("random fills are reproducible and offsets address the same stream",
          "[kernels][random][cpu]") {
  const int64_t n = 50000, k = 1234;
  auto a = poisoned<float>(n), b = poisoned<float>(n), tail = poisoned<float>(n - k);
  cpu::random_normal(a.data(), n, 99, 0, 0.0f, 1.0f);
  cpu::random_normal(b.data(), n, 99, 0, 0.0f, 1.0f);
  REQUIRE(a == b);
  cpu::random_normal(tail.data(), n - k, 99, k, 0.0f, 1.0f);
  REQUIRE(std::vector<float>(a.begin() + k, a.end()) == tail);
  cpu::random_normal(b.data(), n, 100, 0, 0.0f, 1.0f);
  REQUIRE(a != b);

  auto ua = poisoned<double>(n), utail = poisoned<double>(n - k);
  cpu::random_uniform(ua.data(), n, 5, 0, 0.0, 1.0);
  cpu::random_uniform(utail.data(), n - k, 5, k, 0.0, 1.0);
  REQUIRE(std::vector<double>(ua.begin() + k, ua.end()) == utail);
}

TEST_CASE("dropout_mask keeps with probability 1 - p and scales by 1 / (1 - p)",
          "[kernels][random][cpu]") {
  const int64_t n = 100000;
  auto mask = poisoned<float>(n);
  cpu::dropout_mask(mask.data(), n, 3, 0, 0.3f);
  int64_t zeros = 0, others = 0;  // others: neither 0 nor 1 / (1 - p)
  for (float v : mask) {
    if (v == 0.0f) {
      ++zeros;
    } else if (v != 1.0f / 0.7f) {
      ++others;
    }
  }
  REQUIRE(others == 0);
  // sd of the fraction = sqrt(0.21 / n) = 1.4e-3.
  CHECK(std::fabs(static_cast<double>(zeros) / n - 0.3) <= 0.01);
  // Kept exactly where the shared uniform exceeds p.
  for (int64_t i = 0; i < 100; ++i) {
    const bool keep = nova::kernels::philox_uniform(3, static_cast<uint64_t>(i)) > 0.3f;
    REQUIRE((mask[static_cast<size_t>(i)] != 0.0f) == keep);
  }

  auto all = poisoned<double>(1000);
  cpu::dropout_mask(all.data(), 1000, 3, 0, 0.0);
  require_close(all, std::vector<double>(1000, 1.0), 0, 0);
  cpu::dropout_mask(all.data(), 1000, 3, 0, 1.0);
  require_close(all, std::vector<double>(1000, 0.0), 0, 0);
}
