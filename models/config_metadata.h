// A model's settings as checkpoint metadata (text) and back. Each model lists
// its fields once, as visit_fields(config, visitor) calling
// visitor("model.key", field) per field; MetadataWriter and MetadataReader are
// the two visitors, so the directions cannot drift apart.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/checkpoint.h"

namespace nova::models {

struct MetadataWriter {
  Metadata& out;
  void operator()(const char* key, const std::string& v) const;
  void operator()(const char* key, int64_t v) const;
  void operator()(const char* key, bool v) const;
  void operator()(const char* key, double v) const;  // 17 digits: every double round-trips
  void operator()(const char* key, const std::vector<int64_t>& v) const;
};

// Throws naming the key when it is missing (not a <model> checkpoint, or an
// older one) or its text is not a whole value of the field's type.
struct MetadataReader {
  const Metadata& in;
  std::string model;  // "OCGAN", for messages
  void operator()(const char* key, std::string& v) const;
  void operator()(const char* key, int64_t& v) const;
  void operator()(const char* key, bool& v) const;
  void operator()(const char* key, double& v) const;
  void operator()(const char* key, std::vector<int64_t>& v) const;

 private:
  const std::string& text(const char* key) const;
};

}  // namespace nova::models
