// Elementwise activation formulas (and exp, which shares their machinery),
// written once for both backends.
#pragma once

#include <cmath>

#include "kernels/common/hd.h"

namespace nova::kernels {

enum class Activation { Relu, LeakyRelu, Tanh, Sigmoid, Exp };

template <typename T>
NOVA_HD T activation_value(Activation a, T x, T slope) {
  switch (a) {
    case Activation::Relu:
      return x > T(0) ? x : T(0);
    case Activation::LeakyRelu:
      return x > T(0) ? x : x * slope;
    case Activation::Tanh:
      return tanh(x);
    case Activation::Sigmoid:
      return T(1) / (T(1) + exp(-x));
    case Activation::Exp:
      return exp(x);
  }
  return x;
}

// Whether the derivative is computed from the output y (tanh, sigmoid, exp,
// as PyTorch does) rather than the input x (the ReLU family).
NOVA_HD constexpr bool activation_uses_output(Activation a) {
  return a == Activation::Tanh || a == Activation::Sigmoid || a == Activation::Exp;
}

// d activation / d x, from the input x or the output y = activation(x)
// (activation_uses_output says which).
template <typename T>
NOVA_HD T activation_derivative(Activation a, T x, T y, T slope) {
  switch (a) {
    case Activation::Relu:
      return x > T(0) ? T(1) : T(0);
    case Activation::LeakyRelu:
      return x > T(0) ? T(1) : slope;
    case Activation::Tanh:
      return T(1) - y * y;
    case Activation::Sigmoid:
      return y * (T(1) - y);
    case Activation::Exp:
      return y;
  }
  return T(1);
}

}  // namespace nova::kernels
