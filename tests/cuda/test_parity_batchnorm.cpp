// CUDA batchnorm kernels against the CPU kernels and cuDNN, over the op-case table.
#include <string>
#include <vector>

#include "kernels/cpu/batchnorm.h"
#include "kernels/cuda/batchnorm.h"
#include "tests/cuda/cuda_test_util.h"
#include "tests/cuda/cudnn_reference.h"

namespace {

using nova::kernels::BatchNormShape;
using namespace nova::testing;
using namespace nova::testing::cuda;
namespace kcpu = nova::kernels::cpu;
namespace kcuda = nova::kernels::cuda;

constexpr float kMomentum = 0.1f, kEps = 1e-5f;

std::string describe(const BatchNormCase& c) {
  return c.name + " (n " + std::to_string(c.shape.n) + ", c " + std::to_string(c.shape.c) +
         ", hw " + std::to_string(c.shape.hw) + ")";
}

int64_t total(const BatchNormShape& s) { return s.n * s.c * s.hw; }

// Inputs with a per-channel offset and scale, so the statistics matter.
struct BnInputs {
  std::vector<float> x, gamma, beta, running_mean, running_var, dy;
  explicit BnInputs(const BatchNormShape& s, uint32_t seed = 1)
      : x(random_vector(total(s), seed)),
        gamma(random_vector(s.c, seed + 1, 0.5f, 1.5f)),
        beta(random_vector(s.c, seed + 2)),
        running_mean(random_vector(s.c, seed + 3)),
        running_var(random_vector(s.c, seed + 4, 0.5f, 2.0f)),
        dy(random_vector(total(s), seed + 5)) {
    const auto offset = random_vector(s.c, seed + 6, -3.0f, 3.0f);
    const auto scale = random_vector(s.c, seed + 7, 0.2f, 4.0f);
    for (int64_t i = 0; i < s.n; ++i) {
      for (int64_t ch = 0; ch < s.c; ++ch) {
        for (int64_t p = 0; p < s.hw; ++p) {
          float& v = x[static_cast<size_t>((i * s.c + ch) * s.hw + p)];
          v = v * scale[static_cast<size_t>(ch)] + offset[static_cast<size_t>(ch)];
        }
      }
    }
  }
};

struct TrainResults {
  std::vector<float> out, save_mean, save_invstd, running_mean, running_var;
};

struct BackwardResults {
  std::vector<float> dx, dgamma, dbeta;
};

TrainResults cpu_train(const BatchNormShape& s, const BnInputs& in, bool affine) {
  TrainResults r;
  r.out.assign(static_cast<size_t>(total(s)), 0.0f);
  r.save_mean.assign(static_cast<size_t>(s.c), 0.0f);
  r.save_invstd.assign(static_cast<size_t>(s.c), 0.0f);
  r.running_mean = in.running_mean;
  r.running_var = in.running_var;
  kcpu::batch_norm_forward_train<float>(r.out.data(), r.save_mean.data(), r.save_invstd.data(),
                                        r.running_mean.data(), r.running_var.data(), in.x.data(),
                                        affine ? in.gamma.data() : nullptr,
                                        affine ? in.beta.data() : nullptr, s, kMomentum, kEps);
  return r;
}

TrainResults cuda_train(const BatchNormShape& s, const BnInputs& in, bool affine, int64_t misalign,
                        const std::string& what) {
  DeviceBuffer<float> x(in.x, misalign), gamma(in.gamma), beta(in.beta);
  DeviceBuffer<float> rm(in.running_mean), rv(in.running_var);
  DeviceBuffer<float> out(total(s), misalign), mean(s.c), invstd(s.c);
  out.poison();
  mean.poison();
  invstd.poison();
  kcuda::batch_norm_forward_train(out.data(), mean.data(), invstd.data(), rm.data(), rv.data(),
                                  x.data(), affine ? gamma.data() : nullptr,
                                  affine ? beta.data() : nullptr, s, kMomentum, kEps, stream());
  TrainResults r;
  r.out = result_of(out, what + " out");
  r.save_mean = result_of(mean, what + " save_mean");
  r.save_invstd = result_of(invstd, what + " save_invstd");
  r.running_mean = result_of(rm, what + " running_mean");
  r.running_var = result_of(rv, what + " running_var");
  return r;
}

void compare_train(const TrainResults& got, const TrainResults& want, Tolerance tol,
                   const std::string& what) {
  check_close(got.out, want.out, tol, what + " out");
  check_close(got.save_mean, want.save_mean, tol, what + " save_mean");
  check_close(got.save_invstd, want.save_invstd, tol, what + " save_invstd");
  check_close(got.running_mean, want.running_mean, tol, what + " running_mean");
  check_close(got.running_var, want.running_var, tol, what + " running_var");
}

BackwardResults cpu_backward(const BatchNormShape& s, const BnInputs& in, const TrainResults& f,
                             bool training, bool affine) {
  BackwardResults r;
  r.dx.assign(static_cast<size_t>(total(s)), 0.0f);
  r.dgamma.assign(static_cast<size_t>(s.c), 0.0f);
  r.dbeta.assign(static_cast<size_t>(s.c), 0.0f);
  kcpu::batch_norm_backward<float>(r.dx.data(), r.dgamma.data(), r.dbeta.data(), in.dy.data(),
                                   in.x.data(), affine ? in.gamma.data() : nullptr,
                                   f.save_mean.data(), f.save_invstd.data(), s, training);
  return r;
}

BackwardResults cuda_backward(const BatchNormShape& s, const BnInputs& in, const TrainResults& f,
                              bool training, bool affine, int64_t misalign,
                              const std::string& what) {
  DeviceBuffer<float> dy(in.dy, misalign), x(in.x, misalign), gamma(in.gamma);
  DeviceBuffer<float> mean(f.save_mean), invstd(f.save_invstd);
  DeviceBuffer<float> dx(total(s), misalign), dgamma(s.c), dbeta(s.c);
  dx.poison();
  dgamma.poison();
  dbeta.poison();
  kcuda::batch_norm_backward(dx.data(), dgamma.data(), dbeta.data(), dy.data(), x.data(),
                             affine ? gamma.data() : nullptr, mean.data(), invstd.data(), s,
                             training, stream());
  BackwardResults r;
  r.dx = result_of(dx, what + " grad_in");
  r.dgamma = result_of(dgamma, what + " grad_gamma");
  r.dbeta = result_of(dbeta, what + " grad_beta");
  return r;
}

void compare_backward(const BatchNormShape& s, const BackwardResults& got,
                      const BackwardResults& want, Tolerance tol, const std::string& what) {
  check_close(got.dx, want.dx, tol, what + " grad_in");
  // Sums over n * hw elements.
  check_close(got.dgamma, want.dgamma, sum_tolerance(s.n * s.hw, want.dgamma, 1e-6, tol.rtol),
              what + " grad_gamma");
  check_close(got.dbeta, want.dbeta, sum_tolerance(s.n * s.hw, want.dbeta, 1e-6, tol.rtol),
              what + " grad_beta");
}

}  // namespace

