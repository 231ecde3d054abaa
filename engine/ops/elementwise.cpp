// Elementwise arithmetic and activations.
#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/ops.h"

namespace nova {

using backend::ptr;
using kernels::Activation;
using kernels::cpu::BinaryOp;

namespace {

Tensor like(const Tensor& t) { return Tensor::empty(t.shape(), t.dtype(), t.device()); }

Tensor binary_untracked(const Tensor& a, const Tensor& b, BinaryOp op) {
  Tensor out = like(a);
  NOVA_CALL(out, binary, ptr<T>(out), ptr<T>(a), ptr<T>(b), out.numel(), op);
  return out;
}

Tensor scale_untracked(const Tensor& a, double alpha) {
  Tensor out = like(a);
  NOVA_CALL(out, scale_shift, ptr<T>(out), ptr<T>(a), T(alpha), T(0), out.numel());
  return out;
}

Tensor binary_op(const char* name, const Tensor& a, const Tensor& b, BinaryOp op) {
  check_same_shape(name, a, b);
  check_same_kind(name, a, b);
  Tensor out = binary_untracked(a, b, op);
  const Tensor a_saved = a.detach(), b_saved = b.detach();
  record_op(out, name, {a, b}, [op, a_saved, b_saved](const Tensor& g) -> std::vector<Tensor> {
    switch (op) {
      case BinaryOp::Add:
        return {g, g};
      case BinaryOp::Sub:
        return {g, scale_untracked(g, -1.0)};
      case BinaryOp::Mul:
        return {binary_untracked(g, b_saved, BinaryOp::Mul),
                binary_untracked(g, a_saved, BinaryOp::Mul)};
    }
    return {};
  });
  return out;
}

Tensor activation(const char* name, const Tensor& x, Activation a, double slope) {
  Tensor out = like(x);
  NOVA_CALL(out, activation_forward, ptr<T>(out), ptr<T>(x), x.numel(), a, T(slope));
  const Tensor x_saved = x.detach(), y_saved = out.detach();
  record_op(out, name, {x}, [=](const Tensor& g) {
    Tensor gx = like(g);
    NOVA_CALL(gx, activation_backward, ptr<T>(gx), ptr<T>(g), ptr<T>(x_saved), ptr<T>(y_saved),
              gx.numel(), a, T(slope));
    return std::vector<Tensor>{gx};
  });
  return out;
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) { return binary_op("add", a, b, BinaryOp::Add); }
Tensor sub(const Tensor& a, const Tensor& b) { return binary_op("sub", a, b, BinaryOp::Sub); }
Tensor mul(const Tensor& a, const Tensor& b) { return binary_op("mul", a, b, BinaryOp::Mul); }

Tensor scale(const Tensor& a, double alpha) {
  Tensor out = scale_untracked(a, alpha);
  record_op(out, "scale", {a},
            [alpha](const Tensor& g) { return std::vector<Tensor>{scale_untracked(g, alpha)}; });
  return out;
}

Tensor add_scalar(const Tensor& a, double shift) {
  Tensor out = like(a);
  NOVA_CALL(out, scale_shift, ptr<T>(out), ptr<T>(a), T(1), T(shift), out.numel());
  record_op(out, "add_scalar", {a}, [](const Tensor& g) { return std::vector<Tensor>{g}; });
  return out;
}

Tensor clamp(const Tensor& a, double lo, double hi) {
  NOVA_CHECK(lo <= hi, "clamp: lower bound ", lo, " is above upper bound ", hi);
  Tensor out = like(a);
  NOVA_CALL(out, clamp_forward, ptr<T>(out), ptr<T>(a), T(lo), T(hi), out.numel());
  const Tensor a_saved = a.detach();
  record_op(out, "clamp", {a}, [=](const Tensor& g) {
    Tensor ga = like(g);
    NOVA_CALL(ga, clamp_backward, ptr<T>(ga), ptr<T>(g), ptr<T>(a_saved), T(lo), T(hi), ga.numel());
    return std::vector<Tensor>{ga};
  });
  return out;
}

Tensor relu(const Tensor& x) { return activation("relu", x, Activation::Relu, 0.0); }
Tensor leaky_relu(const Tensor& x, double slope) {
  return activation("leaky_relu", x, Activation::LeakyRelu, slope);
}
Tensor tanh(const Tensor& x) { return activation("tanh", x, Activation::Tanh, 0.0); }
Tensor sigmoid(const Tensor& x) { return activation("sigmoid", x, Activation::Sigmoid, 0.0); }
Tensor exp(const Tensor& x) { return activation("exp", x, Activation::Exp, 0.0); }

Tensor dropout(const Tensor& x, double p, bool training, Generator& gen) {
  NOVA_CHECK(p >= 0.0 && p <= 1.0, "dropout: probability ", p, " is outside [0, 1]");
  if (!training || p == 0.0) return x;
  Tensor mask = like(x);
  const uint64_t offset = gen.advance(static_cast<uint64_t>(x.numel()));
  NOVA_CALL(mask, dropout_mask, ptr<T>(mask), mask.numel(), gen.seed(), offset, T(p));
  return mul(x, mask);  // mask needs no gradient, so mul's backward is the dropout backward
}

}  // namespace nova
