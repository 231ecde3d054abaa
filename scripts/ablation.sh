#!/usr/bin/env bash
# The OCGAN ablation ladder of the paper's Table 4 (autoencoder, + latent
# discriminator, + visual discriminator, + classifier and mining) on the same
# splits, each run reporting its validation AUC (validation normals against
# other-class images, never the test set) beside the test AUC. The
# validation figures are what docs/ocgan.md uses to choose train_ocgan's
# default settings.
# Usage: scripts/ocgan_ablation.sh OUT_DIR [train_ocgan flags...]
#   e.g. scripts/ocgan_ablation.sh runs/ablation --class 1,3,5,7 --epochs 10
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
program=${TRAIN_OCGAN:-$root/build/apps/train_ocgan}
out=${1:?usage: scripts/ocgan_ablation.sh OUT_DIR [train_ocgan flags...]}
shift
declare -A steps=(
  [1-autoencoder]="--preset autoencoder"
  [2-latent]="--preset latent"
  [3-discriminators]="--preset discriminators"
  [4-paper]="--preset paper"
)
for name in $(printf '%s\n' "${!steps[@]}" | sort); do
  # shellcheck disable=SC2086  # the flags are meant to split
  "$program" --out "$out/$name" ${steps[$name]} "$@" >"$out.$name.log" 2>&1 ||
    { echo "$name failed, see $out.$name.log"; exit 1; }
  echo "== $name"
  grep -h "^| \*\*mean" "$out/$name/results.md"
done
