#include "engine/checkpoint.h"

#include <cstring>
#include <map>

#include "engine/error.h"
#include "engine/io/safetensors.h"

namespace nova {

namespace {

io::StDType to_st(DType d) { return d == DType::Float32 ? io::StDType::F32 : io::StDType::F64; }

}  // namespace

void save_checkpoint(const std::string& path, const nn::NamedTensors& tensors,
                     const Metadata& metadata) {
  io::SafetensorsFile file;
  file.metadata = metadata;
  for (const auto& [name, t] : tensors) {
    const Tensor host = t.device() == Device::CPU ? t : t.to(Device::CPU);
    io::NamedArray a;
    a.name = name;
    a.dtype = to_st(t.dtype());
    a.shape = t.shape();
    a.bytes.assign(static_cast<const char*>(host.raw_data()), host.nbytes());
    file.arrays.push_back(std::move(a));
  }
  io::save_safetensors(path, file);
}

Metadata load_checkpoint(const std::string& path, const nn::NamedTensors& into) {
  const io::SafetensorsFile file = io::load_safetensors(path);
  std::map<std::string, const io::NamedArray*> by_name;
  for (const io::NamedArray& a : file.arrays) by_name[a.name] = &a;
  std::string problems;
  std::map<std::string, bool> expected;
  for (const auto& [name, t] : into) {
    expected[name] = true;
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      problems += "\n  missing tensor '" + name + "' " + to_string(t.shape());
      continue;
    }
    const io::NamedArray& a = *it->second;
    if (a.shape != t.shape()) {
      problems += "\n  '" + name + "' has shape " + to_string(a.shape) + ", expected " +
                  to_string(t.shape());
    } else if (a.dtype != to_st(t.dtype())) {
      problems += "\n  '" + name + "' is " + io::dtype_name(a.dtype) + ", expected " +
                  io::dtype_name(to_st(t.dtype()));
    }
  }
  for (const io::NamedArray& a : file.arrays) {
    if (!expected.count(a.name)) problems += "\n  unexpected tensor '" + a.name + "'";
  }
  NOVA_CHECK(problems.empty(), "checkpoint '", path, "' does not match this model:", problems);
  for (const auto& [name, t] : into) {
    const io::NamedArray& a = *by_name[name];
    Tensor host = Tensor::empty(t.shape(), t.dtype());
    std::memcpy(host.raw_data(), a.bytes.data(), a.bytes.size());
    Tensor target = t;
    target.copy_from(host);
  }
  return file.metadata;
}

Metadata read_checkpoint_metadata(const std::string& path) {
  return io::load_safetensors(path).metadata;
}

}  // namespace nova
