#include "engine/tensor.h"

#include <algorithm>
#include <ostream>
#include <sstream>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"

namespace nova {

using backend::ptr;

namespace {

std::shared_ptr<TensorImpl> make_impl(const Shape& shape, DType dtype, Device device) {
  for (int64_t d : shape)
    NOVA_CHECK(d >= 0, "tensor shape ", to_string(shape), " has a negative size");
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = shape;
  impl->dtype = dtype;
  impl->storage = std::make_shared<Storage>(shape_numel(shape) * dtype_size(dtype), device);
  return impl;
}

template <typename T>
Tensor from_values(const std::vector<T>& values, const Shape& shape, DType dtype, Device device) {
  NOVA_CHECK(static_cast<int64_t>(values.size()) == shape_numel(shape),
             "from_vector: ", values.size(), " values do not fill shape ", to_string(shape));
  Tensor t = Tensor::empty(shape, dtype, Device::CPU);
  std::copy(values.begin(), values.end(), t.data<T>());
  return device == Device::CPU ? t : t.to(device);
}

}  // namespace

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  return Tensor(make_impl(shape, dtype, device));
}

Tensor Tensor::zeros(const Shape& shape, DType dtype, Device device) {
  return full(shape, 0.0, dtype, device);
}

Tensor Tensor::full(const Shape& shape, double value, DType dtype, Device device) {
  Tensor t = empty(shape, dtype, device);
  NOVA_CALL(t, fill, ptr<T>(t), T(value), t.numel());
  return t;
}

Tensor Tensor::from_vector(const std::vector<float>& values, const Shape& shape, Device device) {
  return from_values(values, shape, DType::Float32, device);
}

Tensor Tensor::from_vector(const std::vector<double>& values, const Shape& shape, Device device) {
  return from_values(values, shape, DType::Float64, device);
}

TensorImpl& Tensor::impl() const {
  NOVA_CHECK(impl_ != nullptr, "use of an undefined tensor");
  return *impl_;
}

int64_t Tensor::size(int64_t axis) const {
  const int64_t d = dim();
  const int64_t a = axis < 0 ? axis + d : axis;
  NOVA_CHECK(a >= 0 && a < d, "size(", axis, "): axis out of range for shape ", to_string(shape()));
  return shape()[a];
}

template <typename T>
T* Tensor::data() {
  constexpr DType wanted = std::is_same_v<T, float> ? DType::Float32 : DType::Float64;
  NOVA_CHECK(dtype() == wanted, "data<", to_string(wanted), ">() on a ", to_string(dtype()),
             " tensor");
  return static_cast<T*>(impl().storage->data());
}

template <typename T>
const T* Tensor::data() const {
  return const_cast<Tensor*>(this)->data<T>();
}

template float* Tensor::data<float>();
template double* Tensor::data<double>();
template const float* Tensor::data<float>() const;
template const double* Tensor::data<double>() const;

Tensor Tensor::to(Device device) const {
  Tensor out = empty(shape(), dtype(), device);
  copy_bytes(out.raw_data(), device, raw_data(), this->device(), nbytes());
  return out;
}

Tensor Tensor::to(DType target) const {
  if (target == dtype()) return clone();
  // Converted on the host: dtype casts happen when loading, saving and in
  // double-precision checks, never inside a training step.
  Tensor host = device() == Device::CPU ? *this : to(Device::CPU);
  Tensor out = empty(shape(), target, Device::CPU);
  if (target == DType::Float64) {
    kernels::cpu::convert(out.data<double>(), host.data<float>(), numel());
  } else {
    kernels::cpu::convert(out.data<float>(), host.data<double>(), numel());
  }
  return device() == Device::CPU ? out : out.to(device());
}

Tensor Tensor::clone() const { return to(device()); }

void Tensor::copy_from(const Tensor& src) {
  check_same_shape("copy_from", *this, src);
  const Tensor converted = src.dtype() == dtype() ? src : src.to(dtype());
  copy_bytes(raw_data(), device(), converted.raw_data(), converted.device(), nbytes());
}

void Tensor::move_to_(Device target) {
  if (target == device()) return;
  Tensor moved = to(target);
  impl().storage = moved.impl().storage;
  if (impl().grad) impl().grad.reset();
}

std::vector<double> Tensor::to_double_vector() const {
  Tensor host = to(DType::Float64);
  if (host.device() != Device::CPU) host = host.to(Device::CPU);
  const double* p = host.data<double>();
  return std::vector<double>(p, p + numel());
}

