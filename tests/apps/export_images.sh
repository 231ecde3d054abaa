#!/usr/bin/env bash
# export_images writes the class's images as PNG files (the count asked,
# disjoint with --skip), pastes defect squares where asked, and refuses bad
# flags with a clear message.
# Usage: export_images.sh EXPORT_IMAGES
set -euo pipefail
program=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$program" --class 3 --count 5 --out "$out/a"
"$program" --class 3 --skip 5 --count 5 --out "$out/b"
"$program" --class 3 --skip 5 --count 5 --defect-square 6 --out "$out/c"
test "$(ls "$out/a" | wc -l)" -eq 5
test "$(ls "$out/b" | wc -l)" -eq 5
if [ -n "$(comm -12 <(ls "$out/a") <(ls "$out/b"))" ]; then echo "--skip overlaps"; exit 1; fi
# Same images, squares pasted: the files differ.
for f in "$out"/b/*.png; do
  if cmp -s "$f" "$out/c/$(basename "$f")"; then echo "no square in $f"; exit 1; fi
done

# shellcheck source=expect_error.sh
source "$(dirname "$0")/expect_error.sh"
expect_error "--out: a folder" --class 3
expect_error "--class 10 is out of range" --class 10 --out "$out/d"
expect_error "--defect-square 40 must lie in 0..28" --defect-square 40 --out "$out/d"
expect_error "has no images after skipping" --skip 100000 --out "$out/d"
echo "export_images: ok"
