#!/usr/bin/env bash
# Same seed, same result, whatever the thread count: a short OCGAN run on 1
# and on 2 threads must score every test image identically. OMP_NUM_THREADS
# also sets how many threads OpenBLAS starts with, whose own threading once
# changed the rounding (kernels/cpu/gemm.cpp).
# Usage: thread_count.sh TRAIN_OCGAN
set -euo pipefail
program=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for threads in 1 2; do
  OMP_NUM_THREADS=$threads "$program" --epochs 1 --max-train-images 128 --device cpu \
    --out "$out/threads$threads" >/dev/null
done
scores=mnist-subset/class0/seed0/scores.csv
cmp "$out/threads1/$scores" "$out/threads2/$scores"
echo "1 and 2 threads: identical scores"
