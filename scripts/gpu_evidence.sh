#!/usr/bin/env bash
# The GPU evidence of issues 3 and 6 in one call of the device tool, inside
# its 10-minute limit: build the CUDA targets, run the CUDA test suite, the
# same under compute-sanitizer memcheck, the kernel suite (ours against cuDNN
# and cuBLAS), the training steps of the three models, and the PyTorch
# reference (eager FP32, eager TF32, torch.compile). Every step has its share
# of a deadline, so the script ends by itself and packs what it has.
#
# On the GPU machine (after ../shared/device/kit.sh here; carry [".device"]):
#   bash scripts/gpu_evidence.sh            # writes $OUT (or ./gpu-evidence)
# Environment: BUDGET_S (default 540) seconds in all; BUILD_DIR (build-gpu);
# STEPS (default "build test memcheck kernels steps torch") to run fewer.
#
# Output (the device tool returns at most 8 files): summary.txt (device,
# driver, commit, each step's status and time) and evidence.tar.gz (every log
# and JSON), both in $OUT.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-$PWD/gpu-evidence}
work=$(mktemp -d)
budget=${BUDGET_S:-540}
build=${BUILD_DIR:-build-gpu}
steps=${STEPS:-build test memcheck kernels steps torch}
deadline=$((SECONDS + budget))
mkdir -p "$out"
summary="$out/summary.txt"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain 2>/dev/null | grep -qv '^??' && echo " (with uncommitted changes)")

{
  echo "nova GPU evidence, commit $commit$dirty, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem \
    --format=csv,noheader 2>/dev/null | sed 's/^/gpu: /'
  nvcc --version 2>&1 | grep release | sed 's/^/nvcc: /'
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) threads"
} > "$summary"
nvidia-smi > "$work/nvidia-smi.txt" 2>&1 || echo "gpu: nvidia-smi failed" >> "$summary"

# run_step NAME SHARE FUNCTION: runs FUNCTION (below) with at most SHARE of the
# seconds left (never past the deadline less a minute for packing), its
# output in NAME.log, and records the status and the time taken.
run_step() {
  local name=$1 share=$2
  shift 2
  local left=$((deadline - SECONDS - 60))
  if [[ " $steps " != *" $name "* ]]; then return 0; fi
  if ((left < 20)); then
    echo "$name: not run (no time left)" >> "$summary"
    return 1
  fi
  local limit=$(awk -v l="$left" -v s="$share" 'BEGIN { t = int(l * s); print (t < 20 ? 20 : t) }')
  local start=$SECONDS status=0
  timeout --kill-after=10 "$limit" bash -c "$1" > "$work/$name.log" 2>&1 || status=$?
  local verdict="ok"
  ((status == 124 || status == 137)) && verdict="STOPPED at its ${limit}s share"
  ((status != 0 && status != 124 && status != 137)) && verdict="FAILED (exit $status)"
  echo "$name: $verdict, $((SECONDS - start)) s" >> "$summary"
  return "$status"
}

configure_and_build() {
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$PWD/.device/root/usr" -DCMAKE_CUDA_ARCHITECTURES=90 &&
    cmake --build "$build" -j "$(nproc)" --target nova_cuda_tests bench_kernels bench_train_step
}

cuda_tests() { ctest --test-dir "$build" -R '^cuda:' --output-on-failure -j 4; }

memcheck() {
  local sanitizer
  sanitizer=$(command -v compute-sanitizer || echo "${CUDA_HOME:-/usr/local/cuda}/bin/compute-sanitizer")
  "$sanitizer" --tool memcheck --error-exitcode 1 --print-limit 20 \
    "$build/tests/nova_cuda_tests" --reporter compact
}

kernel_suite() {
  "$build/benchmarks/bench_kernels" --device cuda --min-time 0.2 \
    --json "$work/kernels.json" --csv "$work/kernels.csv" --commit "$commit"
}

train_steps() {
  for model in ocgan rd oclr; do
    "$build/benchmarks/bench_train_step" --device cuda --model "$model" --iters 20 --warmup 3 \
      --json "$work/step_$model.json" --commit "$commit" || return
  done
}

torch_reference() {
  local script=benchmarks/reference/ocgan_step.py
  PYTHONUNBUFFERED=1 python3 "$script" --device cuda --iters 20 --warmup 3 --tf32 off \
    --json "$work/torch_eager_fp32.json" &&
    PYTHONUNBUFFERED=1 python3 "$script" --device cuda --iters 20 --warmup 3 --tf32 on \
      --json "$work/torch_eager_tf32.json" &&
    PYTHONUNBUFFERED=1 python3 "$script" --device cuda --iters 20 --compile --tf32 off \
      --json "$work/torch_compiled_fp32.json"
}

# timeout runs a new bash: it needs the functions and the settings exported.
export -f configure_and_build cuda_tests memcheck kernel_suite train_steps torch_reference
export build work commit
run_step build 0.45 configure_and_build || steps=""  # nothing else can run without it
run_step test 0.25 cuda_tests
run_step kernels 0.35 kernel_suite
run_step steps 0.3 train_steps
run_step torch 0.6 torch_reference
run_step memcheck 0.9 memcheck

grep -hE 'tests passed|tests failed|Total Test' "$work/test.log" 2>/dev/null | sed 's/^/ctest: /' >> "$summary"
grep -hE 'ERROR SUMMARY' "$work/memcheck.log" 2>/dev/null | sed 's/^/memcheck: /' >> "$summary"
grep -h 'iteration, batch' "$work/steps.log" "$work/torch.log" 2>/dev/null >> "$summary"
tar -czf "$out/evidence.tar.gz" -C "$work" .
rm -rf "$work"
cat "$summary"
