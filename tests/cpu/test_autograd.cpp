// The tape itself: accumulation, detach, no-grad, gradients reaching inputs,
// freeing the graph, and clear errors.
#include <catch2/catch.hpp>

#include "engine/autograd.h"
#include "engine/error.h"
#include "engine/ops.h"

using namespace nova;

namespace {
Tensor vec(std::vector<double> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return Tensor::from_vector(v, {n});
}
}  // namespace

TEST_CASE("autograd: a tensor used twice accumulates both gradients", "[autograd]") {
  Tensor x = vec({1.0, -2.0, 3.0}).requires_grad_();
  sum(add(mul(x, x), scale(x, 3.0))).backward();  // d/dx (x^2 + 3x) = 2x + 3
  CHECK(x.grad().to_double_vector() == std::vector<double>{5.0, -1.0, 9.0});
  sum(x).backward();  // a second backward adds to .grad
  CHECK(x.grad().to_double_vector() == std::vector<double>{6.0, 0.0, 10.0});
  x.zero_grad();
  CHECK_FALSE(x.grad().defined());
}

TEST_CASE("autograd: gradients reach an input while parameters stay untouched", "[autograd]") {
  // The negative-mining pattern: d loss / d z with a frozen weight.
  Tensor w = Tensor::from_vector(std::vector<double>{0.5, -1.0, 2.0, 1.5}, {2, 2});
  Tensor z = Tensor::from_vector(std::vector<double>{1.0, 2.0}, {1, 2}).requires_grad_();
  sum(linear(z, w, Tensor())).backward();
  // d/dz sum(z W^T) = column sums of W.
  CHECK(z.grad().to_double_vector() == std::vector<double>{2.5, 0.5});
  CHECK_FALSE(w.grad().defined());
}

TEST_CASE("autograd: detach and NoGradGuard record nothing", "[autograd]") {
  Tensor x = vec({1.0, 2.0}).requires_grad_();
  CHECK_FALSE(x.detach().requires_grad());
  CHECK_FALSE(mul(x.detach(), x.detach()).requires_grad());
  {
    NoGradGuard guard;
    CHECK_FALSE(grad_enabled());
    CHECK_FALSE(mul(x, x).requires_grad());
  }
  CHECK(grad_enabled());
  CHECK(mul(x, x).requires_grad());
}

TEST_CASE("autograd: the graph is freed after backward", "[autograd]") {
  Tensor x = vec({1.0, 2.0}).requires_grad_();
  Tensor loss = sum(tanh(x));
  loss.backward();
  REQUIRE_THROWS_WITH(loss.backward(), Catch::Contains("a second time"));
}

TEST_CASE("autograd: a wrongly shaped gradient is refused", "[autograd]") {
  Tensor x = vec({1.0, 2.0, 3.0}).requires_grad_();
  Tensor y = tanh(x);
  REQUIRE_THROWS_WITH(y.backward(vec({1.0, 1.0})),
                      Catch::Contains("[2]") && Catch::Contains("[3]"));
}

TEST_CASE("autograd: backward needs something that requires grad", "[autograd]") {
  Tensor x = vec({1.0});
  REQUIRE_THROWS_WITH(sum(x).backward(), Catch::Contains("does not require grad"));
}

TEST_CASE("autograd: gradients flow through reshape views", "[autograd]") {
  Tensor x = Tensor::from_vector(std::vector<double>{1, 2, 3, 4, 5, 6}, {2, 3}).requires_grad_();
  Tensor y = x.reshape({3, 2});
  sum(mul(y, y)).backward();
  CHECK(x.grad().shape() == Shape{2, 3});
  CHECK(x.grad().to_double_vector() == std::vector<double>{2, 4, 6, 8, 10, 12});
}

TEST_CASE("autograd: a long chain does not overflow the stack", "[autograd]") {
  Tensor x = vec({0.5}).requires_grad_();
  Tensor h = x;
  for (int i = 0; i < 20000; ++i) h = add_scalar(h, 0.0);
  sum(h).backward();
  CHECK(x.grad().item() == 1.0);
}
