#include "engine/storage.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "engine/error.h"
#ifdef NOVA_WITH_CUDA
#include "kernels/cuda/runtime.h"
#endif

namespace nova {

namespace {
constexpr size_t kHostAlignment = 64;  // a cache line, and enough for AVX-512 loads

#ifndef NOVA_WITH_CUDA
[[noreturn]] void no_cuda() {
  throw Error("a CUDA tensor was used but this build of Nova has no CUDA backend");
}
#endif
}  // namespace

Storage::Storage(size_t bytes, Device device) : bytes_(bytes), device_(device) {
  const size_t rounded = ((bytes + kHostAlignment - 1) / kHostAlignment) * kHostAlignment;
  if (device == Device::CPU) {
    data_ = std::aligned_alloc(kHostAlignment, rounded == 0 ? kHostAlignment : rounded);
    if (!data_) throw Error(concat("out of host memory allocating ", bytes, " bytes"));
  } else {
#ifdef NOVA_WITH_CUDA
    data_ = cuda::device_alloc(rounded == 0 ? kHostAlignment : rounded);
#else
    no_cuda();
#endif
  }
}

Storage::~Storage() {
  if (device_ == Device::CPU) {
    std::free(data_);
  } else {
#ifdef NOVA_WITH_CUDA
    cuda::device_free(data_);
#endif
  }
}

void copy_bytes(void* dst, Device dst_device, const void* src, Device src_device, size_t bytes) {
  if (bytes == 0) return;
  if (dst_device == Device::CPU && src_device == Device::CPU) {
    std::memcpy(dst, src, bytes);
    return;
  }
#ifdef NOVA_WITH_CUDA
  if (dst_device == Device::CUDA && src_device == Device::CPU) {
    cuda::copy_host_to_device(dst, src, bytes);
  } else if (dst_device == Device::CPU && src_device == Device::CUDA) {
    cuda::copy_device_to_host(dst, src, bytes);
  } else {
    cuda::copy_device_to_device(dst, src, bytes);
  }
#else
  no_cuda();
#endif
}

}  // namespace nova
