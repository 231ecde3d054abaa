#!/usr/bin/env bash
# train_ocgan's default preset, auto, resolves to the row chosen on the data
# set's validation data (discriminators on the embedded subset), says so, and
# stores the resolved name in the checkpoint; a preset given by name is used
# as given, and an unknown one is refused with the names the program takes.
# Usage: ocgan_auto_preset.sh TRAIN_OCGAN
set -euo pipefail
program=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
tiny=(--epochs 1 --max-train-images 64 --base-channels 8 --latent-channels 8 --device cpu)
log=$("$program" "${tiny[@]}" --out "$out/auto")
grep -q "preset auto on mnist-subset: discriminators" <<<"$log"
grep -aq '"ocgan.preset":"discriminators"' "$out/auto/mnist-subset/class0/seed0/model.safetensors"
log=$("$program" "${tiny[@]}" --preset latent --out "$out/latent")
if grep -q "preset auto" <<<"$log"; then
  echo "a preset given by name was reported as auto"
  exit 1
fi
grep -aq '"ocgan.preset":"latent"' "$out/latent/mnist-subset/class0/seed0/model.safetensors"
# An unknown name is refused with the names train_ocgan takes, auto among them.
if msg=$("$program" "${tiny[@]}" --preset best --out "$out/best" 2>&1); then
  echo "--preset best was accepted"
  exit 1
fi
grep -q "unknown preset 'best' (expected auto, paper, released" <<<"$msg"
echo "auto: discriminators on mnist-subset; latent given: latent; best refused"
