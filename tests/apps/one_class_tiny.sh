#!/usr/bin/env bash
# The no-argument run's pieces on a tiny budget, for any one-class program:
# the real program trains on the embedded subset, scores, and writes every
# file it promises; resume and scoring work; bad flags get a clear message
# and a non-zero exit.
# Usage: one_class_tiny.sh PROGRAM "SMALL MODEL FLAGS" "MODEL'S OWN FILES"
set -euo pipefail
program=$1
read -r -a small <<<"$2"
model_files=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

log=$("$program" --epochs 1 --max-train-images 64 "${small[@]}" --out "$out" --device cpu)
echo "$log"
grep -q "test AUC" <<<"$log"
run="$out/mnist-subset/class0/seed0"
for f in results.md results.csv results.json; do test -s "$out/$f" || { echo "missing $f"; exit 1; }; done
for f in split.json log.jsonl checkpoint.safetensors model.safetensors scores.csv roc.csv roc.png \
  histogram.png heatmaps.png $model_files; do
  test -s "$run/$f" || { echo "missing $run/$f"; exit 1; }
done

# Resume continues from the saved epoch rather than starting over.
resumed=$("$program" --epochs 2 --max-train-images 64 "${small[@]}" --out "$out" --device cpu \
  --resume)
grep -q "resuming .* at epoch 2" <<<"$resumed"

# Scoring mode on an IDX file of the embedded data.
data_dir=$(cd "$(dirname "$0")/../../data" && pwd)
"$program" --score "$run/model.safetensors" --input "$data_dir/mnist-subset-images-idx3-ubyte.gz" \
  --scores-out "$out/scores.csv"
test "$(wc -l <"$out/scores.csv")" -eq 10001
head -1 "$out/scores.csv" | grep -q ",calibrated,decision$"
grep -q '"flagged_novel"' "$out/scores.summary.json"

# Labelled scoring (pictures of the run stand in for images), with heat maps.
"$program" --score "$run/model.safetensors" --normal "$run/reconstructions_normal.png" \
  --abnormal "$run/roc.png" --scores-out "$out/labelled.csv" --heatmaps "$out/maps"
grep -q '"auc"' "$out/labelled.summary.json"
for f in grid.png normal/reconstructions_normal.png abnormal/roc.png; do
  test -s "$out/maps/$f" || { echo "missing heat map $f"; exit 1; }
done

# shellcheck source=expect_error.sh
source "$(dirname "$0")/expect_error.sh"
expect_error "unknown flag --epoch" --epoch 3
expect_error "--epochs: expected an integer" --epochs three
expect_error "--class 12 is out of range" --class 12
expect_error "--protocol 2 needs a data set" --protocol 2
expect_error "unknown preset" --preset best
expect_error "no such file" --score "$run/model.safetensors" --input /nonexistent.png
expect_error "not a valid safetensors" --score "$run/roc.csv" --input "$run/roc.png"
expect_error "holds no decision threshold" --score "$run/checkpoint.safetensors" --input "$run/roc.png"
expect_error "--threshold: expected a number" --score "$run/model.safetensors" \
  --input "$run/roc.png" --threshold high
expect_error "expected 28x28" --score "$run/model.safetensors" --input "$run/roc.png" --exact-size
printf 'not an image' >"$out/broken.png"
expect_error "unreadable image '$out/broken.png'" --score "$run/model.safetensors" \
  --input "$out/broken.png"
echo "$(basename "$program") tiny run: ok"
