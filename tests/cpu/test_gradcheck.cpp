// Double-precision gradient checks of every op against central differences
// (tests/support/gradcheck.h). Tolerance, unless a case says otherwise:
// |analytic - numeric| <= 1e-6 + 1e-5 * |numeric| with a step of 1e-6.
#include <catch2/catch.hpp>

#include "engine/autograd.h"
#include "engine/nn/layers.h"
#include "engine/ops.h"
#include "tests/support/gradcheck.h"
#include "tests/support/op_cases.h"

using namespace nova;
using nova::testing::gradcheck;
using nova::testing::GradCheckOptions;
using nova::testing::random_double;

namespace {

const std::vector<Shape> kShapes = {{7}, {3, 5}, {2, 3, 4, 5}};

void require_ok(const nova::testing::GradCheckResult& r) {
  INFO(r.report);
  INFO("max error " << r.max_error);
  REQUIRE(r.ok);
}

// A conv weight is [c_out, c_in, k, k]; so is the transposed conv's, read as
// [its c_in, its c_out, k, k] (its input is the conv's output).
Shape weight_shape_of(const nova::testing::ConvCase& c) {
  return {c.shape.c_out, c.shape.c_in, c.shape.kh, c.shape.kw};
}

}  // namespace

TEST_CASE("gradcheck: add, sub, mul, scale, add_scalar", "[gradcheck]") {
  for (const Shape& shape : kShapes) {
    const Tensor a = random_double(shape, 1), b = random_double(shape, 2);
    require_ok(gradcheck([](const auto& x) { return add(x[0], x[1]); }, {a, b}));
    require_ok(gradcheck([](const auto& x) { return sub(x[0], x[1]); }, {a, b}));
    require_ok(gradcheck([](const auto& x) { return mul(x[0], x[1]); }, {a, b}));
    require_ok(gradcheck([](const auto& x) { return mul(x[0], x[0]); }, {a}));  // accumulation
    require_ok(gradcheck([](const auto& x) { return scale(x[0], -2.5); }, {a}));
    require_ok(gradcheck([](const auto& x) { return add_scalar(x[0], 0.3); }, {a}));
  }
}

TEST_CASE("gradcheck: activations", "[gradcheck]") {
  for (const Shape& shape : kShapes) {
    // Values at least 0.05 from zero keep central differences off the ReLU kink.
    const Tensor x = random_double(shape, 3, -2.0, 2.0, 0.05);
    require_ok(gradcheck([](const auto& v) { return relu(v[0]); }, {x}));
    require_ok(gradcheck([](const auto& v) { return leaky_relu(v[0], 0.2); }, {x}));
    require_ok(gradcheck([](const auto& v) { return tanh(v[0]); }, {x}));
    require_ok(gradcheck([](const auto& v) { return sigmoid(v[0]); }, {x}));
    require_ok(gradcheck([](const auto& v) { return exp(v[0]); }, {x}));
  }
}

TEST_CASE("gradcheck: clamp away from its bounds", "[gradcheck]") {
  Tensor x = random_double({4, 6}, 4, -2.0, 2.0);
  double* p = x.data<double>();
  for (int64_t i = 0; i < x.numel(); ++i) {  // keep 0.01 away from the bounds +-1
    if (std::fabs(std::fabs(p[i]) - 1.0) < 0.01) p[i] *= 1.05;
  }
  require_ok(gradcheck([](const auto& v) { return clamp(v[0], -1.0, 1.0); }, {x}));
}

TEST_CASE("gradcheck: dropout with a fixed mask", "[gradcheck]") {
  const Tensor x = random_double({5, 7}, 5);
  require_ok(gradcheck(
      [](const auto& v) {
        Generator gen(11);  // the same mask on every evaluation
        return dropout(v[0], 0.3, true, gen);
      },
      {x}));
}

