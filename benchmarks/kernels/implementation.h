// Implementations of the kernels, registered by name so a run can pick which
// to time (--impl): "nova_cpu", "nova_cuda", the CUDA conv versions
// "nova_cuda_direct" and "nova_cuda_implicit_gemm", and the vendor references
// "cudnn" and "cublas". A new kernel version is added as one more entry and
// compared with the old one in the same run.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "benchmarks/kernels/bench_case.h"

namespace nova::bench {

enum class Backend { Cpu, Cuda };

// One call of a kernel on prepared inputs; owns its buffers.
using Call = std::function<void()>;

struct Implementation {
  std::string name;
  Backend backend = Backend::Cpu;
  bool vendor = false;  // a reference the other CUDA rows are compared with
  std::string description;
  // Allocates and fills the buffers of one case and returns the call; an
  // empty Call when this implementation has no kernel for the op.
  std::function<Call(const BenchCase&)> prepare;
};

// Every implementation this build has, CPU first.
std::vector<Implementation> implementations();

// The parts, one per file (the CUDA ones only in a CUDA build).
void add_cpu_implementations(std::vector<Implementation>& out);
void add_cuda_implementations(std::vector<Implementation>& out);
void add_cudnn_implementation(std::vector<Implementation>& out);
void add_cublas_implementation(std::vector<Implementation>& out);

}  // namespace nova::bench
