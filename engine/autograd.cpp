#include "engine/autograd.h"

#include <unordered_map>
#include <unordered_set>

#include "engine/backend.h"
#include "engine/error.h"

namespace nova {

using backend::ptr;

namespace {

thread_local bool g_grad_enabled = true;

// a + b into new storage, outside autograd.
Tensor add_untracked(const Tensor& a, const Tensor& b) {
  Tensor out = Tensor::empty(a.shape(), a.dtype(), a.device());
  NOVA_CALL(out, binary, ptr<T>(out), ptr<T>(a), ptr<T>(b), out.numel(),
            ::nova::kernels::cpu::BinaryOp::Add);
  return out;
}

void check_gradient(const std::string& op, const TensorImpl& target, const Tensor& grad) {
  NOVA_CHECK(grad.shape() == target.shape, "backward of ", op, ": gradient of shape ",
             to_string(grad.shape()), " for a tensor of shape ", to_string(target.shape));
  NOVA_CHECK(grad.dtype() == target.dtype, "backward of ", op, ": gradient dtype ",
             to_string(grad.dtype()), " for a ", to_string(target.dtype), " tensor");
}

// Tensors reachable from root through grad_fn, each after every tensor that
// consumes it (reverse topological order), found without recursion so deep
// graphs cannot overflow the stack. Shared pointers keep every tensor alive
// while backward frees the links between them.
std::vector<std::shared_ptr<TensorImpl>> reverse_topological_order(
    const std::shared_ptr<TensorImpl>& root) {
  std::vector<std::shared_ptr<TensorImpl>> post_order;
  std::unordered_set<TensorImpl*> visited{root.get()};
  std::vector<std::pair<std::shared_ptr<TensorImpl>, size_t>> stack{{root, 0}};
  while (!stack.empty()) {
    auto& [impl, next_input] = stack.back();
    const Node* node = impl->grad_fn.get();
    if (node && next_input < node->inputs.size()) {
      // An undefined input (an absent bias) has a null impl.
      std::shared_ptr<TensorImpl> input = node->inputs[next_input++].impl_ptr();
      if (input && input->grad_fn && visited.insert(input.get()).second) {
        stack.emplace_back(std::move(input), 0);
      }
    } else {
      post_order.push_back(std::move(impl));
      stack.pop_back();
    }
  }
  return {post_order.rbegin(), post_order.rend()};
}

}  // namespace

bool grad_enabled() { return g_grad_enabled; }

NoGradGuard::NoGradGuard() : previous_(g_grad_enabled) { g_grad_enabled = false; }
NoGradGuard::~NoGradGuard() { g_grad_enabled = previous_; }

void record_op(Tensor& out, const char* name, std::vector<Tensor> inputs, BackwardFn backward) {
  if (!g_grad_enabled) return;
  bool any = false;
  for (const Tensor& t : inputs) any = any || (t.defined() && t.requires_grad());
  if (!any) return;
  auto node = std::make_shared<Node>();
  node->op = name;
  node->inputs = std::move(inputs);
  node->backward = std::move(backward);
  out.impl().grad_fn = std::move(node);
  out.impl().requires_grad = true;
}

void run_backward(const Tensor& root, const Tensor& grad_output) {
  NOVA_CHECK(root.requires_grad(),
             "backward() on a tensor that does not require grad (no input asked for gradients, "
             "or it was computed under a NoGradGuard)");
  check_gradient("the root", root.impl(), grad_output);
  NoGradGuard no_grad;  // backward closures compute plain tensors

  std::unordered_map<TensorImpl*, Tensor> pending;  // gradients of non-leaf tensors
  auto accumulate = [&](const std::string& op, const Tensor& input, const Tensor& grad) {
    TensorImpl& target = input.impl();
    check_gradient(op, target, grad);
    if (target.grad_fn) {
      auto it = pending.find(&target);
      if (it == pending.end()) {
        pending.emplace(&target, grad);
      } else {
        it->second = add_untracked(it->second, grad);
      }
    } else if (target.requires_grad) {
      // Leaves own their gradient's storage: a gradient may be a view that
      // another backward step reuses.
      target.grad = target.grad ? add_untracked(Tensor(target.grad), grad).impl_ptr()
                                : grad.clone().impl_ptr();
    }
  };

  TensorImpl* root_impl = root.impl_ptr().get();
  if (!root_impl->grad_fn) {  // a leaf: its gradient is grad_output itself
    accumulate("the root", root, grad_output);
    return;
  }
  pending.emplace(root_impl, grad_output);
  for (const auto& impl_ptr : reverse_topological_order(root.impl_ptr())) {
    TensorImpl* impl = impl_ptr.get();
    Node& node = *impl->grad_fn;
    NOVA_CHECK(!node.freed, "backward through the graph of ", node.op,
               " a second time: backward() frees the graph; run the forward pass again");
    auto it = pending.find(impl);
    if (it == pending.end()) continue;  // no gradient reached this tensor
    const Tensor grad = it->second;
    pending.erase(it);
    std::vector<Tensor> input_grads = node.backward(grad);
    NOVA_CHECK(input_grads.size() == node.inputs.size(), "backward of ", node.op, " returned ",
               input_grads.size(), " gradients for ", node.inputs.size(), " inputs");
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      const Tensor& input = node.inputs[i];
      if (!input.defined() || !input.requires_grad() || !input_grads[i].defined()) continue;
      accumulate(node.op, input, input_grads[i]);
    }
    // Free this step of the graph: saved tensors and the links to inputs.
    node.backward = nullptr;
    node.inputs.clear();
    node.freed = true;
  }
}

}  // namespace nova
