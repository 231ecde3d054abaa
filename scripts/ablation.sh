#!/usr/bin/env bash
# A paper's ablation ladder on the same splits, each row reporting its
# validation AUC (validation normals against other-class images, never the
# test set) beside the test AUC:
#   ocgan: Table 4 of the OCGAN paper (autoencoder, + latent discriminator,
#          + visual discriminator, + classifier and mining); the validation
#          figures are what docs/ocgan.md uses to choose train_ocgan's
#          default settings.
#   oclr:  Table 1 of the OCLR paper (L_irec alone as a baseline, then
#          L_irec + L_adv, + L_zrec, + L_c, + L_dual).
# Usage: scripts/ablation.sh ocgan|oclr OUT_DIR [program flags...]
#   e.g. scripts/ablation.sh ocgan runs/ablation --class 1,3,5,7 --epochs 10
# TRAIN_OCGAN / TRAIN_OCLR name another build of the program.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: scripts/ablation.sh ocgan|oclr OUT_DIR [program flags...]"
model=${1:?$usage}
out=${2:?$usage}
shift 2
case $model in
  ocgan)
    program=${TRAIN_OCGAN:-$root/build/apps/train_ocgan}
    presets=(autoencoder latent discriminators paper)
    ;;
  oclr)
    program=${TRAIN_OCLR:-$root/build/apps/train_oclr}
    presets=(autoencoder irec_adv irec_adv_zrec irec_adv_zrec_c paper)
    ;;
  *)
    echo "scripts/ablation.sh: unknown model '$model' (expected ocgan or oclr)" >&2
    exit 2
    ;;
esac
step=1
for preset in "${presets[@]}"; do
  name=$step-$preset
  "$program" --out "$out/$name" --preset "$preset" "$@" >"$out.$name.log" 2>&1 ||
    { echo "$name failed, see $out.$name.log"; exit 1; }
  echo "== $name"
  grep -h "^| \*\*mean" "$out/$name/results.md"
  step=$((step + 1))
done
