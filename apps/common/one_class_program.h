// The whole of a one-class training program (train_ocgan, train_rd,
// train_oclr) except the model: flags, data and protocol, the training loop
// with progress, JSONL log, checkpoints and exact resume, model selection,
// scoring the test split (scores, ROC, histograms, pictures, results table
// beside the paper's figure), and the scoring mode (--score, --input).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "apps/common/flags.h"
#include "engine/checkpoint.h"
#include "engine/data/image_set.h"
#include "engine/tensor.h"
#include "models/one_class_model.h"

namespace nova::apps {

struct ProgramSpec {
  std::string program;     // "train_ocgan"
  std::string model_name;  // "OCGAN", for titles
  std::string model_key;   // "ocgan", "rd", "oclr": picks the paper figures
  std::string summary;     // the first paragraph of --help
  int64_t default_epochs = 15;
  std::string epochs_help = "training epochs";
  // The epoch count from the flags, for a program whose default depends on
  // other flags (a choice per data set); empty: --epochs as it stands.
  std::function<int64_t(const Flags&)> epochs_from_flags;

  // Declares the model's own flags (preset, widths, learning rates, batch size...).
  std::function<void(Flags&)> add_model_flags;
  // A fresh model from the flags, for images shaped like `pool`'s unless its
  // settings fix another input shape.
  std::function<std::unique_ptr<models::OneClassModel>(const Flags&, const data::ImageSet& pool,
                                                       uint64_t seed, Device device)>
      make_model;
  // The model described by a checkpoint's metadata (scoring mode).
  std::function<std::unique_ptr<models::OneClassModel>(const Metadata& meta, Device device)>
      model_from_metadata;
};

// --device's value as a device: "auto" is CUDA when a device answers.
Device device_from_flag(const std::string& name);

// main() of a program: parses the flags, trains and scores, or scores with
// --score; prints errors as "<program>: error: ..." and returns the exit code.
// Programs call apps::use_passive_openmp_threads(argv) first.
int run_one_class_program(int argc, char** argv, const ProgramSpec& spec);

// The same for a model class built as Model(config, seed, device), its Config
// made from the flags (for images shaped like the pool's) or from checkpoint
// metadata; fills spec.make_model and spec.model_from_metadata.
template <typename Model, typename Config>
int run_one_class_program(int argc, char** argv, ProgramSpec spec,
                          Config (*from_flags)(const Flags&, const data::ImageSet&),
                          Config (*from_metadata)(const Metadata&)) {
  spec.make_model = [from_flags](const Flags& f, const data::ImageSet& pool, uint64_t seed,
                                 Device device) -> std::unique_ptr<models::OneClassModel> {
    return std::make_unique<Model>(from_flags(f, pool), seed, device);
  };
  spec.model_from_metadata = [from_metadata](
                                 const Metadata& meta,
                                 Device device) -> std::unique_ptr<models::OneClassModel> {
    return std::make_unique<Model>(from_metadata(meta), 0, device);
  };
  return run_one_class_program(argc, argv, spec);
}

}  // namespace nova::apps
