#!/usr/bin/env bash
# train_ocgan's default preset, auto, resolves to the settings chosen on the
# data set's validation data (on the embedded subset: the autoencoder row,
# depth 4, 4 latent channels, 30 epochs; on Fashion-MNIST, from Debian's
# dataset-fashion-mnist: the discriminators row, depth 4, 4 latent channels,
# the discriminators learning at 0.00005, the latent discriminator without
# batchnorm, 9 epochs), says so, and stores them
# in the checkpoint; flags given on the command line override each part; a preset given by name
# is used as given, with the program's default epoch count, and an unknown
# one is refused with the names the program takes, and settings out of range
# with the flag named.
# Usage: ocgan_auto_preset.sh TRAIN_OCGAN
set -euo pipefail
program=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# 64 training images, batch 64: one iteration an epoch.
tiny=(--max-train-images 64 --base-channels 8 --device cpu)
meta() { head -c 8192 "$1/${2:-mnist-subset}/class0/seed0/model.safetensors"; }

log=$("$program" "${tiny[@]}" --out "$out/auto")
grep -q "preset auto on mnist-subset: autoencoder, depth 4, latent channels 4 (latent 4x2x2), epochs 30" <<<"$log"
grep -q "epoch 30/30" <<<"$log"
meta "$out/auto" | grep -aq '"ocgan.preset":"autoencoder"'
meta "$out/auto" | grep -aq '"ocgan.latent_channels":"4"'
meta "$out/auto" | grep -aq '"ocgan.depth":"4"'

log=$("$program" "${tiny[@]}" --dataset fashion-mnist --out "$out/fashion")
grep -q "preset auto on fashion-mnist: discriminators, depth 4, latent channels 4 (latent 4x2x2), learning rates 0.0002 (autoencoder) and 5e-05 (discriminators), latent discriminator without batchnorm, epochs 9" <<<"$log"
grep -q "epoch 9/9" <<<"$log"
meta "$out/fashion" fashion-mnist | grep -aq '"ocgan.preset":"discriminators"'
meta "$out/fashion" fashion-mnist | grep -aq '"ocgan.disc_lr":"5.0000000000000002e-05"'
meta "$out/fashion" fashion-mnist | grep -aq '"ocgan.lr":"0.00020000000000000001"'
meta "$out/fashion" fashion-mnist | grep -aq '"ocgan.depth":"4"'
meta "$out/fashion" fashion-mnist | grep -aq '"ocgan.latent_disc_batchnorm":"false"'
# A rate and the batchnorm given on the command line override auto's choice.
log=$("$program" "${tiny[@]}" --dataset fashion-mnist --epochs 1 --lr-disc 0.001 \
  --latent-disc-batchnorm --out "$out/fashion_given")
grep -q "learning rates 0.0002 (autoencoder) and 0.001 (discriminators), epochs 1" <<<"$log"
meta "$out/fashion_given" fashion-mnist | grep -aq '"ocgan.disc_lr":"0.001"'
meta "$out/fashion_given" fashion-mnist | grep -aq '"ocgan.latent_disc_batchnorm":"true"'

log=$("$program" "${tiny[@]}" --epochs 1 --latent-channels 8 --depth 3 --beta1 0.75 \
  --lr 0.001 --lr-disc 0.0625 --visual-base-channels 6 --classifier-base-channels 10 \
  --out "$out/given")
grep -q "preset auto on mnist-subset: autoencoder, depth 3, latent channels 8 (latent 8x4x4), epochs 1" <<<"$log"
grep -q "epoch 1/1" <<<"$log"
meta "$out/given" | grep -aq '"ocgan.latent_channels":"8"'
meta "$out/given" | grep -aq '"ocgan.depth":"3"'
meta "$out/given" | grep -aq '"ocgan.beta1":"0.75"'
meta "$out/given" | grep -aq '"ocgan.lr":"0.001"'
meta "$out/given" | grep -aq '"ocgan.disc_lr":"0.0625"'
meta "$out/given" | grep -aq '"ocgan.visual_base_channels":"6"'
meta "$out/given" | grep -aq '"ocgan.classifier_base_channels":"10"'

# A preset given by name keeps the program's default epoch count (2), not auto's;
# --lr without --lr-disc sets the rate of every network.
log=$("$program" "${tiny[@]}" --latent-channels 8 --preset latent --lr 0.001 --out "$out/latent")
if grep -q "preset auto" <<<"$log"; then
  echo "a preset given by name was reported as auto"
  exit 1
fi
grep -q "epoch 2/2" <<<"$log"
meta "$out/latent" | grep -aq '"ocgan.preset":"latent"'
meta "$out/latent" | grep -aq '"ocgan.disc_lr":"0.001"'
# An unknown name is refused with the names train_ocgan takes, auto among them.
if msg=$("$program" "${tiny[@]}" --epochs 1 --preset best --out "$out/best" 2>&1); then
  echo "--preset best was accepted"
  exit 1
fi
grep -q "unknown preset 'best' (expected auto, paper, released" <<<"$msg"
for bad in "--lr-disc 0:--lr-disc must be > 0" "--beta1 1:--beta1 must lie in [0, 1)" \
  "--depth 7:--depth must be 1..6" "--visual-base-channels 0:--visual-base-channels must be >= 1, got 0" \
  "--visual-weight -1:--visual-weight must be >= 0, got -1" \
  "--latent-disc-batchnorm --no-latent-disc-batchnorm:--latent-disc-batchnorm and --no-latent-disc-batchnorm contradict each other"; do
  if msg=$("$program" "${tiny[@]}" --epochs 1 ${bad%%:*} --out "$out/bad" 2>&1); then
    echo "${bad%%:*} was accepted"
    exit 1
  fi
  grep -qF -- "${bad#*:}" <<<"$msg" || { echo "message '$msg' lacks '${bad#*:}'"; exit 1; }
done
echo "auto: autoencoder, depth 4, 4 latent channels, 30 epochs on mnist-subset; discriminators (rate 0.00005, latent one without batchnorm), depth 4, 4 latent channels, 9 epochs on fashion-mnist; given flags override (--lr-disc and --latent-disc-batchnorm on fashion-mnist too); latent given: latent, 2 epochs; best and out-of-range settings refused"
