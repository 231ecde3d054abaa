#!/bin/sh
# Builds the CUDA kernels of kernels/cuda for the host emulator (emulator.h)
# and runs the CUDA parity tests against them, on machines without a GPU.
# gemm (cuBLAS), the allocator tests and the cuDNN comparisons are left out.
# Usage: tests/cuda/emulation/run.sh [build dir] [Catch2 arguments...]
# NOVA_PARITY_QUICK=1 (set by default here) limits the tables to the
# correctness cases; the emulator is slow on the batch-64 shapes.
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
out=${1:-/tmp/nova-cuda-emulation}
[ $# -gt 0 ] && shift
mkdir -p "$out"
flags="-std=c++17 -O2 -g -Wall -Wextra -Wno-unknown-pragmas -I$out/none -I$root/tests/cuda/emulation/include -I$root"
objs=""
compile() {  # source, object name, extra flags
  obj="$out/$2.o"
  if [ ! -f "$obj" ] || [ "$1" -nt "$obj" ] || [ -n "$(find "$root/kernels" "$root/tests" -name '*.h' -newer "$obj" -o -name '*.cuh' -newer "$obj" | head -1)" ]; then
    echo "compiling $1"
    g++ $flags $3 -c "$1" -o "$obj"
  fi
  objs="$objs $obj"
}
for f in conv batchnorm elementwise reduce loss optim random; do
  compile "$root/kernels/cuda/$f.cu" "cuda_$f" "-x c++"
done
compile "$root/kernels/cuda/workspace.cpp" cuda_workspace ""
compile "$root/tests/cuda/emulation/emulator.cpp" emulator ""
for f in conv batchnorm elementwise reduce loss optim random gemm; do
  compile "$root/kernels/cpu/$f.cpp" "cpu_$f" "-fopenmp"
done
compile "$root/tests/support/op_cases.cpp" op_cases ""
compile "$root/tests/main.cpp" main ""
for f in test_parity_conv test_parity_batchnorm test_parity_elementwise test_parity_reduce \
         test_parity_loss test_parity_optim test_parity_random test_determinism test_fast_divmod; do
  compile "$root/tests/cuda/$f.cpp" "$f" ""
done
g++ -fopenmp $objs -o "$out/nova_cuda_emulated_tests"
NOVA_PARITY_QUICK=${NOVA_PARITY_QUICK:-1} "$out/nova_cuda_emulated_tests" "$@"
