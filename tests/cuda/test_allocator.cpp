// The caching allocator, the copies and the error checks of kernels/cuda/runtime.
#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/cuda/check.h"
#include "kernels/cuda/runtime.h"
#include "tests/cuda/cuda_test_util.h"

namespace {

namespace ncuda = nova::cuda;

}  // namespace

TEST_CASE("CUDA allocator reuses freed blocks", "[cuda][allocator]") {
  NOVA_SKIP_WITHOUT_CUDA();
  // A training-step-like pattern of sizes, small and large.
  const std::vector<size_t> sizes = {4, 1000, 4096, 3 << 20, 100, 513, 7 << 20, 64};
  auto one_step = [&] {
    std::vector<void*> blocks;
    for (size_t bytes : sizes) blocks.push_back(ncuda::device_alloc(bytes));
    for (void* p : blocks) CHECK(p != nullptr);
    for (size_t i = 0; i < blocks.size(); ++i) {
      CHECK(reinterpret_cast<uintptr_t>(blocks[i]) % 256 == 0);
    }
    for (void* p : blocks) ncuda::device_free(p);
  };
  one_step();  // warm-up
  const ncuda::MemoryStats warm = ncuda::memory_stats();
  for (int i = 0; i < 10; ++i) one_step();
  const ncuda::MemoryStats after = ncuda::memory_stats();
  CHECK(after.cuda_malloc_calls == warm.cuda_malloc_calls);
  CHECK(after.bytes_in_use == warm.bytes_in_use);
  CHECK(after.peak_bytes_in_use >= after.bytes_in_use);

  // Bytes in use count while blocks are held.
  void* p = ncuda::device_alloc(1 << 20);
  CHECK(ncuda::memory_stats().bytes_in_use >= after.bytes_in_use + (1 << 20));
  ncuda::device_free(p);
  CHECK(ncuda::memory_stats().bytes_in_use == after.bytes_in_use);
  CHECK(ncuda::memory_stats().bytes_cached > 0);
  ncuda::empty_cache();
  CHECK(ncuda::memory_stats().bytes_cached == 0);
}

TEST_CASE("CUDA allocator reports out of memory", "[cuda][allocator]") {
  NOVA_SKIP_WITHOUT_CUDA();
  const size_t absurd = size_t(1) << 50;  // 1 PiB
  try {
    ncuda::device_alloc(absurd);
    FAIL("a 1 PiB allocation succeeded");
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    INFO(msg);
    CHECK(msg.find("out of memory") != std::string::npos);
    CHECK(msg.find(std::to_string(absurd)) != std::string::npos);
    CHECK(msg.find("free of") != std::string::npos);
  }
  // The failure leaves no error behind: a launch check still passes.
  CHECK_NOTHROW(NOVA_LAUNCH_CHECK(after_out_of_memory));
  void* p = ncuda::device_alloc(1024);
  CHECK(p != nullptr);
  ncuda::device_free(p);
}

TEST_CASE("CUDA copies round-trip through the device", "[cuda][allocator]") {
  NOVA_SKIP_WITHOUT_CUDA();
  const auto host = nova::testing::cuda::random_vector(12345, 3);
  const size_t bytes = host.size() * sizeof(float);
  void* a = ncuda::device_alloc(bytes);
  void* b = ncuda::device_alloc(bytes);
  ncuda::copy_host_to_device(a, host.data(), bytes);
  ncuda::copy_device_to_device(b, a, bytes);
  std::vector<float> back(host.size());
  ncuda::copy_device_to_host(back.data(), b, bytes);
  CHECK(back == host);
  ncuda::device_free(a);
  ncuda::device_free(b);
  CHECK_NOTHROW(ncuda::synchronize());
  CHECK(ncuda::stream_handle() != nullptr);
  CHECK(ncuda::device_description().find("sm_") != std::string::npos);
}

TEST_CASE("CUDA errors name the expression, file and line", "[cuda][errors]") {
  NOVA_SKIP_WITHOUT_CUDA();
  try {
    NOVA_CUDA_CHECK(cudaSetDevice(1 << 20));
    FAIL("cudaSetDevice of a missing device succeeded");
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    INFO(msg);
    CHECK(msg.find("cudaSetDevice(1 << 20)") != std::string::npos);
    CHECK(msg.find("test_allocator.cpp") != std::string::npos);
    CHECK(msg.find("cudaErrorInvalidDevice") != std::string::npos);
  }
  CHECK_NOTHROW(NOVA_LAUNCH_CHECK(after_invalid_device));
}

TEST_CASE("CUDA device discovery answers without a device", "[cuda][allocator]") {
  // Runs everywhere: without a driver or device this is false, not a crash.
  const bool available = ncuda::device_available();
  CHECK(available == ncuda::device_available());  // cached
  if (!available) CHECK(ncuda::device_description() == "no CUDA device");
}
