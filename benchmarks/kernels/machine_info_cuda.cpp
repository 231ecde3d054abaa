#include <cuda_runtime_api.h>

#include "benchmarks/kernels/machine_info.h"
#include "kernels/cuda/check.h"

namespace nova::bench {
namespace {

// FP32 lanes (CUDA cores) per SM by compute capability, from NVIDIA's
// architecture whitepapers: 64 on Volta/Turing (7.x) and on the A100 (8.0),
// 128 on the other Ampere parts, Ada and Hopper (8.6-9.0) and Blackwell.
int fp32_lanes_per_sm(int major, int minor) {
  if (major == 7) return 64;
  if (major == 8 && minor == 0) return 64;
  return 128;
}

int attribute(cudaDeviceAttr what, int device) {
  int value = 0;
  NOVA_CUDA_CHECK(cudaDeviceGetAttribute(&value, what, device));
  return value;
}

}  // namespace

// cudaDeviceProp lost its clock fields in CUDA 13, so the clocks and bus width
// come from cudaDeviceGetAttribute.
CudaDevice cuda_device() {
  const int device = 0;
  cudaDeviceProp prop{};
  NOVA_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  CudaDevice d;
  d.name = prop.name;
  d.compute_major = prop.major;
  d.compute_minor = prop.minor;
  d.sm_count = attribute(cudaDevAttrMultiProcessorCount, device);
  d.clock_khz = attribute(cudaDevAttrClockRate, device);
  d.memory_clock_khz = attribute(cudaDevAttrMemoryClockRate, device);
  d.bus_width_bits = attribute(cudaDevAttrGlobalMemoryBusWidth, device);
  d.l2_bytes = attribute(cudaDevAttrL2CacheSize, device);
  d.fp32_lanes_per_sm = fp32_lanes_per_sm(d.compute_major, d.compute_minor);
  NOVA_CUDA_CHECK(cudaDriverGetVersion(&d.driver_version));
  NOVA_CUDA_CHECK(cudaRuntimeGetVersion(&d.runtime_version));
  // One FMA (2 FLOPs) per lane per clock.
  d.peak_flops = 2.0 * d.sm_count * d.fp32_lanes_per_sm * d.clock_khz * 1e3;
  // Double data rate: two transfers per memory clock over the bus.
  d.peak_bytes_per_second = 2.0 * d.memory_clock_khz * 1e3 * d.bus_width_bits / 8.0;
  return d;
}

}  // namespace nova::bench
