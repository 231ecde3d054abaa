// CUDA conv kernels (both algorithms) against the CPU kernels, against cuDNN,
// and against the adjoint identities, over the op-case table.
#include <cmath>
#include <string>
#include <vector>

#include "kernels/cpu/conv.h"
#include "kernels/cuda/conv.h"
#include "tests/cuda/cuda_test_util.h"
#include "tests/cuda/cudnn_reference.h"

namespace {

using nova::kernels::ConvShape;
using namespace nova::testing;
using namespace nova::testing::cuda;
namespace kcpu = nova::kernels::cpu;
namespace kcuda = nova::kernels::cuda;

int64_t input_size(const ConvShape& s) { return s.n * s.c_in * s.h_in * s.w_in; }
int64_t output_size(const ConvShape& s) { return s.n * s.c_out * s.h_out * s.w_out; }
int64_t weight_size(const ConvShape& s) { return s.c_out * s.c_in * s.kh * s.kw; }

// Terms summed per output element of each kernel.
int64_t forward_terms(const ConvShape& s) { return s.c_in * s.kh * s.kw; }
int64_t backward_input_terms(const ConvShape& s) { return s.c_out * s.kh * s.kw; }
int64_t backward_weight_terms(const ConvShape& s) { return s.n * s.h_out * s.w_out; }

std::string describe(const ConvCase& c) {
  const ConvShape& s = c.shape;
  return c.name + " (n " + std::to_string(s.n) + ", " + std::to_string(s.c_in) + "x" +
         std::to_string(s.h_in) + "x" + std::to_string(s.w_in) + " -> " + std::to_string(s.c_out) +
         "x" + std::to_string(s.h_out) + "x" + std::to_string(s.w_out) + ", k " +
         std::to_string(s.kh) + "x" + std::to_string(s.kw) + ", stride " +
         std::to_string(s.stride_h) + "x" + std::to_string(s.stride_w) + ", pad " +
         std::to_string(s.pad_h) + "x" + std::to_string(s.pad_w) + ")";
}

// Inputs of one case: x and dy uniform in [-1, 1), weights scaled by
// 1/sqrt(fan-in) as a network's are, so outputs are of order one.
struct ConvInputs {
  std::vector<float> x, w, dy;
  explicit ConvInputs(const ConvShape& s, uint32_t seed = 1)
      : x(random_vector(input_size(s), seed)),
        w(random_vector(weight_size(s), seed + 1,
                        -1.0f / std::sqrt(static_cast<float>(forward_terms(s))),
                        1.0f / std::sqrt(static_cast<float>(forward_terms(s))))),
        dy(random_vector(output_size(s), seed + 2)) {}
};

// Sets the conv algorithm for a scope.
class AlgorithmScope {
 public:
  explicit AlgorithmScope(const std::string& name) : saved_(kcuda::conv_algorithm()) {
    kcuda::set_conv_algorithm(name);
  }
  ~AlgorithmScope() { kcuda::set_conv_algorithm(saved_); }
  AlgorithmScope(const AlgorithmScope&) = delete;
  AlgorithmScope& operator=(const AlgorithmScope&) = delete;

