#include "engine/io/safetensors.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "engine/io/json.h"
#include "engine/io/text_file.h"

namespace nova::io {

namespace {

constexpr uint64_t kMaxHeaderBytes = 100ull << 20;  // refuse absurd headers from corrupt files

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw std::runtime_error("checkpoint '" + path + "' is not a valid safetensors file: " + what);
}

int64_t numel_of(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

}  // namespace

size_t element_size(StDType dtype) { return dtype == StDType::F32 ? 4 : 8; }
const char* dtype_name(StDType dtype) { return dtype == StDType::F32 ? "F32" : "F64"; }

void save_safetensors(const std::string& path, const SafetensorsFile& file) {
  JsonWriter header(true);
  header.begin_object();
  if (!file.metadata.empty()) {
    header.key("__metadata__").begin_object();
    for (const auto& [k, v] : file.metadata) header.key(k).value(v);
    header.end_object();
  }
  std::set<std::string> names;
  uint64_t offset = 0;
  for (const NamedArray& a : file.arrays) {
    if (!names.insert(a.name).second) {
      throw std::runtime_error("cannot write '" + path + "': tensor '" + a.name + "' twice");
    }
    const uint64_t expected = static_cast<uint64_t>(numel_of(a.shape)) * element_size(a.dtype);
    if (a.bytes.size() != expected) {
      throw std::runtime_error("cannot write '" + path + "': tensor '" + a.name + "' has " +
                               std::to_string(a.bytes.size()) + " bytes for its shape's " +
                               std::to_string(expected));
    }
    header.key(a.name).begin_object();
    header.key("dtype").value(dtype_name(a.dtype));
    header.key("shape").array(a.shape);
    header.key("data_offsets").begin_array().value(offset).value(offset + expected).end_array();
    header.end_object();
    offset += expected;
  }
  header.end_object();
  std::string json = header.str();
  while (json.size() % 8 != 0) json += ' ';  // the format aligns the data to 8 bytes

  std::string out(8, '\0');
  const uint64_t n = json.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  out += json;
  for (const NamedArray& a : file.arrays) out += a.bytes;
  write_text_file(path, out);
}

SafetensorsFile load_safetensors(const std::string& path) {
  const std::string data = read_text_file(path);
  if (data.size() < 8)
    bad(path,
        "only " + std::to_string(data.size()) + " bytes, shorter than the 8-byte header length");
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i)
    n |= static_cast<uint64_t>(static_cast<unsigned char>(data[i])) << (8 * i);
  if (n > kMaxHeaderBytes || n > data.size() - 8) {
    bad(path, "header length " + std::to_string(n) + " runs past the end of the " +
                  std::to_string(data.size()) + "-byte file (truncated?)");
  }
  JsonValue header;
  try {
    header = parse_json(data.substr(8, n), path);
  } catch (const std::exception& e) {
    bad(path, std::string("malformed header: ") + e.what());
  }
  if (header.kind != JsonValue::Kind::Object) bad(path, "the header is not a JSON object");
  const uint64_t data_start = 8 + n, data_size = data.size() - data_start;

  SafetensorsFile file;
  std::vector<std::pair<uint64_t, uint64_t>> spans;  // [begin, end) of each tensor
  for (const auto& [name, entry] : header.members) {
    try {
      if (name == "__metadata__") {
        for (const auto& [k, v] : entry.members) file.metadata[k] = v.text;
        continue;
      }
      NamedArray a;
      a.name = name;
      const std::string dtype = entry.at("dtype").text;
      if (dtype == "F32") {
        a.dtype = StDType::F32;
      } else if (dtype == "F64") {
        a.dtype = StDType::F64;
      } else {
        bad(path, "tensor '" + name + "' has dtype " + dtype + " (Nova reads F32 and F64)");
      }
      for (const JsonValue& d : entry.at("shape").as_array()) {
        if (d.as_int64() < 0) bad(path, "tensor '" + name + "' has a negative dimension");
        a.shape.push_back(d.as_int64());
      }
      const auto& offsets = entry.at("data_offsets").as_array();
      if (offsets.size() != 2) bad(path, "tensor '" + name + "': data_offsets needs 2 numbers");
      const uint64_t begin = static_cast<uint64_t>(offsets[0].as_int64());
      const uint64_t end = static_cast<uint64_t>(offsets[1].as_int64());
      const uint64_t expected = static_cast<uint64_t>(numel_of(a.shape)) * element_size(a.dtype);
      if (end < begin || end - begin != expected) {
        bad(path, "tensor '" + name + "' holds " + std::to_string(end - begin) +
                      " bytes but its shape needs " + std::to_string(expected));
      }
      if (end > data_size) {
        bad(path, "tensor '" + name + "' ends at byte " + std::to_string(end) + " of a " +
                      std::to_string(data_size) + "-byte data section (truncated?)");
      }
      a.bytes = data.substr(data_start + begin, expected);
      spans.emplace_back(begin, end);
      file.arrays.push_back(std::move(a));
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      if (what.rfind("checkpoint '", 0) == 0) throw;
      bad(path, "tensor '" + name + "': " + what);
    }
  }
  // Other writers order the data differently from the header: the spans,
  // sorted, must tile the data section exactly.
  std::sort(spans.begin(), spans.end());
  uint64_t covered = 0;
  for (const auto& [begin, end] : spans) {
    if (begin != covered)
      bad(path, "tensor data overlaps or leaves a gap at byte " + std::to_string(begin));
    covered = end;
  }
  if (covered != data_size) {
    bad(path, std::to_string(data_size - covered) + " bytes after the last tensor");
  }
  return file;
}

}  // namespace nova::io
