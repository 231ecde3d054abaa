// CUDA elementwise kernels against the CPU kernels over the op-case table, on
// aligned (vectorized path) and misaligned (scalar path) buffers.
#include <string>
#include <vector>

#include "kernels/cpu/elementwise.h"
#include "kernels/cuda/elementwise.h"
#include "tests/cuda/cuda_test_util.h"

namespace {

using nova::kernels::Activation;
using nova::kernels::cpu::BinaryOp;
using namespace nova::testing;
using namespace nova::testing::cuda;
namespace kcpu = nova::kernels::cpu;
namespace kcuda = nova::kernels::cuda;

// Operations written to round exactly as the CPU does match bit for bit;
// transcendental ones (tanh, sigmoid, exp) differ by a few ulps.
const Tolerance kExact{0.0, 0.0};
const Tolerance kUlps{1e-7, 4e-6};

const char* name_of(Activation a) {
  switch (a) {
    case Activation::Relu:
      return "relu";
    case Activation::LeakyRelu:
      return "leaky_relu";
    case Activation::Tanh:
      return "tanh";
    case Activation::Sigmoid:
      return "sigmoid";
    case Activation::Exp:
      return "exp";
  }
  return "?";
}

template <class F>
void for_each_case(F f) {
  for (const ElementwiseCase& c : elementwise_cases()) {
    if (!parity_case(c.name, c.use)) continue;
    for (int64_t misalign : {0, 1}) {
      f(c.n, c.name + " (n " + std::to_string(c.n) + (misalign ? ", misaligned)" : ")"), misalign);
    }
  }
}

}  // namespace

TEST_CASE("CUDA activations match the CPU kernels", "[cuda][elementwise][parity]") {
  NOVA_SKIP_WITHOUT_CUDA();
  for_each_case([](int64_t n, const std::string& name, int64_t misalign) {
    // Inputs span the saturating ranges of tanh and sigmoid, with exact zeros.
    auto x = random_vector(n, 1, -6.0f, 6.0f);
    for (size_t i = 0; i < x.size(); i += 17) x[i] = 0.0f;
    const auto g = random_vector(n, 2);
    for (Activation a : {Activation::Relu, Activation::LeakyRelu, Activation::Tanh,
                         Activation::Sigmoid, Activation::Exp}) {
      const std::string what = name + " " + name_of(a);
      const Tolerance tol = nova::kernels::activation_uses_output(a) ? kUlps : kExact;
      const float slope = 0.2f;
      std::vector<float> y(x.size()), dx(x.size());
      kcpu::activation_forward<float>(y.data(), x.data(), n, a, slope);
      kcpu::activation_backward<float>(dx.data(), g.data(), x.data(), y.data(), n, a, slope);
      DeviceBuffer<float> dx_in(x, misalign), dg(g, misalign), dy_out(n, misalign),
          dgrad(n, misalign);
      dy_out.poison();
      dgrad.poison();
      kcuda::activation_forward(dy_out.data(), dx_in.data(), n, a, slope, stream());
      const auto got_y = result_of(dy_out, what + " forward");
      check_close(got_y, y, tol, what + " forward");
      // Backward from the CPU's y, so only the derivative is compared. As on
      // the CPU, the pointer an activation does not read may be null.
      const bool uses_output = nova::kernels::activation_uses_output(a);
      DeviceBuffer<float> cpu_y(y, misalign);
      kcuda::activation_backward(dgrad.data(), dg.data(), uses_output ? nullptr : dx_in.data(),
                                 uses_output ? cpu_y.data() : nullptr, n, a, slope, stream());
      check_close(result_of(dgrad, what + " backward"), dx, tol, what + " backward");
    }
  });
}

TEST_CASE("CUDA arithmetic kernels match the CPU kernels", "[cuda][elementwise][parity]") {
  NOVA_SKIP_WITHOUT_CUDA();
  for_each_case([](int64_t n, const std::string& name, int64_t misalign) {
    const auto a = random_vector(n, 3, -2.0f, 2.0f);
    const auto b = random_vector(n, 4, -2.0f, 2.0f);
    DeviceBuffer<float> da(a, misalign), db(b, misalign);
    for (BinaryOp op : {BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul}) {
      const std::string what = name + " binary " + std::to_string(static_cast<int>(op));
      std::vector<float> want(a.size());
      kcpu::binary<float>(want.data(), a.data(), b.data(), n, op);
      DeviceBuffer<float> out(n, misalign);
      out.poison();
      kcuda::binary(out.data(), da.data(), db.data(), n, op, stream());
      check_close(result_of(out, what), want, kExact, what);
    }
    {
      std::vector<float> want(a.size());
      kcpu::axpby<float>(want.data(), 0.7f, a.data(), -1.3f, b.data(), n);
      DeviceBuffer<float> out(n, misalign);
      out.poison();
      kcuda::axpby(out.data(), 0.7f, da.data(), -1.3f, db.data(), n, stream());
      check_close(result_of(out, name + " axpby"), want, kExact, name + " axpby");
    }
    {
      // In place: out aliases the input.
      std::vector<float> want(a.size());
      kcpu::scale_shift<float>(want.data(), a.data(), 1.7f, -0.3f, n);
      DeviceBuffer<float> inout(a, misalign);
      kcuda::scale_shift(inout.data(), inout.data(), 1.7f, -0.3f, n, stream());
      check_close(result_of(inout, name + " scale_shift"), want, kExact, name + " scale_shift");
    }
    {
      DeviceBuffer<float> out(n, misalign);
      out.poison();
      kcuda::fill(out.data(), 2.5f, n, stream());
      check_close(result_of(out, name + " fill"), std::vector<float>(a.size(), 2.5f), kExact,
                  name + " fill");
    }
    {
      std::vector<float> x = a;
      x[0] = std::nanf("");  // NaN passes through clamp
      std::vector<float> want(x.size()), want_grad(x.size());
      kcpu::clamp_forward<float>(want.data(), x.data(), -1.0f, 1.5f, n);
      kcpu::clamp_backward<float>(want_grad.data(), b.data(), x.data(), -1.0f, 1.5f, n);
      DeviceBuffer<float> dxv(x, misalign), out(n, misalign), grad(n, misalign);
      out.poison();
      grad.poison();
      kcuda::clamp_forward(out.data(), dxv.data(), -1.0f, 1.5f, n, stream());
      kcuda::clamp_backward(grad.data(), db.data(), dxv.data(), -1.0f, 1.5f, n, stream());
      check_close(result_of(out, name + " clamp"), want, kExact, name + " clamp");
      check_close(result_of(grad, name + " clamp backward"), want_grad, kExact,
                  name + " clamp backward");
    }
    {
      std::vector<double> want_d(a.size());
      kcpu::convert(want_d.data(), a.data(), n);
      DeviceBuffer<double> out_d(n, misalign);
      out_d.poison();
      kcuda::convert(out_d.data(), da.data(), n, stream());
      const auto got_d = result_of(out_d, name + " float to double");
      check_close(got_d, want_d, kExact, name + " float to double");
      std::vector<double> src(a.size());
      for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<double>(a[i]) / 3.0;
      std::vector<float> want_f(a.size());
      kcpu::convert(want_f.data(), src.data(), n);
      DeviceBuffer<double> dsrc(src, misalign);
      DeviceBuffer<float> out_f(n, misalign);
      out_f.poison();
      kcuda::convert(out_f.data(), dsrc.data(), n, stream());
      check_close(result_of(out_f, name + " double to float"), want_f, kExact,
                  name + " double to float");
    }
  });
}
