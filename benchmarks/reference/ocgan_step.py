#!/usr/bin/env python3
"""PyTorch reference of one OCGAN training iteration (the `paper` preset).

Times the same thing as Nova's benchmarks/bench_train_step.cpp: the full
Algorithm 1 iteration of docs/ocgan.md (classifier, latent and visual
discriminators, 5 mining steps, autoencoder) at a batch of U(-1, 1) 1x28x28
images; warm-up iterations, then the mean over --iters; then as many
iterations again with the device synchronized as each phase begins, for the
time per phase (Nova's phase names). The architecture
follows models/ocgan/networks.cpp layer by layer; --print-params checks it
against Nova's parameter-and-buffer count.

Usage: ocgan_step.py [--device cpu|cuda] [--batch 64] [--iters 5] [--warmup W]
                     [--threads T] [--compile] [--tf32 on|off] [--json PATH]
                     [--print-params]
"""
import argparse
import contextlib
import dataclasses
import json
import os
import platform
import sys
import time

# Debian's PyTorch calls a pthread OpenBLAS that starts a thread per core of
# its own, on top of torch's intra-op threads: pin it to one unless the user
# chose otherwise. It must be set before torch loads OpenBLAS.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402  (must follow the environment setting above)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

# The paper preset (models/ocgan/config.h) on 1x28x28 images.
IMAGE_CHANNELS, IMAGE_SIZE = 1, 28
KERNEL, STRIDE, PADDING = 5, 2, 2
DEPTH, BASE_CHANNELS, LATENT_CHANNELS = 3, 64, 256
LEAKY_SLOPE = 0.2
VISUAL_BASE_CHANNELS, CLASSIFIER_BASE_CHANNELS = 12, 64
LATENT_DISC_WIDTHS = (128, 64, 32, 16)
NOISE_STD = 0.2 ** 0.5  # the paper's variance 0.2
LAMBDA_MSE = 10.0
MINING_STEPS, MINING_STEP_SIZE = 5, 0.1
LR, BETAS = 2e-4, (0.5, 0.999)

# Nova's bench_train_step seeds the model with 1 and the input batch with 2.
# The generators differ from Nova's, so the numbers drawn are not the same;
# only the shapes and distributions are.
MODEL_SEED, DATA_SEED = 1, 2

# What Nova's train_ocgan prints for this architecture on MNIST: every
# parameter plus the batchnorm running means and variances, all five networks.
NOVA_PARAMETER_COUNT = 3659060


def conv_out_size(size):
    return (size + 2 * PADDING - KERNEL) // STRIDE + 1


def latent_size():
    """Spatial size of the encoder's output: 28 -> 14 -> 7 -> 4."""
    size = IMAGE_SIZE
    for _ in range(DEPTH):
        size = conv_out_size(size)
    return size


def conv_block(in_channels, out_channels, activation):
    return [nn.Conv2d(in_channels, out_channels, KERNEL, STRIDE, PADDING),
            nn.BatchNorm2d(out_channels), activation]


def build_encoder():
    """5x5 stride-2 convs, BN + LeakyReLU after each but the last; tanh bounds the latent."""
    layers, channels = [], IMAGE_CHANNELS
    for i in range(DEPTH - 1):
        out = BASE_CHANNELS << i
        layers += conv_block(channels, out, nn.LeakyReLU(LEAKY_SLOPE))
        channels = out
    layers += [nn.Conv2d(channels, LATENT_CHANNELS, KERNEL, STRIDE, PADDING), nn.Tanh()]
    return nn.Sequential(*layers)


