// Stand-in for the CUDA runtime header in the host emulator build.
#pragma once

#include <cuda_runtime_api.h>

#include "tests/cuda/emulation/emulator.h"
