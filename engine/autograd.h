// Define-by-run reverse-mode autograd. An op whose inputs require grad
// records a Node holding its inputs and a backward closure; backward() walks
// the graph in reverse topological order, accumulates (+=) gradients into
// leaves, checks every gradient's shape against its tensor, and frees the
// graph.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace nova {

// Returns one gradient per input (an undefined Tensor where there is none).
using BackwardFn = std::function<std::vector<Tensor>(const Tensor& grad_output)>;

struct Node {
  std::string op;
  std::vector<Tensor> inputs;
  BackwardFn backward;
  bool freed = false;
};

// False inside a NoGradGuard: ops then record nothing.
bool grad_enabled();

class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// Makes `out` the result of op `name` applied to `inputs`, with the given
// backward, when grad mode is on and any input requires grad. The closure must
// not capture `out` itself (save out.detach() instead), or the graph would
// keep itself alive.
void record_op(Tensor& out, const char* name, std::vector<Tensor> inputs, BackwardFn backward);

// Runs backward from `root` with d root = grad_output.
void run_backward(const Tensor& root, const Tensor& grad_output);

}  // namespace nova
