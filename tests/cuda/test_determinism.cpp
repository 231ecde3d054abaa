// Running the same CUDA work twice gives bit-identical results: every
// reduction is a fixed-order sum (no atomics).
#include <string>
#include <vector>

#include "kernels/cuda/batchnorm.h"
#include "kernels/cuda/conv.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/loss.h"
#include "kernels/cuda/optim.h"
#include "kernels/cuda/reduce.h"
#include "tests/cuda/cuda_test_util.h"

namespace {

using nova::kernels::Activation;
using nova::kernels::BatchNormShape;
using nova::kernels::ConvShape;
using namespace nova::testing;
using namespace nova::testing::cuda;
namespace kcuda = nova::kernels::cuda;

int64_t input_size(const ConvShape& s) { return s.n * s.c_in * s.h_in * s.w_in; }
int64_t output_size(const ConvShape& s) { return s.n * s.c_out * s.h_out * s.w_out; }
int64_t weight_size(const ConvShape& s) { return s.c_out * s.c_in * s.kh * s.kw; }

// conv2d_backward_weight on a case, fresh buffers each time.
std::vector<float> backward_weight(const ConvShape& s) {
  DeviceBuffer<float> x(random_vector(input_size(s), 1)), dy(random_vector(output_size(s), 2));
  DeviceBuffer<float> dw(weight_size(s));
  dw.poison();
  kcuda::conv2d_backward_weight(dw.data(), dy.data(), x.data(), s, stream());
  return result_of(dw, "backward weight");
}

struct BnGrads {
  std::vector<float> dx, dgamma, dbeta;
};

BnGrads batchnorm_backward(const BatchNormShape& s) {
  const int64_t total = s.n * s.c * s.hw;
  DeviceBuffer<float> x(random_vector(total, 3)), dy(random_vector(total, 4));
  DeviceBuffer<float> gamma(random_vector(s.c, 5)), beta(random_vector(s.c, 6));
  DeviceBuffer<float> out(total), mean(s.c), invstd(s.c), dx(total), dgamma(s.c), dbeta(s.c);
  kcuda::batch_norm_forward_train(out.data(), mean.data(), invstd.data(), nullptr, nullptr,
                                  x.data(), gamma.data(), beta.data(), s, 0.1f, 1e-5f, stream());
  kcuda::batch_norm_backward(dx.data(), dgamma.data(), dbeta.data(), dy.data(), x.data(),
                             gamma.data(), mean.data(), invstd.data(), s, true, stream());
  return BnGrads{result_of(dx, "bn dx"), result_of(dgamma, "bn dgamma"),
                 result_of(dbeta, "bn dbeta")};
}

// A small training step, three times: conv -> batchnorm -> leaky ReLU -> MSE
// loss against a target, the backward pass, and Adam on the conv weight.
struct StepResult {
  std::vector<float> loss, weight, gamma;
};

StepResult training_steps() {
  const ConvShape s = conv_layer_shape(8, 3, 15, 13, 16, 5, 2, 2);
  const BatchNormShape b{s.n, s.c_out, s.h_out * s.w_out};
  const int64_t nx = input_size(s), ny = output_size(s), nw = weight_size(s);
  DeviceBuffer<float> x(random_vector(nx, 7)), target(random_vector(ny, 8));
  DeviceBuffer<float> w(random_vector(nw, 9, -0.1f, 0.1f)), gamma(std::vector<float>(16, 1.0f)),
      beta(std::vector<float>(16, 0.0f));
  DeviceBuffer<float> w_m(std::vector<float>(static_cast<size_t>(nw), 0.0f)),
      w_v(std::vector<float>(static_cast<size_t>(nw), 0.0f));
  DeviceBuffer<float> g_m(std::vector<float>(16, 0.0f)), g_v(std::vector<float>(16, 0.0f));
  DeviceBuffer<float> conv_out(ny), bn_out(ny), act(ny), mean(16), invstd(16), loss(1),
      one(std::vector<float>{1.0f});
  DeviceBuffer<float> d_act(ny), d_bn(ny), d_conv(ny), d_w(nw), d_gamma(16), d_beta(16), d_x(nx);
  std::vector<float> losses;
  for (int64_t step = 1; step <= 3; ++step) {
    kcuda::conv2d_forward(conv_out.data(), x.data(), w.data(), s, stream());
    kcuda::batch_norm_forward_train(bn_out.data(), mean.data(), invstd.data(), nullptr, nullptr,
                                    conv_out.data(), gamma.data(), beta.data(), b, 0.1f, 1e-5f,
                                    stream());
    kcuda::activation_forward(act.data(), bn_out.data(), ny, Activation::LeakyRelu, 0.2f, stream());
    kcuda::mse_forward(loss.data(), act.data(), target.data(), ny, stream());
    kcuda::mse_backward(d_act.data(), one.data(), act.data(), target.data(), ny, stream());
    kcuda::activation_backward(d_bn.data(), d_act.data(), bn_out.data(), act.data(), ny,
                               Activation::LeakyRelu, 0.2f, stream());
    kcuda::batch_norm_backward(d_conv.data(), d_gamma.data(), d_beta.data(), d_bn.data(),
                               conv_out.data(), gamma.data(), mean.data(), invstd.data(), b, true,
                               stream());
    kcuda::conv2d_backward_weight(d_w.data(), d_conv.data(), x.data(), s, stream());
    kcuda::conv2d_backward_input(d_x.data(), d_conv.data(), w.data(), s, stream());
    kcuda::AdamParams p;
    p.lr = 1e-2f;
    p.step = step;
    kcuda::adam_step(w.data(), w_m.data(), w_v.data(), d_w.data(), nw, p, stream());
    kcuda::adam_step(gamma.data(), g_m.data(), g_v.data(), d_gamma.data(), 16, p, stream());
    losses.push_back(result_of(loss, "loss")[0]);
  }
  return StepResult{losses, result_of(w, "weight"), result_of(gamma, "gamma")};
}

}  // namespace