def build_decoder():
    """Transposed convs retracing the encoder's sizes (28-14-7-4) backwards.

    A stride-2 conv rounds sizes down (7 -> 4), so each transposed conv gets
    the output padding that lands exactly on the encoder's size.
    """
    sizes, channels = [IMAGE_SIZE], [IMAGE_CHANNELS]
    for i in range(DEPTH):
        sizes.append(conv_out_size(sizes[-1]))
        channels.append(LATENT_CHANNELS if i == DEPTH - 1 else BASE_CHANNELS << i)
    layers = []
    for i in range(DEPTH, 0, -1):
        plain = (sizes[i] - 1) * STRIDE - 2 * PADDING + KERNEL
        layers.append(nn.ConvTranspose2d(channels[i], channels[i - 1], KERNEL, STRIDE, PADDING,
                                         output_padding=sizes[i - 1] - plain))
        if i == 1:
            layers.append(nn.Tanh())
        else:
            layers += [nn.BatchNorm2d(channels[i - 1]), nn.LeakyReLU(LEAKY_SLOPE)]
    return nn.Sequential(*layers)


def build_latent_disc():
    """Fully connected 4096-128-64-32-16 with BN + ReLU, then one logit."""
    layers, width = [nn.Flatten()], LATENT_CHANNELS * latent_size() ** 2
    for w in LATENT_DISC_WIDTHS:
        layers += [nn.Linear(width, w), nn.BatchNorm1d(w), nn.ReLU()]
        width = w
    layers.append(nn.Linear(width, 1))
    return nn.Sequential(*layers)


def build_conv_critic(base):
    """Visual discriminator and classifier: three conv-BN-ReLU blocks, then one logit."""
    layers, channels, size = [], IMAGE_CHANNELS, IMAGE_SIZE
    for i in range(3):
        layers += conv_block(channels, base << i, nn.ReLU())
        channels, size = base << i, conv_out_size(size)
    layers += [nn.Flatten(), nn.Linear(channels * size * size, 1)]
    return nn.Sequential(*layers)


@dataclasses.dataclass
class Networks:
    encoder: nn.Module
    decoder: nn.Module
    latent_disc: nn.Module
    visual_disc: nn.Module
    classifier: nn.Module

    def all(self):
        return [self.encoder, self.decoder, self.latent_disc, self.visual_disc, self.classifier]


def build_networks():
    # Built in Nova's order; PyTorch's default initialisation, as in Nova.
    return Networks(build_encoder(), build_decoder(), build_latent_disc(),
                    build_conv_critic(VISUAL_BASE_CHANNELS),
                    build_conv_critic(CLASSIFIER_BASE_CHANNELS))


def parameter_count(net):
    """Parameters plus batchnorm running statistics, as Nova counts them."""
    params = sum(p.numel() for p in net.parameters())
    running = sum(b.numel() for name, b in net.named_buffers()
                  if name.endswith(("running_mean", "running_var")))
    return params, running


class ClonedOutputs(nn.Module):
    """A compiled network whose outputs are copied out of the CUDA-graph pool.

    mode="reduce-overhead" replays CUDA graphs whose outputs live in a pool
    that the next call may overwrite; the iteration keeps some outputs (the
    no-grad encodings and decodings) across later calls, so each is cloned
    (a few small copies per iteration).
    """

    def __init__(self, net):
        super().__init__()
        self.compiled = torch.compile(net, mode="reduce-overhead")

    def forward(self, x):
        return self.compiled(x).clone()


@contextlib.contextmanager
def frozen(*nets):
    """No parameter gradients for these networks; gradients still flow through them."""
    for net in nets:
        net.requires_grad_(False)
    try:
        yield
    finally:
        for net in nets:
            net.requires_grad_(True)


def bce_against(logits, label):
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, label))


def mine(nets, z0):
    """Informative-negative mining: gradient ascent of the classifier's loss on z.

    The loss is summed over the batch (scaled by n, as Nova does) so each
    sample moves along its own gradient whatever the batch size.
    """
    n = z0.shape[0]
    z = z0.detach().clone()
    with frozen(*nets.all()):
        for _ in range(MINING_STEPS):
            z.requires_grad_(True)
            loss = bce_against(nets.classifier(nets.decoder(z)), 1.0) * n
            (grad,) = torch.autograd.grad(loss, z)
            with torch.no_grad():
                z = (z + MINING_STEP_SIZE * grad).clamp(-1.0, 1.0)
    return z


