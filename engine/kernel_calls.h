// A count of the kernel calls that ops dispatch through NOVA_CALL
// (engine/backend.h), on either backend, so a benchmark can report how many
// kernels a training iteration runs. Ops are dispatched from one host thread;
// the counter is atomic so that reading it from another is still defined.
#pragma once

#include <atomic>
#include <cstdint>

namespace nova::backend {

inline std::atomic<int64_t> kernel_call_counter{0};

inline void count_kernel_call() { kernel_call_counter.fetch_add(1, std::memory_order_relaxed); }
// Calls since the program started.
inline int64_t kernel_calls() { return kernel_call_counter.load(std::memory_order_relaxed); }

}  // namespace nova::backend
