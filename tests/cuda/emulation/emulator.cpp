// The emulator's scheduler (see emulator.h) and the nova::cuda runtime on host
// memory.
#include "tests/cuda/emulation/emulator.h"

#include <ucontext.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/cuda/runtime.h"

uint3 threadIdx;
uint3 blockIdx;
dim3 blockDim;
dim3 gridDim;

namespace nova_emu {
namespace {

enum class State { Runnable, AtBlockBarrier, AtWarpBarrier, Done };

constexpr size_t kStackBytes = size_t(256) << 10;

struct Thread {
  ucontext_t context;
  State state = State::Done;
  std::vector<char> stack;
};

struct Scheduler {
  ucontext_t main_context;
  std::vector<Thread> threads;
  std::vector<uint64_t> slots;  // 32 per warp
  int current = -1;
  const std::function<void()>* body = nullptr;
};

Scheduler& scheduler() {
  static Scheduler s;
  return s;
}

void thread_entry() {
  Scheduler& s = scheduler();
  (*s.body)();
  s.threads[static_cast<size_t>(s.current)].state = State::Done;
  // Returning resumes main_context (uc_link).
}

[[noreturn]] void deadlock(const char* why) {
  std::fprintf(stderr, "emulator: %s in block (%u, %u, %u)\n", why, blockIdx.x, blockIdx.y,
               blockIdx.z);
  std::abort();
}

void yield(State state) {
  Scheduler& s = scheduler();
  Thread& t = s.threads[static_cast<size_t>(s.current)];
  t.state = state;
  swapcontext(&t.context, &s.main_context);
}

void run_block(unsigned int threads_per_block) {
  Scheduler& s = scheduler();
  if (s.threads.size() < threads_per_block) s.threads.resize(threads_per_block);
  const unsigned int warps = (threads_per_block + 31) / 32;
  s.slots.assign(static_cast<size_t>(warps) * 32, 0);
  for (unsigned int t = 0; t < threads_per_block; ++t) {
    Thread& th = s.threads[t];
    if (th.stack.empty()) th.stack.resize(kStackBytes);
    getcontext(&th.context);
    th.context.uc_stack.ss_sp = th.stack.data();
    th.context.uc_stack.ss_size = th.stack.size();
    th.context.uc_link = &s.main_context;
    makecontext(&th.context, thread_entry, 0);
    th.state = State::Runnable;
  }
  while (true) {
    for (unsigned int t = 0; t < threads_per_block; ++t) {
      Thread& th = s.threads[t];
      if (th.state != State::Runnable) continue;
      s.current = static_cast<int>(t);
      threadIdx =
          uint3{t % blockDim.x, (t / blockDim.x) % blockDim.y, t / (blockDim.x * blockDim.y)};
      swapcontext(&s.main_context, &th.context);
    }
    // Everyone has run to a barrier or to the end: release what can go on.
    unsigned int alive = 0, at_block = 0, at_warp = 0;
    for (unsigned int t = 0; t < threads_per_block; ++t) {
      const State st = s.threads[t].state;
      alive += st != State::Done;
      at_block += st == State::AtBlockBarrier;
      at_warp += st == State::AtWarpBarrier;
    }
    if (alive == 0) break;
    bool released = false;
    for (unsigned int w = 0; w < warps; ++w) {
      unsigned int lanes = 0, waiting = 0;
      for (unsigned int t = w * 32; t < std::min(threads_per_block, w * 32 + 32); ++t) {
        lanes += s.threads[t].state != State::Done;
        waiting += s.threads[t].state == State::AtWarpBarrier;
      }
      if (waiting == 0) continue;
      if (lanes != std::min(threads_per_block, w * 32 + 32) - w * 32) {
        deadlock("a warp shuffle with lanes that have exited");
      }
      if (waiting == lanes) {
        for (unsigned int t = w * 32; t < std::min(threads_per_block, w * 32 + 32); ++t) {
          s.threads[t].state = State::Runnable;
        }
        released = true;
      }
    }
    if (!released && at_block == alive) {
      for (unsigned int t = 0; t < threads_per_block; ++t) {
        if (s.threads[t].state == State::AtBlockBarrier) s.threads[t].state = State::Runnable;
      }
      released = true;
    }
    if (!released) {
      deadlock(at_warp > 0 ? "threads wait at __syncthreads while others wait in a shuffle"
                           : "a barrier that cannot release");
    }
  }
}

}  // namespace

void run_grid(dim3 grid, dim3 block, const std::function<void()>& body) {
  Scheduler& s = scheduler();
  if (block.x * block.y * block.z == 0 || block.x * block.y * block.z > 1024) {
    throw std::runtime_error("emulator: invalid block size");
  }
  if (grid.y > 65535 || grid.z > 65535) throw std::runtime_error("emulator: grid too large");
  const std::function<void()>* saved = s.body;
  s.body = &body;
  gridDim = grid;
  blockDim = block;
  for (unsigned int z = 0; z < grid.z; ++z) {
    for (unsigned int y = 0; y < grid.y; ++y) {
      for (unsigned int x = 0; x < grid.x; ++x) {
        blockIdx = uint3{x, y, z};
        run_block(block.x * block.y * block.z);
      }
    }
  }
  s.body = saved;
}

void sync_block() { yield(State::AtBlockBarrier); }
void sync_warp() { yield(State::AtWarpBarrier); }

uint64_t* warp_slots() {
  Scheduler& s = scheduler();
  const unsigned int t = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  return s.slots.data() + (t / 32) * 32;
}

}  // namespace nova_emu

// ---------------------------------------------------------------------------
// nova::cuda on host memory.

namespace nova::cuda {
namespace {

std::mutex mutex;
std::map<void*, size_t>& blocks() {
  static std::map<void*, size_t> b;
  return b;
}
MemoryStats stats;

}  // namespace

bool device_available() { return true; }
std::string device_description() { return "host emulator"; }

void* device_alloc(size_t bytes) {
  std::lock_guard<std::mutex> lock(mutex);
  const size_t rounded = (bytes + 255) / 256 * 256;
  void* p = std::aligned_alloc(256, rounded == 0 ? 256 : rounded);
  if (!p) throw std::runtime_error("out of memory: asked for " + std::to_string(bytes) + " bytes");
  blocks()[p] = rounded;
  stats.bytes_in_use += rounded;
  ++stats.cuda_malloc_calls;
  return p;
}

void device_free(void* ptr) {
  if (!ptr) return;
  std::lock_guard<std::mutex> lock(mutex);
  const auto it = blocks().find(ptr);
  if (it == blocks().end()) {
    std::fprintf(stderr, "emulator: freeing an unknown pointer\n");
    std::abort();
  }
  stats.bytes_in_use -= it->second;
  blocks().erase(it);
  std::free(ptr);
}

MemoryStats memory_stats() { return stats; }
void empty_cache() {}

void copy_host_to_device(void* dst, const void* src, size_t bytes) { std::memcpy(dst, src, bytes); }
void copy_device_to_host(void* dst, const void* src, size_t bytes) { std::memcpy(dst, src, bytes); }
void copy_device_to_device(void* dst, const void* src, size_t bytes) {
  std::memcpy(dst, src, bytes);
}

void* stream_handle() {
  static int dummy;
  return &dummy;
}
void synchronize() {}

void check_cuda(int code, const char* expr, const char* file, int line) {
  if (code == 0) return;
  throw std::runtime_error(std::string("emulated CUDA error in ") + expr + " at " + file + ":" +
                           std::to_string(line));
}
void check_launch(const char*, const char*, int) {}

}  // namespace nova::cuda
