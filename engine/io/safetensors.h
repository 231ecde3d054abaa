// The safetensors format: an 8-byte little-endian header length N, N bytes of
// JSON ({"__metadata__": {...}, "name": {"dtype", "shape", "data_offsets"}}),
// then the raw little-endian data. PyTorch, NumPy and others read it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nova::io {

enum class StDType { F32, F64 };

struct NamedArray {
  std::string name;
  StDType dtype = StDType::F32;
  std::vector<int64_t> shape;
  std::string bytes;  // numel * element size, little-endian
};

struct SafetensorsFile {
  std::map<std::string, std::string> metadata;
  std::vector<NamedArray> arrays;
};

size_t element_size(StDType dtype);
const char* dtype_name(StDType dtype);  // "F32", "F64"

// Written atomically (write_text_file). Throws on duplicate names or a byte
// count that does not match the shape.
void save_safetensors(const std::string& path, const SafetensorsFile& file);

// Reads and checks the whole file; every problem (too short, header length
// past the end, malformed JSON, unknown dtype, offsets out of range, out of
// order or overlapping, a byte count that does not match the shape, trailing
// bytes) throws a message naming the file and what was wrong.
SafetensorsFile load_safetensors(const std::string& path);

}  // namespace nova::io
