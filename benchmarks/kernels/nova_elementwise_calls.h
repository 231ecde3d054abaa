// The elementwise part of nova_calls.h: flat arrays of c.elements floats, or
// (kElementwiseRows, c.elements / kElementwiseRows) matrices for the row and
// column kernels and the KL loss.
#pragma once

#include "benchmarks/kernels/bench_case.h"
#include "benchmarks/kernels/buffers.h"
#include "benchmarks/kernels/implementation.h"
#include "benchmarks/kernels/op_arrays.h"
#include "kernels/cpu/elementwise.h"  // BinaryOp, which the CUDA kernels share
#include "kernels/cpu/optim.h"        // AdamParams and SgdParams, likewise

namespace nova::bench {

// The four losses on (x, target): probabilities for BCE, logits or values for
// the others; targets in [0, 1]. The forward writes one value, the backward
// the gradient of x from the loss's gradient (1).
inline bool is_loss(Op op) {
  switch (op) {
    case Op::BceForward:
    case Op::BceBackward:
    case Op::BceWithLogitsForward:
    case Op::BceWithLogitsBackward:
    case Op::MseForward:
    case Op::MseBackward:
    case Op::L1Forward:
    case Op::L1Backward:
      return true;
    default:
      return false;
  }
}

template <typename Kernels>
Call prepare_nova_loss(const BenchCase& c) {
  auto buffers = make_buffers(Kernels::backend);
  BufferSet& b = *buffers;
  const int64_t n = c.elements;
  const bool backward = c.op == Op::BceBackward || c.op == Op::BceWithLogitsBackward ||
                        c.op == Op::MseBackward || c.op == Op::L1Backward;
  float* out = backward ? b.zeros(n) : b.zeros(1);  // the gradient of x, or the loss
  const float* grad_loss = backward ? b.filled(1, 1.0f) : nullptr;
  const bool probabilities = c.op == Op::BceForward || c.op == Op::BceBackward;
  const float* x = probabilities ? b.random(n, 0.01f, 0.99f) : b.random(n);
  const float* target = b.random(n, 0.0f, 1.0f);
  switch (c.op) {
    case Op::BceForward:
      return keeping(buffers, [=] { Kernels::bce_forward(out, x, target, n); });
    case Op::BceWithLogitsForward:
      return keeping(buffers, [=] { Kernels::bce_logits_forward(out, x, target, n); });
    case Op::MseForward:
      return keeping(buffers, [=] { Kernels::mse_forward(out, x, target, n); });
    case Op::L1Forward:
      return keeping(buffers, [=] { Kernels::l1_forward(out, x, target, n); });
    case Op::BceBackward:
      return keeping(buffers, [=] { Kernels::bce_backward(out, grad_loss, x, target, n); });
    case Op::BceWithLogitsBackward:
      return keeping(buffers, [=] { Kernels::bce_logits_backward(out, grad_loss, x, target, n); });
    case Op::MseBackward:
      return keeping(buffers, [=] { Kernels::mse_backward(out, grad_loss, x, target, n); });
    case Op::L1Backward:
      return keeping(buffers, [=] { Kernels::l1_backward(out, grad_loss, x, target, n); });
    default:
      return {};
  }
}

template <typename Kernels>
Call prepare_nova_elementwise(const BenchCase& c) {
  if (is_loss(c.op)) return prepare_nova_loss<Kernels>(c);
  auto buffers = make_buffers(Kernels::backend);
  BufferSet& b = *buffers;
  const int64_t n = c.elements;
  const int64_t rows = kElementwiseRows, cols = n / kElementwiseRows;
  const kernels::Activation act = c.activation;
  const float slope = static_cast<float>(kLeakySlope);
  switch (c.op) {
    case Op::ActivationForward: {
      const ActivationForwardArrays a = activation_forward_arrays(b, n);
      return keeping(buffers, [=] { Kernels::activation_forward(a.out, a.in, n, act, slope); });
    }
    case Op::ActivationBackward: {
      const ActivationBackwardArrays a = activation_backward_arrays(b, n);
      return keeping(buffers, [=] {
        Kernels::activation_backward(a.grad_in, a.grad_out, a.in, a.out, n, act, slope);
      });
    }
    case Op::Add:
    case Op::Mul: {
      using kernels::cpu::BinaryOp;
      const BinaryOp op = c.op == Op::Add ? BinaryOp::Add : BinaryOp::Mul;
      float* out = b.zeros(n);
      const float* x = b.random(n);
      const float* y = b.random(n);
      return keeping(buffers, [=] { Kernels::binary(out, x, y, n, op); });
    }
    case Op::Axpby: {
      float* out = b.zeros(n);
      const float* x = b.random(n);
      const float* y = b.random(n);
      return keeping(buffers, [=] { Kernels::axpby(out, 0.5f, x, 2.0f, y, n); });
    }
    case Op::ScaleShift: {
      float* out = b.zeros(n);
      const float* x = b.random(n);
      return keeping(buffers, [=] { Kernels::scale_shift(out, x, 0.5f, 1.0f, n); });
    }
    case Op::Fill: {
      float* out = b.zeros(n);
      return keeping(buffers, [=] { Kernels::fill(out, 1.0f, n); });
    }
    case Op::ClampForward: {
      float* out = b.zeros(n);
      const float* x = b.random(n);
      return keeping(buffers, [=] { Kernels::clamp_forward(out, x, -0.5f, 0.5f, n); });
    }
    case Op::ClampBackward: {
      float* grad_in = b.zeros(n);
      const float* grad_out = b.random(n);
      const float* x = b.random(n);
      return keeping(buffers,
                     [=] { Kernels::clamp_backward(grad_in, grad_out, x, -0.5f, 0.5f, n); });
    }
    case Op::KlGaussianForward: {
      float* out = b.zeros(1);
      const float* mu = b.random(n);
      const float* logvar = b.random(n);
      return keeping(buffers, [=] { Kernels::kl_gaussian_forward(out, mu, logvar, rows, cols); });
    }
    case Op::KlGaussianBackward: {
      float* grad_mu = b.zeros(n);
      float* grad_logvar = b.zeros(n);
      const float* grad_loss = b.filled(1, 1.0f);
      const float* mu = b.random(n);
      const float* logvar = b.random(n);
      return keeping(buffers, [=] {
        Kernels::kl_gaussian_backward(grad_mu, grad_logvar, grad_loss, mu, logvar, rows, cols);
      });
    }
    case Op::Sum: {
      float* out = b.zeros(1);
      const float* in = b.random(n);
      return keeping(buffers, [=] { Kernels::sum(out, in, n, 1.0f); });
    }
    case Op::RowSum: {
      float* out = b.zeros(rows);
      const float* in = b.random(n);
      return keeping(buffers, [=] { Kernels::row_sum(out, in, rows, cols, 1.0f); });
    }
    case Op::BroadcastRows: {
      float* out = b.zeros(n);
      const float* in = b.random(rows);
      return keeping(buffers, [=] { Kernels::broadcast_rows(out, in, rows, cols, 1.0f); });
    }
    // The column copies move half the columns, as a concatenation of two halves does.
    case Op::CopyIntoColumns: {
      float* out = b.zeros(n);
      const float* in = b.random(n / 2);
      return keeping(buffers,
                     [=] { Kernels::copy_into_columns(out, in, rows, cols / 2, cols, cols / 2); });
    }
    case Op::CopyFromColumns: {
      float* out = b.zeros(n / 2);
      const float* in = b.random(n);
      return keeping(buffers,
                     [=] { Kernels::copy_from_columns(out, in, rows, cols / 2, cols, cols / 2); });
    }
    case Op::AdamStep: {
      float* param = b.random(n);
      float* exp_avg = b.zeros(n);
      float* exp_avg_sq = b.zeros(n);
      const float* grad = b.random(n);
      const kernels::cpu::AdamParams p;
      return keeping(buffers, [=] { Kernels::adam_step(param, exp_avg, exp_avg_sq, grad, n, p); });
    }
    case Op::SgdStep: {
      float* param = b.random(n);
      float* momentum = b.random(n);
      const float* grad = b.random(n);
      kernels::cpu::SgdParams p;
      p.momentum = 0.9;
      p.first_step = false;
      return keeping(buffers, [=] { Kernels::sgd_step(param, momentum, grad, n, p); });
    }
    case Op::RandomUniform: {
      float* out = b.zeros(n);
      return keeping(buffers, [=] { Kernels::random_uniform(out, n, 42, 0, 0.0f, 1.0f); });
    }
    case Op::RandomNormal: {
      float* out = b.zeros(n);
      return keeping(buffers, [=] { Kernels::random_normal(out, n, 42, 0, 0.0f, 1.0f); });
    }
    case Op::DropoutMask: {
      float* out = b.zeros(n);
      return keeping(buffers, [=] { Kernels::dropout_mask(out, n, 42, 0, 0.5f); });
    }
    default:
      return {};
  }
}

}  // namespace nova::bench
