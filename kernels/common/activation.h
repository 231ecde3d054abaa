// Elementwise activation formulas, written once for both backends.
#pragma once

#include <cmath>

#include "kernels/common/hd.h"

namespace nova::kernels {

enum class Activation { Relu, LeakyRelu, Tanh, Sigmoid };

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
  }
  return x;
}

// d activation / d x, from the input x and the output y = activation(x):
// tanh and sigmoid use y (as PyTorch does), the ReLU family uses x.
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
  }
  return T(1);
}

}  // namespace nova::kernels