def train_step(nets, opts, x, enter_phase=lambda phase: None):
    """One iteration in the order of Nova's ocgan::Model::step (docs/ocgan.md, Algorithm 1).

    enter_phase(name) is called as each phase begins, with Nova's phase names.
    """
    enter_phase("inputs")
    noisy = x + NOISE_STD * torch.randn_like(x)
    size = latent_size()
    l2 = torch.rand(x.shape[0], LATENT_CHANNELS, size, size, device=x.device) * 2 - 1
    with torch.no_grad():
        l1 = nets.encoder(noisy)
        fake = nets.decoder(l2)

    # Classifier (first, as in the paper): reconstructions in class, decodings of noise not.
    enter_phase("classifier")
    with torch.no_grad():
        reconstruction = nets.decoder(l1)
    loss = bce_against(nets.classifier(fake), 0.0) + bce_against(nets.classifier(reconstruction), 1.0)
    opts["classifier"].zero_grad()
    loss.backward()
    opts["classifier"].step()

    # Discriminators: U(-1, 1) samples and real images are "real".
    enter_phase("discriminators")
    loss = bce_against(nets.latent_disc(l1), 0.0) + bce_against(nets.latent_disc(l2), 1.0)
    opts["latent_disc"].zero_grad()
    loss.backward()
    opts["latent_disc"].step()
    loss = bce_against(nets.visual_disc(fake), 0.0) + bce_against(nets.visual_disc(x), 1.0)
    opts["visual_disc"].zero_grad()
    loss.backward()
    opts["visual_disc"].step()

    enter_phase("mining")
    negatives = mine(nets, l2)

    # Autoencoder: reconstruction plus fooling both discriminators.
    enter_phase("autoencoder")
    with frozen(nets.latent_disc, nets.visual_disc, nets.classifier):
        latent = nets.encoder(noisy)
        loss = (LAMBDA_MSE * F.mse_loss(nets.decoder(latent), x)
                + bce_against(nets.latent_disc(latent), 1.0)
                + bce_against(nets.visual_disc(nets.decoder(negatives)), 1.0))
        opts["autoencoder"].zero_grad()
        loss.backward()
        opts["autoencoder"].step()


def make_optimizers(nets):
    def adam(*modules):
        params = [p for m in modules for p in m.parameters()]
        return torch.optim.Adam(params, lr=LR, betas=BETAS)

    return {"autoencoder": adam(nets.encoder, nets.decoder),
            "latent_disc": adam(nets.latent_disc),
            "visual_disc": adam(nets.visual_disc),
            "classifier": adam(nets.classifier)}


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_iterations(nets, opts, x, warmup, iters):
    """Mean milliseconds per iteration after `warmup` untimed ones."""
    for _ in range(warmup):
        train_step(nets, opts, x)
    synchronize(x.device)
    start = time.perf_counter()
    for _ in range(iters):
        train_step(nets, opts, x)
    synchronize(x.device)  # the clock must include the queued GPU work
    return (time.perf_counter() - start) * 1000.0 / iters


def time_phases(nets, opts, x, iters):
    """Mean milliseconds per iteration of each phase, the device synchronized
    as each phase begins (as Nova's bench_train_step does)."""
    totals = {}
    current = {"phase": None, "start": 0.0}

    def enter_phase(phase):
        synchronize(x.device)
        now = time.perf_counter()
        if current["phase"] is not None:
            totals[current["phase"]] = totals.get(current["phase"], 0.0) + now - current["start"]
        current["phase"], current["start"] = phase, now

    for _ in range(iters):
        train_step(nets, opts, x, enter_phase)
        enter_phase(None)
    return {phase: seconds * 1000.0 / iters for phase, seconds in totals.items()}


def print_parameter_counts(nets):
    total = 0
    for field, net in zip(dataclasses.fields(nets), nets.all()):
        name = field.name
        params, running = parameter_count(net)
        total += params + running
        print(f"  {name:12s} {params:8d} parameters + {running:5d} running stats = "
              f"{params + running:8d}")
    verdict = "matches" if total == NOVA_PARAMETER_COUNT else "DIFFERS from"
    print(f"  total        {total:8d} parameters and buffers ({verdict} Nova's "
          f"{NOVA_PARAMETER_COUNT})")
    return total == NOVA_PARAMETER_COUNT