TEST_CASE("CUDA batchnorm kernels match the CPU kernels", "[cuda][batchnorm][parity]") {
  NOVA_SKIP_WITHOUT_CUDA();
  // Both backends compute the statistics and the elementwise passes in double
  // from the same float inputs; they differ only in summation order.
  const Tolerance tol{1e-5, 1e-5};
  for (const BatchNormCase& c : batch_norm_cases()) {
    if (!parity_case(c.name, c.use)) continue;
    const BatchNormShape& s = c.shape;
    const BnInputs in(s);
    for (bool affine : {true, false}) {
      for (int64_t misalign : {0, 1}) {
        const std::string what =
            describe(c) + (affine ? "" : " no affine") + (misalign ? " misaligned" : "");
        const TrainResults want = cpu_train(s, in, affine);
        const TrainResults got = cuda_train(s, in, affine, misalign, what + " train");
        compare_train(got, want, tol, what + " train");
        // Backward from the CPU's saved statistics, so only the backward differs.
        for (bool training : {true, false}) {
          const std::string bw = what + (training ? " backward (train)" : " backward (eval)");
          compare_backward(s, cuda_backward(s, in, want, training, affine, misalign, bw),
                           cpu_backward(s, in, want, training, affine), tol, bw);
        }
      }
    }
    // Evaluation-mode forward.
    std::vector<float> want(static_cast<size_t>(total(s)));
    kcpu::batch_norm_forward_eval<float>(want.data(), in.x.data(), in.gamma.data(), in.beta.data(),
                                         in.running_mean.data(), in.running_var.data(), s, kEps);
    DeviceBuffer<float> x(in.x), gamma(in.gamma), beta(in.beta), rm(in.running_mean),
        rv(in.running_var), out(total(s));
    out.poison();
    kcuda::batch_norm_forward_eval(out.data(), x.data(), gamma.data(), beta.data(), rm.data(),
                                   rv.data(), s, kEps, stream());
    check_close(result_of(out, describe(c) + " eval"), want, tol, describe(c) + " eval");
  }
}