TEST_CASE("gradcheck: reductions, reshape and cat", "[gradcheck]") {
  for (const Shape& shape : kShapes) {
    const Tensor x = random_double(shape, 6);
    require_ok(gradcheck([](const auto& v) { return sum(v[0]); }, {x}));
    require_ok(gradcheck([](const auto& v) { return mean(v[0]); }, {x}));
    require_ok(gradcheck([](const auto& v) { return sum_per_sample(v[0]); }, {x}));
    require_ok(gradcheck([](const auto& v) { return mean_per_sample(v[0]); }, {x}));
    require_ok(gradcheck([](const auto& v) { return tanh(v[0].flatten(0)); }, {x}));
  }
  const Tensor a = random_double({2, 3, 4}, 7), b = random_double({2, 5, 4}, 8),
               c = random_double({2, 1, 4}, 9);
  require_ok(gradcheck([](const auto& v) { return cat({v[0], v[1], v[2]}, 1); }, {a, b, c}));
  const Tensor d = random_double({3, 3, 4}, 10);
  require_ok(gradcheck([](const auto& v) { return cat({v[0], v[1]}, 0); }, {a, d}));
  require_ok(gradcheck(
      [](const auto& v) {
        return cat({v[0], v[1]}, -1);
      },
      {a, random_double({2, 3, 2}, 12)}));
}

TEST_CASE("gradcheck: conv2d and conv_transpose2d over the op-case table", "[gradcheck]") {
  for (const auto& c : nova::testing::conv_cases()) {
    if (c.use != nova::testing::CaseUse::Correctness) continue;
    INFO("case " << c.name);
    const auto& s = c.shape;
    const Tensor w = random_double(weight_shape_of(c), 21);
    if (!c.transposed) {
      const Tensor x = random_double({s.n, s.c_in, s.h_in, s.w_in}, 20);
      const Tensor b = random_double({s.c_out}, 22);
      Conv2dOptions o{s.stride_h, s.pad_h, 1, 0};
      if (s.stride_h != s.stride_w || s.pad_h != s.pad_w)
        continue;  // square options only in the op API
      require_ok(gradcheck([o](const auto& v) { return conv2d(v[0], v[1], v[2], o); }, {x, w, b}));
      require_ok(gradcheck([o](const auto& v) { return conv2d(v[0], v[1], Tensor(), o); }, {x, w}));
    } else {
      // Transposed: input (n, c_out, h_out, w_out), weight [c_out, c_in, k, k].
      const Tensor x = random_double({s.n, s.c_out, s.h_out, s.w_out}, 23);
      const Tensor b = random_double({s.c_in}, 24);
      Conv2dOptions o{s.stride_h, s.pad_h, 1, c.output_padding_h};
      require_ok(gradcheck([o](const auto& v) { return conv_transpose2d(v[0], v[1], v[2], o); },
                           {x, w, b}));
    }
  }
}

TEST_CASE("gradcheck: linear", "[gradcheck]") {
  const Tensor x = random_double({5, 7}, 30), w = random_double({3, 7}, 31),
               b = random_double({3}, 32);
  require_ok(gradcheck([](const auto& v) { return linear(v[0], v[1], v[2]); }, {x, w, b}));
  require_ok(gradcheck([](const auto& v) { return linear(v[0], v[1], Tensor()); }, {x, w}));
}

TEST_CASE("gradcheck: batch_norm in training and evaluation mode", "[gradcheck]") {
  for (const auto& c : nova::testing::batch_norm_cases()) {
    if (c.use != nova::testing::CaseUse::Correctness) continue;
    INFO("case " << c.name);
    const auto& s = c.shape;
    const Shape x_shape = s.hw == 1 ? Shape{s.n, s.c} : Shape{s.n, s.c, 5, s.hw / 5};
    const Tensor x = random_double(x_shape, 40, -2.0, 3.0);
    const Tensor gamma = random_double({s.c}, 41, 0.5, 1.5), beta = random_double({s.c}, 42);
    require_ok(gradcheck(
        [](const auto& v) { return batch_norm(v[0], v[1], v[2], Tensor(), Tensor(), true); },
        {x, gamma, beta}));
    const Tensor rm = random_double({s.c}, 43), rv = random_double({s.c}, 44, 0.5, 2.0);
    require_ok(
        gradcheck([rm, rv](const auto& v) { return batch_norm(v[0], v[1], v[2], rm, rv, false); },
                  {x, gamma, beta}));
  }
}