std::vector<float> Tensor::to_vector() const {
  Tensor host = to(DType::Float32);
  if (host.device() != Device::CPU) host = host.to(Device::CPU);
  const float* p = host.data<float>();
  return std::vector<float>(p, p + numel());
}

double Tensor::item() const {
  NOVA_CHECK(numel() == 1, "item() needs a one-element tensor, got shape ", to_string(shape()));
  return to_double_vector()[0];
}

Tensor Tensor::reshape(const Shape& new_shape) const {
  Shape resolved = new_shape;
  int64_t known = 1, inferred = -1;
  for (size_t i = 0; i < resolved.size(); ++i) {
    if (resolved[i] == -1) {
      NOVA_CHECK(inferred < 0, "reshape: more than one -1 in ", to_string(new_shape));
      inferred = static_cast<int64_t>(i);
    } else {
      known *= resolved[i];
    }
  }
  if (inferred >= 0) {
    NOVA_CHECK(known > 0 && numel() % known == 0, "reshape: cannot view ", to_string(shape()),
               " as ", to_string(new_shape));
    resolved[inferred] = numel() / known;
  }
  NOVA_CHECK(shape_numel(resolved) == numel(), "reshape: cannot view ", to_string(shape()), " (",
             numel(), " elements) as ", to_string(new_shape));
  auto view = std::make_shared<TensorImpl>();
  view->storage = impl().storage;
  view->shape = resolved;
  view->dtype = dtype();
  Tensor out(view);
  const Shape original = shape();
  record_op(out, "reshape", {*this},
            [original](const Tensor& g) { return std::vector<Tensor>{g.reshape(original)}; });
  return out;
}

Tensor Tensor::flatten(int64_t start_dim) const {
  NOVA_CHECK(start_dim >= 0 && start_dim <= dim(), "flatten(", start_dim, ") of shape ",
             to_string(shape()));
  Shape s(shape().begin(), shape().begin() + start_dim);
  int64_t rest = 1;
  for (int64_t i = start_dim; i < dim(); ++i) rest *= shape()[i];
  s.push_back(rest);
  return reshape(s);
}

Tensor& Tensor::requires_grad_(bool on) {
  NOVA_CHECK(is_leaf() || on, "requires_grad_(false) on a non-leaf tensor: use detach()");
  impl().requires_grad = on;
  return *this;
}

Tensor Tensor::detach() const {
  auto view = std::make_shared<TensorImpl>();
  view->storage = impl().storage;
  view->shape = shape();
  view->dtype = dtype();
  return Tensor(view);
}

Tensor Tensor::grad() const { return impl().grad ? Tensor(impl().grad) : Tensor(); }

void Tensor::zero_grad() { impl().grad.reset(); }

void Tensor::backward() const {
  NOVA_CHECK(numel() == 1, "backward() without a gradient needs a one-element tensor, got shape ",
             to_string(shape()));
  run_backward(*this, full(shape(), 1.0, dtype(), device()));
}

void Tensor::backward(const Tensor& grad_output) const { run_backward(*this, grad_output); }

std::string Tensor::str(int64_t max_values) const {
  std::ostringstream out;
  out << "Tensor(" << to_string(shape()) << ", " << to_string(dtype()) << ", "
      << to_string(device());
  if (requires_grad()) out << ", requires_grad";
  out << ") [";
  const std::vector<double> v = to_double_vector();
  const int64_t shown = std::min<int64_t>(max_values, numel());
  for (int64_t i = 0; i < shown; ++i) out << (i ? ", " : "") << v[i];
  if (shown < numel()) out << ", ...";
  out << "]";
  return out.str();
}

std::ostream& operator<<(std::ostream& out, const Tensor& t) { return out << t.str(); }

void check_same_shape(const char* op, const Tensor& a, const Tensor& b) {
  NOVA_CHECK(a.shape() == b.shape(), op, ": shapes ", to_string(a.shape()), " and ",
             to_string(b.shape()), " differ");
}

void check_same_kind(const char* op, const Tensor& a, const Tensor& b) {
  NOVA_CHECK(a.device() == b.device(), op, ": tensors on ", to_string(a.device()), " and ",
             to_string(b.device()));
  NOVA_CHECK(a.dtype() == b.dtype(), op, ": dtypes ", to_string(a.dtype()), " and ",
             to_string(b.dtype()));
}

}  // namespace nova
