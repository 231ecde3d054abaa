// Element types, devices and shapes of tensors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nova {

enum class DType { Float32, Float64 };
enum class Device { CPU, CUDA };

using Shape = std::vector<int64_t>;

size_t dtype_size(DType dtype);
std::string to_string(DType dtype);
std::string to_string(Device device);
std::string to_string(const Shape& shape);  // "[2, 3, 4]"
int64_t shape_numel(const Shape& shape);

// Parses "cpu" or "cuda" (a --device flag); throws naming the accepted values.
Device parse_device(const std::string& name);

// True when this build has the CUDA backend and a device answers.
bool cuda_available();

// The device a program uses when none is asked for: CUDA when a device
// answers, else CPU.
Device default_device();

}  // namespace nova