 private:
  std::string saved_;
};

struct ConvResults {
  std::vector<float> y, dx, dw;
};

// Runs the three CUDA kernels on poisoned, guarded outputs.
ConvResults run_cuda(const ConvShape& s, const ConvInputs& in, const std::string& what) {
  DeviceBuffer<float> x(in.x), w(in.w), dy(in.dy);
  DeviceBuffer<float> y(output_size(s)), dx(input_size(s)), dw(weight_size(s));
  y.poison();
  dx.poison();
  dw.poison();
  kcuda::conv2d_forward(y.data(), x.data(), w.data(), s, stream());
  kcuda::conv2d_backward_input(dx.data(), dy.data(), w.data(), s, stream());
  kcuda::conv2d_backward_weight(dw.data(), dy.data(), x.data(), s, stream());
  ConvResults r;
  r.y = result_of(y, what + " forward");
  r.dx = result_of(dx, what + " backward input");
  r.dw = result_of(dw, what + " backward weight");
  return r;
}

ConvResults run_cpu(const ConvShape& s, const ConvInputs& in) {
  ConvResults r;
  r.y.assign(static_cast<size_t>(output_size(s)), 0.0f);
  r.dx.assign(static_cast<size_t>(input_size(s)), 0.0f);
  r.dw.assign(static_cast<size_t>(weight_size(s)), 0.0f);
  kcpu::conv2d_forward<float>(r.y.data(), in.x.data(), in.w.data(), s);
  kcpu::conv2d_backward_input<float>(r.dx.data(), in.dy.data(), in.w.data(), s);
  kcpu::conv2d_backward_weight<float>(r.dw.data(), in.dy.data(), in.x.data(), s);
  return r;
}

void compare(const ConvShape& s, const ConvResults& got, const ConvResults& want,
             const std::string& what) {
  check_close(got.y, want.y, sum_tolerance(forward_terms(s), want.y), what + " forward");
  check_close(got.dx, want.dx, sum_tolerance(backward_input_terms(s), want.dx),
              what + " backward input");
  check_close(got.dw, want.dw, sum_tolerance(backward_weight_terms(s), want.dw),
              what + " backward weight");
}

// The table's parity cases plus local shapes for paths the table misses:
// split-K in each implicit-GEMM kernel (few tiles, long reductions),
// dilation, stride 3 (nine phases) and stride 5 (past the phase tables: the
// direct fallback).
std::vector<ConvCase> parity_conv_cases() {
  std::vector<ConvCase> cases;
  for (const ConvCase& c : conv_cases()) {
    if (parity_case(c.name, c.use)) cases.push_back(c);
  }
  auto add = [&](const std::string& name, const ConvShape& s, bool transposed) {
    ConvCase c;
    c.name = name;
    c.shape = s;
    c.transposed = transposed;
    cases.push_back(c);
  };
  add("splitk_forward", conv_layer_shape(2, 64, 7, 7, 16, 5, 2, 2), false);
  add("splitk_backward_weight", conv_layer_shape(8, 2, 28, 28, 8, 5, 2, 2), false);
  add("splitk_backward_input", conv_transpose_layer_shape(2, 64, 4, 4, 8, 5, 2, 2, 1), true);
  ConvShape dilated = conv_layer_shape(2, 3, 11, 10, 4, 3, 1, 2);
  dilated.dilation_h = dilated.dilation_w = 2;
  dilated.h_out = nova::kernels::conv_out_size(dilated.h_in, 3, 1, 2, 2);
  dilated.w_out = nova::kernels::conv_out_size(dilated.w_in, 3, 1, 2, 2);
  add("dilation_2", dilated, false);
  add("stride_3", conv_layer_shape(2, 3, 13, 11, 4, 5, 3, 1), false);
  add("t_stride_3", conv_transpose_layer_shape(2, 4, 4, 5, 3, 4, 3, 1, 2), true);
  add("stride_5_fallback", conv_layer_shape(2, 2, 16, 17, 3, 5, 5, 1), false);
  return cases;
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double acc = 0.0;
  for (size_t i = 0; i < a.size(); ++i) acc += static_cast<double>(a[i]) * b[i];
  return acc;
}

double norm(const std::vector<float>& a) { return std::sqrt(dot(a, a)); }

}  // namespace

TEST_CASE("CUDA conv kernels match the CPU kernels", "[cuda][conv][parity]") {
  NOVA_SKIP_WITHOUT_CUDA();
  for (const ConvCase& c : parity_conv_cases()) {
    const ConvInputs in(c.shape);
    const ConvResults want = run_cpu(c.shape, in);
    for (const std::string& algo : kcuda::conv_algorithms()) {
      AlgorithmScope scope(algo);
      const std::string what = describe(c) + " [" + algo + "]";
      compare(c.shape, run_cuda(c.shape, in, what), want, what);
    }
  }
}

TEST_CASE("CUDA conv kernels are the adjoints of each other", "[cuda][conv]") {
  NOVA_SKIP_WITHOUT_CUDA();
  // <conv(x, w), dy> = <x, conv_backward_input(dy, w)> = <w, conv_backward_weight(dy, x)>:
  // a check that shares no code with either reference.
  for (const ConvCase& c : parity_conv_cases()) {
    const ConvInputs in(c.shape, 7);
    for (const std::string& algo : kcuda::conv_algorithms()) {
      AlgorithmScope scope(algo);
      const std::string what = describe(c) + " [" + algo + "]";
      const ConvResults r = run_cuda(c.shape, in, what);
      const double forward = dot(r.y, in.dy);
      const double via_input = dot(in.x, r.dx);
      const double via_weight = dot(in.w, r.dw);
      const double tol_input = 1e-5 * norm(r.y) * norm(in.dy) + 1e-5 * norm(in.x) * norm(r.dx);
      const double tol_weight = 1e-5 * norm(r.y) * norm(in.dy) + 1e-5 * norm(in.w) * norm(r.dw);
      INFO(what << ": <conv(x), dy> = " << forward << ", <x, convT(dy)> = " << via_input
                << ", <w, dW> = " << via_weight);
      CHECK(std::fabs(forward - via_input) <= tol_input);
      CHECK(std::fabs(forward - via_weight) <= tol_weight);
    }
  }
}

