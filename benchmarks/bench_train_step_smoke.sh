#!/usr/bin/env bash
# CTest "bench: bench_train_step smoke": one tiny iteration of each model on
# the CPU prints its phases in order and writes JSON whose phases' kernel calls
# add up to the kernel calls of an iteration (both passes run the same work);
# a bad model name fails with a message naming it.
# Usage: bench_train_step_smoke.sh path/to/bench_train_step
set -euo pipefail
program=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check_model() {
  local model=$1 phases=$2
  "$program" --device cpu --model "$model" --batch 4 --iters 1 --warmup 0 \
    --json "$tmp/$model.json" > "$tmp/$model.txt"
  cat "$tmp/$model.txt"
  grep -q "kernel calls per iteration: [1-9]" "$tmp/$model.txt"
  local printed
  printed=$(awk '/^phase /{on=1; next} /^sum /{on=0} on && NF {printf "%s ", $1}' "$tmp/$model.txt")
  [ "$printed" = "$phases " ] || { echo "phases: '$printed', expected '$phases '"; return 1; }
  local total parts
  total=$(grep -o '"kernel_calls_per_iteration": [0-9]*' "$tmp/$model.json" | grep -o '[0-9]*$')
  parts=$(grep -o '"kernel_calls": [0-9]*' "$tmp/$model.json" | awk '{s += $2} END {print s}')
  [ "$total" -eq "$parts" ] || { echo "$model: $total calls per iteration, phases add to $parts"; return 1; }
}

check_model ocgan "inputs classifier discriminators mining autoencoder"
check_model rd "detector refiner"
check_model oclr "generator discriminator auxiliary"

status=0
"$program" --model nope > "$tmp/bad.txt" 2>&1 || status=$?
[ "$status" -ne 0 ]
grep -q "unknown --model 'nope' (expected ocgan, rd or oclr)" "$tmp/bad.txt"
echo "bench_train_step smoke test passed"
