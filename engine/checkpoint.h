// Checkpoints: named tensors in the safetensors format (PyTorch and other
// tools open them), written atomically, loaded with every name, shape and
// dtype checked.
#pragma once

#include <map>
#include <string>

#include "engine/nn/module.h"

namespace nova {

using Metadata = std::map<std::string, std::string>;

// Writes the tensors (copied to the host) and string metadata to `path`.
void save_checkpoint(const std::string& path, const nn::NamedTensors& tensors,
                     const Metadata& metadata = {});

// Copies the file's tensors into `into` (on whatever device they live),
// after checking that the file has exactly these names with these shapes and
// dtypes; throws one message listing every mismatch. Returns the metadata.
Metadata load_checkpoint(const std::string& path, const nn::NamedTensors& into);

// The metadata alone (to look at a checkpoint before building a model for it).
Metadata read_checkpoint_metadata(const std::string& path);

}  // namespace nova
