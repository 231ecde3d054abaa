// What every one-class novelty detector (OCGAN, R+D, OCLR) offers the shared
// training and scoring driver (apps/common/one_class_program.h): training
// iterations, its own model-selection rule, named novelty scores, pictures,
// and the tensors a checkpoint needs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "engine/checkpoint.h"
#include "engine/data/image_set.h"
#include "engine/nn/module.h"
#include "engine/tensor.h"

namespace nova::models {

// Losses of one iteration as device tensors, so a step needs no host sync;
// read_losses copies them to the host when a progress line is printed.
using NamedLosses = std::vector<std::pair<std::string, Tensor>>;
std::vector<std::pair<std::string, double>> read_losses(const NamedLosses& losses);

// The model's verdict after an epoch.
struct EpochSelection {
  std::string criterion_name;  // e.g. "val_mse"
  double criterion = 0.0;      // what the rule looked at, for logs
  bool improved = false;       // selected_state() changed: the driver saves it
  bool stop = false;           // the model's stopping rule says training is over
};

// A picture the driver writes as a PNG grid, `columns` images per row. Each
// batch of `groups` is (n, c, h, w) in the model's input range, all of the
// same shape; the grid shows a row of each group in turn, so an input sits
// above its outputs. One group is a plain grid.
struct Picture {
  std::string file;  // e.g. "samples.png"
  std::vector<Tensor> groups;
  int64_t columns = 16;
};

// The images a model takes: (channels, size, size).
struct InputShape {
  int64_t channels = 1;
  int64_t size = 28;
};

class OneClassModel {
 public:
  virtual ~OneClassModel() = default;

  virtual std::string name() const = 0;  // "OCGAN", "R+D", "OCLR"
  virtual int64_t batch_size() const = 0;
  virtual Device device() const = 0;
  // The driver brings every image set to this shape (data/resize.h) before
  // training or scoring.
  virtual InputShape input_shape() const = 0;

  // Changes made once to the training and validation images before training
  // (the released OCGAN code adds its noise when loading); none by default.
  virtual void prepare_training_images(data::ImageSet& /*images*/) {}

  // Called once before the first epoch of a fresh run (not on resume) with
  // the whole training set; OCLR computes its latent center here.
  virtual void prepare(const data::ImageSet& /*train*/) {}

  // One training iteration on a batch of real images (n, c, h, w).
  virtual NamedLosses train_step(const Tensor& x, int64_t epoch) = 0;

  // After each epoch: the model's own selection and stopping rule, looking
  // at the validation images (normal only) and never at the test set. Any
  // state the rule keeps must be in state() so a resume continues exactly.
  virtual EpochSelection end_epoch(int64_t epoch, const data::ImageSet& val) = 0;

  // Per-image novelty scores of a batch (each (n), higher = more novel),
  // named by score_names(); the first is the default score.
  virtual std::vector<std::string> score_names() const = 0;
  virtual std::vector<Tensor> novelty_scores(const Tensor& x) = 0;

  // The image the model's reconstruction score compares x with, (n, c, h, w)
  // in evaluation mode, for anomaly heat maps; an undefined tensor when the
  // model has no such image.
  virtual Tensor reconstruction(const Tensor& /*x*/) { return Tensor(); }

  // Pictures of what the model does, from up to 16 normal and 16 novel test
  // images (either may be empty).
  virtual std::vector<Picture> pictures(const Tensor& normal, const Tensor& novel) = 0;

  // Everything an exact resume needs: parameters, buffers, optimizer
  // moments, random generator position, selection-rule state.
  virtual nn::NamedTensors state() = 0;
  // Called after the tensors of state() were overwritten (a resume).
  virtual void state_loaded() = 0;
  // The parameters and buffers that scoring needs; the names of
  // selected_state() and network_state() are the same.
  virtual nn::NamedTensors network_state() = 0;
  // What model selection keeps (written to model.safetensors when
  // end_epoch reports an improvement); the current networks by default.
  virtual nn::NamedTensors selected_state() { return network_state(); }
  // The settings, enough to rebuild the model for scoring.
  virtual Metadata metadata() const = 0;

  // Called by train_step as each of its phases begins, with the phase's name
  // ("classifier", "mining", ...), so a benchmark can time the phases; the
  // step's end is its return. An empty observer (the default) is not called.
  using PhaseObserver = std::function<void(const char* phase)>;
  void set_phase_observer(PhaseObserver observer) { phase_observer_ = std::move(observer); }

 protected:
  void enter_phase(const char* phase) const {
    if (phase_observer_) phase_observer_(phase);
  }

 private:
  PhaseObserver phase_observer_;
};

}  // namespace nova::models