TEST_CASE("CUDA conv bias kernels match the CPU kernels", "[cuda][conv][parity]") {
  NOVA_SKIP_WITHOUT_CUDA();
  struct Dims {
    int64_t n, c, hw;
  };
  // Conv outputs (hw > 1, odd and aligned), linear layers (hw = 1), and the
  // OCGAN encoder's first layer at batch 64.
  const std::vector<Dims> dims = {{2, 3, 35}, {3, 5, 16}, {7, 4, 1}, {64, 64, 196}, {1, 1, 1}};
  uint32_t seed = 11;
  for (const Dims& d : dims) {
    const std::string what =
        "n " + std::to_string(d.n) + ", c " + std::to_string(d.c) + ", hw " + std::to_string(d.hw);
    const int64_t total = d.n * d.c * d.hw;
    const auto out0 = random_vector(total, seed++);
    const auto bias = random_vector(d.c, seed++);
    std::vector<float> want_out = out0, want_sum(static_cast<size_t>(d.c));
    kcpu::add_channel_bias<float>(want_out.data(), bias.data(), d.n, d.c, d.hw);
    kcpu::channel_sum<float>(want_sum.data(), out0.data(), d.n, d.c, d.hw);
    for (int64_t misalign : {0, 1}) {
      DeviceBuffer<float> out(out0, misalign), b(bias), sum(d.c);
      sum.poison();
      kcuda::add_channel_bias(out.data(), b.data(), d.n, d.c, d.hw, stream());
      // out now holds out0 + bias: sum the original instead.
      DeviceBuffer<float> original(out0, misalign);
      kcuda::channel_sum(sum.data(), original.data(), d.n, d.c, d.hw, stream());
      const std::string w = what + (misalign ? " (misaligned)" : "");
      check_close(result_of(out, w + " add_channel_bias"), want_out, Tolerance{0.0, 0.0},
                  w + " add_channel_bias");
      check_close(result_of(sum, w + " channel_sum"), want_sum, Tolerance{1e-6, 1e-6},
                  w + " channel_sum");
    }
  }
}

TEST_CASE("conv algorithm names are checked", "[cuda][conv]") {
  // Pure host logic: runs without a device.
  const std::string saved = kcuda::conv_algorithm();
  CHECK_THROWS_AS(kcuda::set_conv_algorithm("winograd"), std::invalid_argument);
  CHECK(kcuda::conv_algorithm() == saved);
  for (const std::string& name : kcuda::conv_algorithms()) {
    kcuda::set_conv_algorithm(name);
    CHECK(kcuda::conv_algorithm() == name);
  }
  kcuda::set_conv_algorithm(saved);
}

#if defined(NOVA_WITH_CUDNN) && NOVA_WITH_CUDNN
TEST_CASE("CUDA conv kernels match cuDNN", "[cuda][conv][cudnn]") {
  NOVA_SKIP_WITHOUT_CUDA();
  for (const ConvCase& c : parity_conv_cases()) {
    const ConvShape& s = c.shape;
    const ConvInputs in(s, 21);
    ConvResults want;
    {
      DeviceBuffer<float> x(in.x), w(in.w), dy(in.dy);
      DeviceBuffer<float> y(output_size(s)), dx(input_size(s)), dw(weight_size(s));
      y.poison();
      dx.poison();
      dw.poison();
      cudnn_conv_forward(y.data(), x.data(), w.data(), s);
      // For a transposed case this is the layer's forward pass.
      cudnn_conv_backward_data(dx.data(), dy.data(), w.data(), s);
      cudnn_conv_backward_filter(dw.data(), dy.data(), x.data(), s);
      want.y = result_of(y, "cuDNN forward");
      want.dx = result_of(dx, "cuDNN backward data");
      want.dw = result_of(dw, "cuDNN backward filter");
    }
    for (const std::string& algo : kcuda::conv_algorithms()) {
      AlgorithmScope scope(algo);
      const std::string what =
          describe(c) + (c.transposed ? " transposed" : "") + " [" + algo + "] vs cuDNN";
      compare(s, run_cuda(s, in, what), want, what);
    }
  }
}
#endif
