// Modules, initializers and optimizers.
#include <catch2/catch.hpp>
#include <cmath>

#include "engine/nn/init.h"
#include "engine/nn/layers.h"
#include "engine/optim/optimizer.h"

using namespace nova;

TEST_CASE("nn: parameters are named like a PyTorch state_dict", "[nn]") {
  Generator gen(1);
  nn::Sequential net;
  net.add(std::make_shared<nn::Conv2d>(1, 4, 5, nn::ConvOptions{2, 2, 0, true}, gen));
  net.add(std::make_shared<nn::BatchNorm>(4, 4));
  net.add(std::make_shared<nn::Activation>(nn::ActivationKind::LeakyRelu, 0.2));
  net.add(std::make_shared<nn::Reshape>(Shape{-1}));
  net.add(std::make_shared<nn::Linear>(4 * 7 * 7, 1, gen));
  std::vector<std::string> names;
  for (auto& [name, t] : net.state()) names.push_back(name);
  CHECK(names == std::vector<std::string>{"0.weight", "0.bias", "1.weight", "1.bias", "4.weight",
                                          "4.bias", "1.running_mean", "1.running_var"});
  CHECK(net.parameter_count() == 4 * 25 + 4 + 4 + 4 + 196 + 1);
  const Tensor y = net(uniform({3, 1, 14, 14}, gen, -1, 1));
  CHECK(y.shape() == Shape{3, 1});
}

TEST_CASE("nn: PyTorch default initialization bounds", "[nn]") {
  Generator gen(2);
  nn::Conv2d conv(8, 16, 5, {}, gen);
  const double bound = 1.0 / std::sqrt(8.0 * 25.0);  // kaiming_uniform(a = sqrt(5)) on fan_in 200
  double max_abs = 0.0;
  for (float v : conv.weight.to_vector()) max_abs = std::max(max_abs, std::fabs(double(v)));
  CHECK(max_abs <= bound);
  CHECK(max_abs > 0.9 * bound);  // the draws fill the range
  nn::ConvTranspose2d deconv(8, 16, 5, {}, gen);
  CHECK(nn::init::fan_in(deconv.weight) == 16 * 25);  // dim 1 of [in, out, k, k], as in PyTorch
}

TEST_CASE("nn: batchnorm switches between batch and running statistics", "[nn]") {
  Generator gen(3);
  nn::BatchNorm bn(2, 2);
  const Tensor x = uniform({16, 2}, gen, 2.0, 4.0);
  const Tensor train_out = bn(x);
  // Running statistics moved a tenth of the way from (0, 1) to the batch's.
  const auto rm = bn.running_mean.to_vector();
  CHECK(rm[0] > 0.2f);
  CHECK(rm[0] < 0.4f);
  bn.eval();
  const Tensor eval_out = bn(x);
  CHECK(eval_out.to_vector() != train_out.to_vector());
  REQUIRE_THROWS_WITH(bn(Tensor::zeros({2, 2, 3, 3})), Catch::Contains("BatchNorm1d"));
}

TEST_CASE("nn: frozen running statistics still normalise with the batch's", "[nn]") {
  Generator gen(4);
  nn::Sequential net;
  auto bn = net.add(std::make_shared<nn::BatchNorm>(2, 2));
  const Tensor x = uniform({16, 2}, gen, 2.0, 4.0);
  Tensor frozen_out;
  {
    nn::RunningStatsFrozen frozen({&net});
    frozen_out = net(x);
  }
  CHECK(bn->running_mean.to_vector() == std::vector<float>{0.0f, 0.0f});
  CHECK(bn->running_var.to_vector() == std::vector<float>{1.0f, 1.0f});
  // Outside the scope the same batch gives the same output and is tracked.
  const Tensor tracked_out = net(x);
  CHECK(tracked_out.to_vector() == frozen_out.to_vector());
  CHECK(bn->running_mean.to_vector()[0] > 0.2f);
  // Evaluation reads the running statistics even inside the scope.
  net.eval();
  nn::RunningStatsFrozen frozen({&net});
  CHECK(net(x).to_vector() != tracked_out.to_vector());
}

TEST_CASE("optim: Adam matches the torch.optim.Adam update by hand", "[optim]") {
  Tensor p = Tensor::from_vector(std::vector<double>{1.0, -2.0}, {2}).requires_grad_();
  optim::Adam adam({p}, {0.1, 0.9, 0.999, 1e-8, 0.0});
  // Step 1 with gradient g: m = 0.1 g, v = 0.001 g^2; bias-corrected m/sqrt(v) = sign(g).
  for (int step = 1; step <= 2; ++step) {
    p.zero_grad();
    sum(mul(p, p)).backward();  // g = 2p
    adam.step();
  }
  // By hand: step 1: p = (0.9, -1.9). Step 2: g = (1.8, -3.8);
  // m = 0.9*0.1*g1 + 0.1*g2, v = 0.999*0.001*g1^2 + 0.001*g2^2, corrected by 1-0.9^2, 1-0.999^2.
  const double g1[2] = {2.0, -4.0}, g2[2] = {1.8, -3.8};
  const double p1[2] = {0.9, -1.9};
  for (int i = 0; i < 2; ++i) {
    const double m = 0.9 * 0.1 * g1[i] + 0.1 * g2[i];
    const double v = 0.999 * 0.001 * g1[i] * g1[i] + 0.001 * g2[i] * g2[i];
    const double expected = p1[i] - 0.1 * (m / (1 - 0.81)) / (std::sqrt(v / (1 - 0.998001)) + 1e-8);
    CHECK(p.to_double_vector()[i] == Approx(expected).epsilon(1e-6));
  }
  CHECK(adam.step_count() == 2);
}

TEST_CASE("optim: SGD with momentum", "[optim]") {
  Tensor p = Tensor::from_vector(std::vector<double>{1.0}, {1}).requires_grad_();
  optim::Sgd sgd({p}, {0.1, 0.9, 0.0});
  for (int step = 0; step < 2; ++step) {
    p.zero_grad();
    sum(scale(p, 3.0)).backward();  // g = 3
    sgd.step();
  }
  // buf1 = 3, p = 0.7; buf2 = 0.9*3 + 3 = 5.7, p = 0.7 - 0.57 = 0.13.
  CHECK(p.item() == Approx(0.13).epsilon(1e-12));
}

TEST_CASE("optim: a parameter that received no gradient is left alone", "[optim]") {
  Tensor a = Tensor::from_vector(std::vector<double>{1.0}, {1}).requires_grad_();
  Tensor b = Tensor::from_vector(std::vector<double>{5.0}, {1}).requires_grad_();
  optim::Adam adam({a, b}, {});
  sum(a).backward();
  adam.step();
  CHECK(a.item() != 1.0);
  CHECK(b.item() == 5.0);
}
