// CPU batch normalization: statistics of the output, PyTorch's running
// statistics update, and both backward modes by central differences in double
// against a random projection of the output.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "kernels/common/shapes.h"
#include "kernels/cpu/batchnorm.h"
#include "tests/support/op_cases.h"

namespace {

using nova::kernels::BatchNormShape;
namespace cpu = nova::kernels::cpu;

constexpr double kEps = 1e-5;
constexpr double kMomentum = 0.1;

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

int64_t total(const BatchNormShape& s) { return s.n * s.c * s.hw; }

// An input whose channels have different means and spreads (not centred at 0).
std::vector<double> channel_input(const BatchNormShape& s, uint64_t seed) {
  auto x = random_vector<double>(total(s), seed);
  for (int64_t i = 0; i < s.n; ++i)
    for (int64_t ch = 0; ch < s.c; ++ch)
      for (int64_t p = 0; p < s.hw; ++p) {
        double& v = x[static_cast<size_t>((i * s.c + ch) * s.hw + p)];
        v = 3.0 - 1.5 * static_cast<double>(ch) + (0.5 + 0.75 * static_cast<double>(ch)) * v;
      }
  return x;
}

// Mean and biased variance of channel ch, computed here in two passes.
void channel_stats(const std::vector<double>& x, const BatchNormShape& s, int64_t ch, double& mean,
                   double& var) {
  const double m = static_cast<double>(s.n * s.hw);
  double acc = 0.0;
  for (int64_t i = 0; i < s.n; ++i)
    for (int64_t p = 0; p < s.hw; ++p) acc += x[static_cast<size_t>((i * s.c + ch) * s.hw + p)];
  mean = acc / m;
  acc = 0.0;
  for (int64_t i = 0; i < s.n; ++i)
    for (int64_t p = 0; p < s.hw; ++p) {
      const double d = x[static_cast<size_t>((i * s.c + ch) * s.hw + p)] - mean;
      acc += d * d;
    }
  var = acc / m;
}

double projection(const std::vector<double>& out, const std::vector<double>& r) {
  double acc = 0.0;
  for (size_t i = 0; i < out.size(); ++i) acc += out[i] * r[i];
  return acc;
}

// Central difference of f with respect to each element of v (step h), in double.
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

void require_close(const std::vector<double>& actual, const std::vector<double>& expected,
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

std::vector<BatchNormShape> correctness_shapes() {
  std::vector<BatchNormShape> shapes;
  for (const auto& c : nova::testing::batch_norm_cases()) {
    if (c.use == nova::testing::CaseUse::Correctness) shapes.push_back(c.shape);
  }
  return shapes;
}

}  // namespace

TEST_CASE("batch_norm_forward_train normalizes each channel and updates running stats",
          "[kernels][batchnorm][cpu]") {
  const auto shapes = correctness_shapes();
  REQUIRE(shapes.size() >= 2);
  uint64_t seed = 10;
  for (const BatchNormShape& s : shapes) {
    INFO("shape n" << s.n << " c" << s.c << " hw" << s.hw);
    const auto x = channel_input(s, ++seed);
    const std::vector<double> ones(static_cast<size_t>(s.c), 1.0), zeros(static_cast<size_t>(s.c));
    const auto rm0 = random_vector<double>(s.c, ++seed);
    const auto rv0 = random_vector<double>(s.c, ++seed, 0.5, 2.0);
    auto rm = rm0, rv = rv0;
    auto out = poisoned<double>(total(s));
    auto save_mean = poisoned<double>(s.c), save_invstd = poisoned<double>(s.c);
    cpu::batch_norm_forward_train(out.data(), save_mean.data(), save_invstd.data(), rm.data(),
                                  rv.data(), x.data(), ones.data(), zeros.data(), s, kMomentum,
                                  kEps);
    const double m = static_cast<double>(s.n * s.hw);
    for (int64_t ch = 0; ch < s.c; ++ch) {
      INFO("channel " << ch);
      double x_mean, x_var, y_mean, y_var;
      channel_stats(x, s, ch, x_mean, x_var);
      channel_stats(out, s, ch, y_mean, y_var);
      // Zero mean; unit variance up to eps: var(y) = var(x) / (var(x) + eps).
      CHECK(std::fabs(y_mean) <= 1e-12);
      CHECK(std::fabs(y_var - 1.0) <= 2e-4);
      CHECK(std::fabs(y_var - x_var / (x_var + kEps)) <= 1e-12);
      CHECK(std::fabs(save_mean[ch] - x_mean) <= 1e-12);
      CHECK(std::fabs(save_invstd[ch] - 1.0 / std::sqrt(x_var + kEps)) <= 1e-10);
      // PyTorch: running = (1 - momentum) running + momentum * stat, unbiased variance.
      const double unbiased = x_var * m / (m - 1.0);
      const size_t c = static_cast<size_t>(ch);
      CHECK(std::fabs(rm[c] - (0.9 * rm0[c] + 0.1 * x_mean)) <= 1e-12);
      CHECK(std::fabs(rv[c] - (0.9 * rv0[c] + 0.1 * unbiased)) <= 1e-12);
    }

    // Affine part and null running statistics.
    const auto gamma = random_vector<double>(s.c, ++seed, 0.5, 1.5);
    const auto beta = random_vector<double>(s.c, ++seed);
    auto out2 = poisoned<double>(total(s));
    cpu::batch_norm_forward_train(out2.data(), save_mean.data(), save_invstd.data(),
                                  static_cast<double*>(nullptr), static_cast<double*>(nullptr),
                                  x.data(), gamma.data(), beta.data(), s, kMomentum, kEps);
    std::vector<double> expected(out.size());
    for (int64_t i = 0; i < s.n; ++i)
      for (int64_t ch = 0; ch < s.c; ++ch)
        for (int64_t p = 0; p < s.hw; ++p) {
          const size_t k = static_cast<size_t>((i * s.c + ch) * s.hw + p);
          expected[k] = gamma[static_cast<size_t>(ch)] * out[k] + beta[static_cast<size_t>(ch)];
        }
    require_close(out2, expected, 1e-12, 1e-12);

    // The float kernel agrees with the double one.
    const std::vector<float> xf(x.begin(), x.end()), gf(gamma.begin(), gamma.end()),
        bf(beta.begin(), beta.end());
    auto outf = poisoned<float>(total(s));
    auto mf = poisoned<float>(s.c), isf = poisoned<float>(s.c);
    cpu::batch_norm_forward_train(outf.data(), mf.data(), isf.data(), static_cast<float*>(nullptr),
                                  static_cast<float*>(nullptr), xf.data(), gf.data(), bf.data(), s,
                                  0.1f, 1e-5f);
    require_close(std::vector<double>(outf.begin(), outf.end()), expected, 1e-5, 1e-5);
  }
}

TEST_CASE("batch_norm_forward_eval uses the running statistics", "[kernels][batchnorm][cpu]") {
  const BatchNormShape s{3, 4, 5};
  const auto x = channel_input(s, 1);
  const auto gamma = random_vector<double>(s.c, 2, 0.5, 1.5);
  const auto beta = random_vector<double>(s.c, 3);
  const std::vector<double> rm = {0.5, -1.0, 2.0, 0.25}, rv = {1.0, 0.25, 4.0, 0.5};
  auto out = poisoned<double>(total(s));
  cpu::batch_norm_forward_eval(out.data(), x.data(), gamma.data(), beta.data(), rm.data(),
                               rv.data(), s, kEps);
  std::vector<double> expected(out.size());
  for (size_t k = 0; k < expected.size(); ++k) {
    const size_t ch = (k / static_cast<size_t>(s.hw)) % static_cast<size_t>(s.c);
    expected[k] = (x[k] - rm[ch]) / std::sqrt(rv[ch] + kEps) * gamma[ch] + beta[ch];
  }
  require_close(out, expected, 1e-12, 1e-12);
}

TEST_CASE("batch_norm_backward matches central differences", "[kernels][batchnorm][cpu]") {
  uint64_t seed = 40;
  for (const BatchNormShape& s : correctness_shapes()) {
    INFO("shape n" << s.n << " c" << s.c << " hw" << s.hw);
    auto x = channel_input(s, ++seed);
    auto gamma = random_vector<double>(s.c, ++seed, 0.5, 1.5);
    auto beta = random_vector<double>(s.c, ++seed);
    const auto r = random_vector<double>(total(s), ++seed);  // L = sum(out * r)
    std::vector<double> out(static_cast<size_t>(total(s)));
    std::vector<double> mean(static_cast<size_t>(s.c)), invstd(static_cast<size_t>(s.c));

    SECTION("training mode: gradient through the batch statistics") {
      auto loss = [&] {
        cpu::batch_norm_forward_train(out.data(), mean.data(), invstd.data(),
                                      static_cast<double*>(nullptr), static_cast<double*>(nullptr),
                                      x.data(), gamma.data(), beta.data(), s, kMomentum, kEps);
        return projection(out, r);
      };
      const auto num_x = numeric_gradient(x, loss);
      const auto num_gamma = numeric_gradient(gamma, loss);
      const auto num_beta = numeric_gradient(beta, loss);
      loss();  // saved statistics of the unperturbed input
      auto grad_x = poisoned<double>(total(s));
      auto grad_gamma = poisoned<double>(s.c), grad_beta = poisoned<double>(s.c);
      cpu::batch_norm_backward(grad_x.data(), grad_gamma.data(), grad_beta.data(), r.data(),
                               x.data(), gamma.data(), mean.data(), invstd.data(), s, true);
      // Central differences with h = 1e-6 in double: truncation ~h^2, rounding ~1e-10.
      require_close(grad_x, num_x, 1e-7, 1e-6);
      require_close(grad_gamma, num_gamma, 1e-7, 1e-6);
      require_close(grad_beta, num_beta, 1e-7, 1e-6);

      // The gradient through the statistics matters: sum over a channel of
      // grad_x is zero (the output is invariant to shifting a channel).
      for (int64_t ch = 0; ch < s.c; ++ch) {
        double acc = 0.0;
        for (int64_t i = 0; i < s.n; ++i)
          for (int64_t p = 0; p < s.hw; ++p)
            acc += grad_x[static_cast<size_t>((i * s.c + ch) * s.hw + p)];
        CHECK(std::fabs(acc) <= 1e-10);
      }
    }

    SECTION("evaluation mode: statistics are constants") {
      const auto rm = random_vector<double>(s.c, ++seed);
      const auto rv = random_vector<double>(s.c, ++seed, 0.5, 2.0);
      auto loss = [&] {
        cpu::batch_norm_forward_eval(out.data(), x.data(), gamma.data(), beta.data(), rm.data(),
                                     rv.data(), s, kEps);
        return projection(out, r);
      };
      const auto num_x = numeric_gradient(x, loss);
      const auto num_gamma = numeric_gradient(gamma, loss);
      const auto num_beta = numeric_gradient(beta, loss);
      std::vector<double> rinvstd(rv.size());
      for (size_t c = 0; c < rv.size(); ++c) rinvstd[c] = 1.0 / std::sqrt(rv[c] + kEps);
      auto grad_x = poisoned<double>(total(s));
      auto grad_gamma = poisoned<double>(s.c), grad_beta = poisoned<double>(s.c);
      cpu::batch_norm_backward(grad_x.data(), grad_gamma.data(), grad_beta.data(), r.data(),
                               x.data(), gamma.data(), rm.data(), rinvstd.data(), s, false);
      require_close(grad_x, num_x, 1e-7, 1e-6);
      require_close(grad_gamma, num_gamma, 1e-7, 1e-6);
      require_close(grad_beta, num_beta, 1e-7, 1e-6);

      // Null grad_gamma / grad_beta are allowed and change nothing else.
      auto grad_x2 = poisoned<double>(total(s));
      cpu::batch_norm_backward(grad_x2.data(), static_cast<double*>(nullptr),
                               static_cast<double*>(nullptr), r.data(), x.data(), gamma.data(),
                               rm.data(), rinvstd.data(), s, false);
      require_close(grad_x2, grad_x, 0, 0);
    }
  }
}
