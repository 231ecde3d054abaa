#include "benchmarks/kernels/implementation.h"

namespace nova::bench {

std::vector<Implementation> implementations() {
  std::vector<Implementation> all;
  add_cpu_implementations(all);
#ifdef NOVA_WITH_CUDA
  add_cuda_implementations(all);
  add_cublas_implementation(all);
#if defined(NOVA_WITH_CUDNN) && NOVA_WITH_CUDNN
  add_cudnn_implementation(all);
#endif
#endif
  return all;
}

}  // namespace nova::bench
