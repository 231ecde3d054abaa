// CUDA loss kernels: the twins of kernels/cpu/loss.h (float, device pointers,
// plus the stream). Each forward writes the mean loss to out[0] (a
// deterministic, fixed-order double sum); each backward reads the upstream
// gradient from grad_loss[0] on the device (no host synchronization).
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace nova::kernels::cuda {

void bce_forward(float* out, const float* p, const float* target, int64_t n, cudaStream_t stream);
void bce_backward(float* grad_p, const float* grad_loss, const float* p, const float* target,
                  int64_t n, cudaStream_t stream);

void bce_logits_forward(float* out, const float* x, const float* target, int64_t n,
                        cudaStream_t stream);
void bce_logits_backward(float* grad_x, const float* grad_loss, const float* x, const float* target,
                         int64_t n, cudaStream_t stream);

void mse_forward(float* out, const float* a, const float* b, int64_t n, cudaStream_t stream);
void mse_backward(float* grad_a, const float* grad_loss, const float* a, const float* b, int64_t n,
                  cudaStream_t stream);

void l1_forward(float* out, const float* a, const float* b, int64_t n, cudaStream_t stream);
void l1_backward(float* grad_a, const float* grad_loss, const float* a, const float* b, int64_t n,
                 cudaStream_t stream);

// grad_mu or grad_logvar may be null when not needed.
void kl_gaussian_forward(float* out, const float* mu, const float* logvar, int64_t batch,
                         int64_t dim, cudaStream_t stream);
void kl_gaussian_backward(float* grad_mu, float* grad_logvar, const float* grad_loss,
                          const float* mu, const float* logvar, int64_t batch, int64_t dim,
                          cudaStream_t stream);

}  // namespace nova::kernels::cuda
