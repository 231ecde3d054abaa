#include "kernels/cuda/workspace.h"

#include <map>
#include <mutex>

#include "kernels/cuda/runtime.h"

namespace nova::kernels::cuda::detail {

void* workspace(cudaStream_t stream, size_t bytes) {
  struct Buffer {
    void* ptr = nullptr;
    size_t bytes = 0;
  };
  static std::mutex mutex;
  static auto* buffers = new std::map<cudaStream_t, Buffer>();  // never destroyed
  std::lock_guard<std::mutex> lock(mutex);
  Buffer& b = (*buffers)[stream];
  if (b.bytes < bytes) {
    const size_t grown = bytes > 2 * b.bytes ? bytes : 2 * b.bytes;
    void* fresh = nova::cuda::device_alloc(grown);
    nova::cuda::device_free(b.ptr);
    b.ptr = fresh;
    b.bytes = grown;
  }
  return b.ptr;
}

}  // namespace nova::kernels::cuda::detail
