// Tensor: a shaped, typed view of shared storage on one device, with the
// autograd fields (requires_grad, grad, the node that produced it).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "engine/storage.h"
#include "engine/types.h"

namespace nova {

struct Node;
class Tensor;

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  DType dtype = DType::Float32;
  bool requires_grad = false;
  std::shared_ptr<TensorImpl> grad;  // accumulated by backward() on leaves
  std::shared_ptr<Node> grad_fn;     // null for leaves
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // Creation. Contents of empty() are unspecified.
  static Tensor empty(const Shape& shape, DType dtype = DType::Float32,
                      Device device = Device::CPU);
  static Tensor zeros(const Shape& shape, DType dtype = DType::Float32,
                      Device device = Device::CPU);
  static Tensor full(const Shape& shape, double value, DType dtype = DType::Float32,
                     Device device = Device::CPU);
  static Tensor ones(const Shape& shape, DType dtype = DType::Float32,
                     Device device = Device::CPU) {
    return full(shape, 1.0, dtype, device);
  }
  static Tensor from_vector(const std::vector<float>& values, const Shape& shape,
                            Device device = Device::CPU);
  static Tensor from_vector(const std::vector<double>& values, const Shape& shape,
                            Device device = Device::CPU);

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl().shape; }
  int64_t dim() const { return static_cast<int64_t>(shape().size()); }
  int64_t size(int64_t axis) const;  // negative axes count from the end
  int64_t numel() const { return shape_numel(shape()); }
  DType dtype() const { return impl().dtype; }
  Device device() const { return impl().storage->device(); }
  size_t nbytes() const { return static_cast<size_t>(numel()) * dtype_size(dtype()); }

  // Typed raw pointer; throws if T does not match the dtype.
  template <typename T>
  T* data();
  template <typename T>
  const T* data() const;
  void* raw_data() { return impl().storage->data(); }
  const void* raw_data() const { return impl().storage->data(); }

  // Copies (never views) to another device or dtype; not differentiable.
  Tensor to(Device device) const;
  Tensor to(DType dtype) const;
  Tensor clone() const;  // same device and dtype, own storage, no graph
  // Overwrites this tensor's contents with src's (same shape; any device or
  // dtype); not recorded by autograd. Used by optimizers, mining, loading.
  void copy_from(const Tensor& src);
  // Moves the storage to another device in place, keeping this handle (and
  // every copy of it) valid: how a module's parameters change device.
  void move_to_(Device device);

  std::vector<float> to_vector() const;
  std::vector<double> to_double_vector() const;
  double item() const;  // the value of a one-element tensor

  // Differentiable view sharing storage; one dimension may be -1.
  Tensor reshape(const Shape& shape) const;
  Tensor flatten(int64_t start_dim = 1) const;  // keeps dims before start_dim

  // Autograd.
  bool requires_grad() const { return impl().requires_grad; }
  Tensor& requires_grad_(bool on = true);
  Tensor detach() const;  // shares storage, no graph, no grad
  Tensor grad() const;    // undefined if none accumulated yet
  void zero_grad();       // drops the accumulated gradient
  void backward() const;  // of a one-element tensor, with gradient 1
  void backward(const Tensor& grad_output) const;
  bool is_leaf() const { return impl().grad_fn == nullptr; }

  std::string str(int64_t max_values = 8) const;  // for debugging
  TensorImpl& impl() const;
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

std::ostream& operator<<(std::ostream& out, const Tensor& t);

// Throws an Error naming the op and both shapes when they differ.
void check_same_shape(const char* op, const Tensor& a, const Tensor& b);
// Throws when device or dtype differ, naming the op.
void check_same_kind(const char* op, const Tensor& a, const Tensor& b);

}  // namespace nova
