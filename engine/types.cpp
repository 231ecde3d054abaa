#include "engine/types.h"

#include "engine/error.h"
#ifdef NOVA_WITH_CUDA
#include "kernels/cuda/runtime.h"
#endif

namespace nova {

size_t dtype_size(DType dtype) { return dtype == DType::Float32 ? 4 : 8; }

std::string to_string(DType dtype) { return dtype == DType::Float32 ? "float32" : "float64"; }

std::string to_string(Device device) { return device == Device::CPU ? "cpu" : "cuda"; }

std::string to_string(const Shape& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) out += ", ";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

int64_t shape_numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

bool cuda_available() {
#ifdef NOVA_WITH_CUDA
  return cuda::device_available();
#else
  return false;
#endif
}

Device parse_device(const std::string& name) {
  if (name == "cpu") return Device::CPU;
  if (name == "cuda") {
#ifndef NOVA_WITH_CUDA
    throw Error(
        "--device cuda: this build of Nova has no CUDA backend (nvcc was not found when "
        "it was configured); use --device cpu");
#else
    NOVA_CHECK(cuda::device_available(),
               "--device cuda: no CUDA device answers on this machine; use --device cpu");
#endif
    return Device::CUDA;
  }
  throw Error("--device: expected 'cpu' or 'cuda', got '" + name + "'");
}

Device default_device() { return cuda_available() ? Device::CUDA : Device::CPU; }

}  // namespace nova
