// Split files: a protocol split as JSON, so other runs and tools can reuse it.
//
// {
//   "format": "nova-split", "version": 1,
//   "dataset": "fashion-mnist", "class": 3, "seed": 7, "protocol": 1,
//   "train_fraction": 0.8, "val_fraction": 0.1,
//   "pool_size": 70000, "n_train_split": 60000,
//   "train": [...], "val": [...], "test": [...],   // indices into the pool
//   "test_labels": [...]                            // 1 = in-class, 0 = novel
// }
// The pool is the data set's train part followed by its test part.
#pragma once

#include <string>

#include "engine/data/protocol.h"

namespace nova::data {

std::string split_to_json(const Split& split);

// Parses and checks a split (validate_split against its own pool_size);
// `source` names the text in errors.
Split split_from_json(const std::string& text, const std::string& source);

// Written whole or not at all (temporary file + rename).
void write_split_json(const std::string& path, const Split& split);
Split read_split_json(const std::string& path);

}  // namespace nova::data