TEST_CASE("gradcheck: losses", "[gradcheck]") {
  const Tensor p = random_double({4, 5}, 50, 0.05, 0.95);
  const Tensor target = random_double({4, 5}, 51, 0.0, 1.0);
  const Tensor logits = random_double({4, 5}, 52, -3.0, 3.0);
  const Tensor a = random_double({3, 2, 3}, 53), b = random_double({3, 2, 3}, 54);
  GradCheckOptions first_only;
  first_only.check_input = {true, false};
  require_ok(gradcheck([](const auto& v) { return bce(v[0], v[1]); }, {p, target}, first_only));
  require_ok(gradcheck([](const auto& v) { return bce_with_logits(v[0], v[1]); }, {logits, target},
                       first_only));
  require_ok(gradcheck([](const auto& v) { return mse_loss(v[0], v[1]); }, {a, b}));
  require_ok(gradcheck([](const auto& v) { return l1_loss(v[0], v[1]); }, {a, b}));
  require_ok(gradcheck([](const auto& v) { return squared_error_norm(v[0], v[1]); }, {a, b}));
  require_ok(gradcheck([](const auto& v) { return absolute_error_norm(v[0], v[1]); }, {a, b}));
  require_ok(gradcheck([](const auto& v) { return kl_gaussian(v[0], v[1]); },
                       {random_double({4, 6}, 55), random_double({4, 6}, 56)}));
}

TEST_CASE("gradcheck: a small composite network, parameters and input", "[gradcheck]") {
  // conv -> batchnorm -> leaky ReLU -> transposed conv -> tanh -> sigmoid -> BCE,
  // the shape of an OCGAN encoder/decoder step in miniature.
  Generator gen(3);
  nn::Conv2d conv(2, 3, 5, {2, 2, 0, true}, gen, DType::Float64);
  nn::ConvTranspose2d deconv(3, 2, 5, {2, 2, 1, true}, gen, DType::Float64);
  const Tensor x = random_double({3, 2, 6, 6}, 60);
  const Tensor target = random_double({3, 2, 6, 6}, 61, 0.0, 1.0);
  const Tensor gamma = random_double({3}, 62, 0.5, 1.5), beta = random_double({3}, 63);
  auto network = [&](const std::vector<Tensor>& v) {
    Tensor h = conv2d(v[0], v[1], v[2], {2, 2, 1, 0});
    h = batch_norm(h, v[3], v[4], Tensor(), Tensor(), true);
    h = leaky_relu(h, 0.2);
    h = conv_transpose2d(h, v[5], v[6], {2, 2, 1, 1});
    const Tensor probabilities = sigmoid(scale(tanh(h), 2.0));
    return bce(probabilities, target);
  };
  require_ok(gradcheck(network, {x, conv.weight.clone(), conv.bias.clone(), gamma, beta,
                                 deconv.weight.clone(), deconv.bias.clone()}));
}

TEST_CASE("gradcheck catches a deliberately wrong backward", "[gradcheck]") {
  // tanh whose backward forgets to square: 1 - y instead of 1 - y^2.
  auto wrong_tanh = [](const std::vector<Tensor>& v) {
    Tensor y = tanh(v[0].detach());
    const Tensor y_saved = y.clone();
    record_op(y, "wrong_tanh", {v[0]}, [y_saved](const Tensor& g) {
      return std::vector<Tensor>{mul(g, add_scalar(scale(y_saved, -1.0), 1.0))};
    });
    return y;
  };
  const auto result = gradcheck(wrong_tanh, {random_double({3, 4}, 70, -2.0, 2.0, 0.1)});
  CHECK_FALSE(result.ok);
  CHECK(result.max_error > 1e-2);
}