def device_name(device):
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    return platform.processor() or "cpu"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--device", choices=["cpu", "cuda"],
                   default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--iters", type=int, default=5)
    p.add_argument("--warmup", type=int, default=None,
                   help="untimed iterations (default 1 as Nova's; 3 with --compile, which "
                        "compiles on the first call and records CUDA graphs on the next)")
    p.add_argument("--threads", type=int, default=None,
                   help="torch intra-op threads on the CPU (default: torch's choice)")
    p.add_argument("--compile", action="store_true",
                   help='torch.compile(mode="reduce-overhead") each network')
    p.add_argument("--tf32", choices=["on", "off"], default="off",
                   help="TF32 in cuDNN and cuBLAS (default off: full FP32, as Nova)")
    p.add_argument("--json", metavar="PATH", help="write the figures here")
    p.add_argument("--print-params", action="store_true",
                   help="print each network's parameter count and check it against Nova's")
    args = p.parse_args()
    if args.batch < 2:
        p.error("--batch must be at least 2 (batchnorm needs a batch)")
    if args.iters < 1:
        p.error("--iters must be at least 1")
    if args.warmup is None:
        args.warmup = 3 if args.compile else 1
    return args


def main():
    args = parse_args()
    if args.compile and not hasattr(torch, "compile"):
        sys.exit(f"torch.compile not available in torch {torch.__version__}")
    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("--device cuda: no CUDA device available to torch")
    device = torch.device(args.device)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    tf32 = args.tf32 == "on"
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cuda.matmul.allow_tf32 = tf32

    torch.manual_seed(MODEL_SEED)
    nets = build_networks()
    counts_match = print_parameter_counts(nets) if args.print_params else True
    for net in nets.all():
        net.to(device).train()
    opts = make_optimizers(nets)
    if args.compile:
        nets = Networks(*(ClonedOutputs(net) for net in nets.all()))
    x = (torch.rand(args.batch, IMAGE_CHANNELS, IMAGE_SIZE, IMAGE_SIZE,
                    generator=torch.Generator().manual_seed(DATA_SEED)) * 2 - 1).to(device)

    ms = time_iterations(nets, opts, x, args.warmup, args.iters)
    phases = time_phases(nets, opts, x, args.iters)
    images_per_s = args.batch * 1000.0 / ms
    mode = "compiled (reduce-overhead)" if args.compile else "eager"
    openblas = os.environ["OPENBLAS_NUM_THREADS"]
    setting = (f"tf32 {args.tf32}" if device.type == "cuda"
               else f"threads {torch.get_num_threads()}")
    print(f"PyTorch OCGAN paper iteration, batch {args.batch}, {device.type}, {mode}, "
          f"{setting}: {ms:.1f} ms ({images_per_s:.0f} images/s)")
    if device.type == "cpu":
        print(f"  torch {torch.__version__}, intra-op threads {torch.get_num_threads()}, "
              f"OPENBLAS_NUM_THREADS={openblas}")
    print(f"  {'phase':16s} {'ms':>10s} {'share':>7s}")
    for phase, phase_ms in phases.items():
        print(f"  {phase:16s} {phase_ms:10.1f} {100.0 * phase_ms / sum(phases.values()):6.1f}%")
    print(f"  {'sum':16s} {sum(phases.values()):10.1f}  (synchronized as each phase begins)")

    if args.json:
        figures = {
            "benchmark": "ocgan_paper_iteration", "framework": "pytorch",
            "torch_version": torch.__version__, "device": device.type,
            "device_name": device_name(device), "mode": mode, "batch": args.batch,
            "iters": args.iters, "warmup": args.warmup, "ms_per_iteration": ms,
            "images_per_s": images_per_s, "threads": torch.get_num_threads(),
            "openblas_num_threads": openblas,
            "tf32": tf32 if device.type == "cuda" else None,
            "phases": [{"phase": phase, "ms": phase_ms} for phase, phase_ms in phases.items()],
        }
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=2)
            f.write("\n")
    return 0 if counts_match else 1


if __name__ == "__main__":
    sys.exit(main())