TEST_CASE("CUDA batchnorm output is normalized per channel", "[cuda][batchnorm]") {
  NOVA_SKIP_WITHOUT_CUDA();
  // Independent of any reference: without affine, each channel of the output
  // has mean 0 and biased variance var / (var + eps), about 1.
  for (const BatchNormCase& c : batch_norm_cases()) {
    if (!parity_case(c.name, c.use)) continue;
    const BatchNormShape& s = c.shape;
    const BnInputs in(s, 5);
    const TrainResults r = cuda_train(s, in, false, 0, describe(c));
    for (int64_t ch = 0; ch < s.c; ++ch) {
      double sum = 0.0, squares = 0.0;
      for (int64_t i = 0; i < s.n; ++i) {
        for (int64_t p = 0; p < s.hw; ++p) {
          const double v = r.out[static_cast<size_t>((i * s.c + ch) * s.hw + p)];
          sum += v;
          squares += v * v;
        }
      }
      const double count = static_cast<double>(s.n * s.hw);
      const double mean = sum / count, var = squares / count - mean * mean;
      const double invstd = r.save_invstd[static_cast<size_t>(ch)];
      const double expected_var = 1.0 - kEps * invstd * invstd;
      INFO(describe(c) << " channel " << ch << ": mean " << mean << ", variance " << var);
      CHECK(std::fabs(mean) <= 1e-5);
      CHECK(std::fabs(var - expected_var) <= 1e-4);
    }
  }
}

#if defined(NOVA_WITH_CUDNN) && NOVA_WITH_CUDNN
TEST_CASE("CUDA batchnorm kernels match cuDNN", "[cuda][batchnorm][cudnn]") {
  NOVA_SKIP_WITHOUT_CUDA();
  // cuDNN computes in float: a looser tolerance.
  const Tolerance tol{1e-4, 1e-4};
  for (const BatchNormCase& c : batch_norm_cases()) {
    if (!parity_case(c.name, c.use)) continue;
    const BatchNormShape& s = c.shape;
    const BnInputs in(s, 3);
    const std::string what = describe(c) + " vs cuDNN";
    TrainResults want;
    BackwardResults want_bw;
    {
      DeviceBuffer<float> x(in.x), gamma(in.gamma), beta(in.beta), rm(in.running_mean),
          rv(in.running_var), dy(in.dy);
      DeviceBuffer<float> out(total(s)), mean(s.c), invstd(s.c), dx(total(s)), dgamma(s.c),
          dbeta(s.c);
      cudnn_batch_norm_forward_train(out.data(), mean.data(), invstd.data(), rm.data(), rv.data(),
                                     x.data(), gamma.data(), beta.data(), s, kMomentum, kEps);
      cudnn_batch_norm_backward(dx.data(), dgamma.data(), dbeta.data(), dy.data(), x.data(),
                                gamma.data(), mean.data(), invstd.data(), s, kEps);
      want.out = result_of(out, "cuDNN out");
      want.save_mean = result_of(mean, "cuDNN save_mean");
      want.save_invstd = result_of(invstd, "cuDNN save_invstd");
      want.running_mean = result_of(rm, "cuDNN running_mean");
      want.running_var = result_of(rv, "cuDNN running_var");
      want_bw.dx = result_of(dx, "cuDNN dx");
      want_bw.dgamma = result_of(dgamma, "cuDNN dgamma");
      want_bw.dbeta = result_of(dbeta, "cuDNN dbeta");
    }
    const TrainResults got = cuda_train(s, in, true, 0, what);
    compare_train(got, want, tol, what + " train");
    // Our backward from cuDNN's saved statistics.
    compare_backward(s, cuda_backward(s, in, want, true, true, 0, what), want_bw, tol,
                     what + " backward");
  }
}
#endif
