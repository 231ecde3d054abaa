// Module: named parameters, buffers and submodules, train/eval mode and
// device moves, in the spirit of torch.nn.Module. Names are dotted paths
// ("encoder.0.weight") as PyTorch's state_dict writes them.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/tensor.h"

namespace nova::nn {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

class Module {
 public:
  virtual ~Module() = default;

  NamedTensors named_parameters() const;
  NamedTensors named_buffers() const;
  // Parameters and buffers together: what a checkpoint stores.
  NamedTensors state() const;
  std::vector<Tensor> parameters() const;

  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  // Whether batchnorm layers fold training batches into their running
  // statistics (PyTorch's track_running_stats, switched at run time): off for
  // passes whose inputs are not what the network sees when evaluated.
  void track_running_stats(bool on);
  bool tracks_running_stats() const { return track_running_stats_; }
  void to(Device device);
  void zero_grad();
  // Freezes (false) or unfreezes every parameter: a frozen network still
  // passes gradients to its inputs but computes none for its weights.
  void requires_grad_(bool on);
  int64_t parameter_count() const;

 protected:
  Tensor register_parameter(const std::string& name, Tensor value);
  Tensor register_buffer(const std::string& name, Tensor value);
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    children_.emplace_back(name, module);
    return module;
  }

 private:
  void collect(const std::string& prefix, bool parameters, bool buffers, NamedTensors& out) const;

  bool training_ = true;
  bool track_running_stats_ = true;
  NamedTensors parameters_;
  NamedTensors buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
};

// A module mapping one tensor to one tensor: the building block of Sequential.
class Layer : public Module {
 public:
  virtual Tensor forward(const Tensor& x) = 0;
  Tensor operator()(const Tensor& x) { return forward(x); }
};

}  // namespace nova::nn

namespace nova::nn {

// Turns one of a Module's on/off switches off for the given modules for the
// lifetime of the scope and back on after.
template <void (Module::*Switch)(bool)>
class SwitchedOffScope {
 public:
  explicit SwitchedOffScope(std::vector<Module*> modules) : modules_(std::move(modules)) {
    for (Module* m : modules_) (m->*Switch)(false);
  }
  ~SwitchedOffScope() {
    for (Module* m : modules_) (m->*Switch)(true);
  }
  SwitchedOffScope(const SwitchedOffScope&) = delete;
  SwitchedOffScope& operator=(const SwitchedOffScope&) = delete;

 private:
  std::vector<Module*> modules_;
};

// Frozen parameters (OCGAN's mining and its generator step keep other
// networks fixed).
using FreezeScope = SwitchedOffScope<&Module::requires_grad_>;

// Fixed running statistics: training-mode passes still normalise with batch
// statistics but do not move the statistics evaluation uses (OCGAN decodes
// random latent samples, which must not shape how reconstructions are
// normalised).
using RunningStatsFrozen = SwitchedOffScope<&Module::track_running_stats>;

}  // namespace nova::nn