TEST_CASE("CUDA conv backward-weight is deterministic", "[cuda][determinism]") {
  NOVA_SKIP_WITHOUT_CUDA();
  const std::string saved = kcuda::conv_algorithm();
  for (const std::string& algo : kcuda::conv_algorithms()) {
    kcuda::set_conv_algorithm(algo);
    for (const ConvCase& c : conv_cases()) {
      if (!parity_case(c.name, c.use)) continue;
      const auto first = backward_weight(c.shape);
      const auto second = backward_weight(c.shape);
      check_identical(first, second, c.name + " [" + algo + "] backward weight");
    }
  }
  kcuda::set_conv_algorithm(saved);
}

TEST_CASE("CUDA batchnorm backward is deterministic", "[cuda][determinism]") {
  NOVA_SKIP_WITHOUT_CUDA();
  for (const BatchNormCase& c : batch_norm_cases()) {
    if (!parity_case(c.name, c.use)) continue;
    const BnGrads first = batchnorm_backward(c.shape);
    const BnGrads second = batchnorm_backward(c.shape);
    check_identical(first.dx, second.dx, c.name + " grad_in");
    check_identical(first.dgamma, second.dgamma, c.name + " grad_gamma");
    check_identical(first.dbeta, second.dbeta, c.name + " grad_beta");
  }
}

TEST_CASE("A CUDA forward/backward/Adam sequence is deterministic", "[cuda][determinism]") {
  NOVA_SKIP_WITHOUT_CUDA();
  const StepResult first = training_steps();
  const StepResult second = training_steps();
  check_identical(first.loss, second.loss, "losses");
  check_identical(first.weight, second.weight, "conv weight after Adam");
  check_identical(first.gamma, second.gamma, "gamma after Adam");
  // The steps train: the loss goes down.
  CHECK(first.loss.back() < first.loss.front());
}
