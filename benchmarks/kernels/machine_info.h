// What the results were measured on: the host (CPU model, threads, date) and,
// in CUDA builds, the device with its FP32 and memory-bandwidth peaks.
#pragma once

#include <string>

namespace nova::bench {

// "model name" of /proc/cpuinfo, or "unknown".
std::string cpu_model();
// Threads the CPU kernels use (OpenMP's maximum, or the hardware's).
int cpu_threads();
// Now, UTC, as 2025-01-31T12:00:00Z.
std::string utc_now();

struct CudaDevice {
  std::string name;
  int compute_major = 0, compute_minor = 0;
  int sm_count = 0;
  int clock_khz = 0;  // peak SM clock
  int fp32_lanes_per_sm = 0;
  int memory_clock_khz = 0;  // peak memory clock
  int bus_width_bits = 0;
  int l2_bytes = 0;
  int driver_version = 0, runtime_version = 0;  // 13000 = 13.0
  double peak_flops = 0.0;                      // FP32, FMA = 2 FLOPs
  double peak_bytes_per_second = 0;             // DRAM
};

// Device 0 (CUDA builds, with a device answering).
CudaDevice cuda_device();

}  // namespace nova::bench
