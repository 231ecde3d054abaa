#!/usr/bin/env bash
# Configures and builds Nova into build/ (CUDA included when nvcc is found).
# Extra arguments go to cmake's configure step, e.g. -DNOVA_ENABLE_CUDA=OFF.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x /usr/local/cuda/bin/nvcc ]] && export PATH="/usr/local/cuda/bin:$PATH"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j "$(nproc)"
