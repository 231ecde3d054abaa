// Three steps per call, all deterministic:
//  1. a per-channel reduction, grid (c, splits), each block summing an
//     interleaved slice of its channel in double and combining its threads in
//     a fixed tree (kernels/cuda/common.cuh);
//  2. per channel, the splits' partials added in order and the channel's
//     coefficients derived (in the reduction kernel itself when one split
//     suffices);
//  3. an elementwise pass with those coefficients, in double, in the CPU
//     kernel's order of operations.
// The forward statistics are shifted sums, sum(x - K) and sum((x - K)^2) with
// K the channel's first element, which avoid the cancellation of E[x^2] -
// E[x]^2 while reading the input once.
#include "kernels/cuda/batchnorm.h"
#include "kernels/cuda/common.cuh"

namespace nova::kernels::cuda {
namespace {

using detail::ChannelCursor;
using detail::Inputs;

// Normalization coefficients per channel: out = (x - mean) * scale + shift.
struct NormCoef {
  double mean, scale, shift;
};

// Backward coefficients per channel:
// dx = scale * (dy - mean_dy - (x - mean) * invstd * mean_dy_xhat).
struct GradCoef {
  double scale, mean_dy, mean_dy_xhat, mean, invstd;
};

struct TrainStatsArgs {
  float* save_mean;
  float* save_invstd;
  float* running_mean;
  float* running_var;
  const float* gamma;
  const float* beta;
  NormCoef* coef;
  int64_t count;  // n * hw elements per channel
  double momentum, eps;
};

// Mean, variance and every per-channel output from the shifted sums.
__device__ void finish_train_stats(int64_t ch, double shift, double sum, double squares,
                                   const TrainStatsArgs& a) {
  double mean = 0.0, var = 0.0;
  if (a.count > 0) {
    const double count = static_cast<double>(a.count);
    const double d = sum / count;
    mean = shift + d;
    var = squares / count - d * d;  // biased
    if (var < 0.0) var = 0.0;
  }
  const double invstd = 1.0 / sqrt(var + a.eps);
  if (a.save_mean) a.save_mean[ch] = static_cast<float>(mean);
  if (a.save_invstd) a.save_invstd[ch] = static_cast<float>(invstd);
  const double unbiased =
      a.count > 1 ? var * static_cast<double>(a.count) / static_cast<double>(a.count - 1) : var;
  const double m = a.momentum;
  if (a.running_mean) {
    a.running_mean[ch] =
        static_cast<float>((1.0 - m) * static_cast<double>(a.running_mean[ch]) + m * mean);
  }
  if (a.running_var) {
    a.running_var[ch] =
        static_cast<float>((1.0 - m) * static_cast<double>(a.running_var[ch]) + m * unbiased);
  }
  const double g = a.gamma ? static_cast<double>(a.gamma[ch]) : 1.0;
  const double b = a.beta ? static_cast<double>(a.beta[ch]) : 0.0;
  a.coef[ch] = NormCoef{mean, g * invstd, b};
}

// partials: (c, splits) pairs {sum, squares}, used when splits > 1.
__global__ void train_stats_kernel(double2* partials, const float* in, int64_t n, int64_t c,
                                   int64_t hw, int splits, TrainStatsArgs a) {
  const int64_t ch = blockIdx.x;
  const int s = blockIdx.y;
  const float k = a.count > 0 ? in[ch * hw] : 0.0f;  // element (0, ch, 0)
  double sum = 0.0, squares = 0.0;
  if (a.count > 0) {
    ChannelCursor cur(int64_t(s) * blockDim.x + threadIdx.x, int64_t(splits) * blockDim.x, ch, c,
                      hw);
    while (true) {  // four loads in flight per thread
      int64_t idx[4];
      bool ok[4];
#pragma unroll
      for (int u = 0; u < 4; ++u) {
        ok[u] = cur.i < n;
        idx[u] = cur.index();
        cur.advance();
      }
      float x[4];
#pragma unroll
      for (int u = 0; u < 4; ++u) x[u] = ok[u] ? in[idx[u]] : k;
#pragma unroll
      for (int u = 0; u < 4; ++u) {
        const double d = static_cast<double>(x[u]) - static_cast<double>(k);
        sum += d;
        squares += d * d;
      }
      if (!ok[3]) break;
    }
  }
  detail::block_sum2(sum, squares);
  if (threadIdx.x == 0) {
    if (splits == 1) {
      finish_train_stats(ch, k, sum, squares, a);
    } else {
      partials[ch * splits + s] = make_double2(sum, squares);
    }
  }
}

__global__ void train_stats_finish_kernel(const double2* partials, const float* in, int64_t c,
                                          int64_t hw, int splits, TrainStatsArgs a) {
  const int64_t ch = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (ch >= c) return;
  double sum = 0.0, squares = 0.0;
  for (int s = 0; s < splits; ++s) {
    const double2 p = partials[ch * splits + s];
    sum += p.x;
    squares += p.y;
  }
  finish_train_stats(ch, static_cast<double>(in[ch * hw]), sum, squares, a);
}

__global__ void eval_coef_kernel(NormCoef* coef, const float* gamma, const float* beta,
                                 const float* running_mean, const float* running_var, int64_t c,
                                 double eps) {
  const int64_t ch = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (ch >= c) return;
  const double invstd = 1.0 / sqrt(static_cast<double>(running_var[ch]) + eps);
  const double g = gamma ? static_cast<double>(gamma[ch]) : 1.0;
  const double b = beta ? static_cast<double>(beta[ch]) : 0.0;
  coef[ch] = NormCoef{static_cast<double>(running_mean[ch]), g * invstd, b};
}

struct Normalize {  // v = {x}
  const NormCoef* coef;
  __device__ float operator()(const float* v, int64_t ch) const {
    const NormCoef k = coef[ch];
    return static_cast<float>(
        __dadd_rn(__dmul_rn(__dsub_rn(static_cast<double>(v[0]), k.mean), k.scale), k.shift));
  }
};

struct BackwardArgs {
  float* grad_gamma;
  float* grad_beta;
  const float* gamma;
  const float* mean;
  const float* invstd;
  GradCoef* coef;
  int64_t count;
  bool training;
};

__device__ void finish_backward(int64_t ch, double sum_dy, double sum_dy_xhat,
                                const BackwardArgs& a) {
  if (a.grad_gamma) a.grad_gamma[ch] = static_cast<float>(sum_dy_xhat);
  if (a.grad_beta) a.grad_beta[ch] = static_cast<float>(sum_dy);
  const double istd = static_cast<double>(a.invstd[ch]);
  const double count = static_cast<double>(a.count);
  const bool centre = a.training && a.count > 0;
  a.coef[ch] = GradCoef{(a.gamma ? static_cast<double>(a.gamma[ch]) : 1.0) * istd,
                        centre ? sum_dy / count : 0.0, centre ? sum_dy_xhat / count : 0.0,
                        static_cast<double>(a.mean[ch]), istd};
}

// partials: (c, splits) pairs {sum dy, sum dy * xhat}, used when splits > 1.
__global__ void backward_reduce_kernel(double2* partials, const float* grad_out, const float* in,
                                       int64_t n, int64_t c, int64_t hw, int splits,
                                       BackwardArgs a) {
  const int64_t ch = blockIdx.x;
  const int s = blockIdx.y;
  const double mu = static_cast<double>(a.mean[ch]);
  const double istd = static_cast<double>(a.invstd[ch]);
  double sum_dy = 0.0, sum_dy_xhat = 0.0;
  if (a.count > 0) {
    ChannelCursor cur(int64_t(s) * blockDim.x + threadIdx.x, int64_t(splits) * blockDim.x, ch, c,
                      hw);
    while (true) {
      int64_t idx[4];
      bool ok[4];
#pragma unroll
      for (int u = 0; u < 4; ++u) {
        ok[u] = cur.i < n;
        idx[u] = cur.index();
        cur.advance();
      }
      float dy[4], x[4];
#pragma unroll
      for (int u = 0; u < 4; ++u) {
        dy[u] = ok[u] ? grad_out[idx[u]] : 0.0f;
        x[u] = ok[u] ? in[idx[u]] : 0.0f;
      }
#pragma unroll
      for (int u = 0; u < 4; ++u) {
        const double d = static_cast<double>(dy[u]);
        sum_dy += d;
        sum_dy_xhat += d * (static_cast<double>(x[u]) - mu) * istd;
      }
      if (!ok[3]) break;
    }
  }
  detail::block_sum2(sum_dy, sum_dy_xhat);
  if (threadIdx.x == 0) {
    if (splits == 1) {
      finish_backward(ch, sum_dy, sum_dy_xhat, a);
    } else {
      partials[ch * splits + s] = make_double2(sum_dy, sum_dy_xhat);
    }
  }
}

__global__ void backward_finish_kernel(const double2* partials, int64_t c, int splits,
                                       BackwardArgs a) {
  const int64_t ch = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (ch >= c) return;
  double sum_dy = 0.0, sum_dy_xhat = 0.0;
  for (int s = 0; s < splits; ++s) {
    const double2 p = partials[ch * splits + s];
    sum_dy += p.x;
    sum_dy_xhat += p.y;
  }
  finish_backward(ch, sum_dy, sum_dy_xhat, a);
}

struct GradInput {  // v = {dy, x}
  const GradCoef* coef;
  __device__ float operator()(const float* v, int64_t ch) const {
    const GradCoef k = coef[ch];
    const double dy = static_cast<double>(v[0]);
    const double xhat = __dmul_rn(__dsub_rn(static_cast<double>(v[1]), k.mean), k.invstd);
    return static_cast<float>(
        __dmul_rn(k.scale, __dsub_rn(__dsub_rn(dy, k.mean_dy), __dmul_rn(xhat, k.mean_dy_xhat))));
  }
};

// Workspace: per-channel coefficients, then (c, splits) partials. The
// coefficient size is rounded to 16 bytes so the partials stay aligned.
template <typename Coef>
void carve_workspace(cudaStream_t stream, int64_t c, int splits, Coef** coef, double2** partials) {
  const size_t coef_bytes = (sizeof(Coef) * static_cast<size_t>(c) + 15) / 16 * 16;
  const size_t partial_bytes =
      splits > 1 ? sizeof(double2) * static_cast<size_t>(c) * static_cast<size_t>(splits) : 0;
  char* base = static_cast<char*>(detail::workspace(stream, coef_bytes + partial_bytes));
  *coef = reinterpret_cast<Coef*>(base);
  *partials = splits > 1 ? reinterpret_cast<double2*>(base + coef_bytes) : nullptr;
}

dim3 reduce_grid(int64_t c, int splits) { return dim3(static_cast<unsigned int>(c), splits); }

}  // namespace

void batch_norm_forward_train(float* out, float* save_mean, float* save_invstd, float* running_mean,
                              float* running_var, const float* in, const float* gamma,
                              const float* beta, const BatchNormShape& s, float momentum, float eps,
                              cudaStream_t stream) {
  if (s.c <= 0) return;
  const int64_t count = s.n * s.hw;
  const int splits = detail::channel_splits(count);
  NormCoef* coef = nullptr;
  double2* partials = nullptr;
  carve_workspace(stream, s.c, splits, &coef, &partials);
  const TrainStatsArgs args{save_mean,
                            save_invstd,
                            running_mean,
                            running_var,
                            gamma,
                            beta,
                            coef,
                            count,
                            static_cast<double>(momentum),
                            static_cast<double>(eps)};
  detail::launch(train_stats_kernel, reduce_grid(s.c, splits), detail::kThreads, stream, partials,
                 in, s.n, s.c, s.hw, splits, args);
  NOVA_LAUNCH_CHECK(train_stats_kernel);
  if (splits > 1) {
    detail::launch(train_stats_finish_kernel, detail::grid_size(s.c), detail::kThreads, stream,
                   partials, in, s.c, s.hw, splits, args);
    NOVA_LAUNCH_CHECK(train_stats_finish_kernel);
  }
  detail::launch_channel_map<1>(out, Inputs<1>{{in}}, s.n, s.c, s.hw, Normalize{coef}, stream);
}

void batch_norm_forward_eval(float* out, const float* in, const float* gamma, const float* beta,
                             const float* running_mean, const float* running_var,
                             const BatchNormShape& s, float eps, cudaStream_t stream) {
  if (s.c <= 0) return;
  NormCoef* coef = nullptr;
  double2* partials = nullptr;
  carve_workspace(stream, s.c, 1, &coef, &partials);
  detail::launch(eval_coef_kernel, detail::grid_size(s.c), detail::kThreads, stream, coef, gamma,
                 beta, running_mean, running_var, s.c, static_cast<double>(eps));
  NOVA_LAUNCH_CHECK(eval_coef_kernel);
  detail::launch_channel_map<1>(out, Inputs<1>{{in}}, s.n, s.c, s.hw, Normalize{coef}, stream);
}

void batch_norm_backward(float* grad_in, float* grad_gamma, float* grad_beta, const float* grad_out,
                         const float* in, const float* gamma, const float* mean,
                         const float* invstd, const BatchNormShape& s, bool training,
                         cudaStream_t stream) {
  if (s.c <= 0) return;
  const int64_t count = s.n * s.hw;
  const int splits = detail::channel_splits(count);
  GradCoef* coef = nullptr;
  double2* partials = nullptr;
  carve_workspace(stream, s.c, splits, &coef, &partials);
  const BackwardArgs args{grad_gamma, grad_beta, gamma, mean, invstd, coef, count, training};
  detail::launch(backward_reduce_kernel, reduce_grid(s.c, splits), detail::kThreads, stream,
                 partials, grad_out, in, s.n, s.c, s.hw, splits, args);
  NOVA_LAUNCH_CHECK(backward_reduce_kernel);
  if (splits > 1) {
    detail::launch(backward_finish_kernel, detail::grid_size(s.c), detail::kThreads, stream,
                   partials, s.c, splits, args);
    NOVA_LAUNCH_CHECK(backward_finish_kernel);
  }
  detail::launch_channel_map<2>(grad_in, Inputs<2>{{grad_out, in}}, s.n, s.c, s.hw, GradInput{coef},
                                stream);
}

}  // namespace nova::kernels::cuda
