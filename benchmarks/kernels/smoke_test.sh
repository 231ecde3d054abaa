#!/usr/bin/env bash
# CTest "bench: bench_kernels smoke": the suite on one small case writes a
# table, and JSON and CSV files with the same rows; a bad flag fails with a
# message naming it. Usage: smoke_test.sh path/to/bench_kernels
set -euo pipefail
program=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$program" --device cpu --filter ocgan_enc1_b64 --min-time 0 \
  --json "$tmp/out.json" --csv "$tmp/out.csv" > "$tmp/table.txt"
grep -q '^conv2d_forward  *ocgan_enc1_b64  *nova_cpu' "$tmp/table.txt"

json_rows=$(grep -c '"op": ' "$tmp/out.json")
csv_rows=$(($(grep -vc '^#' "$tmp/out.csv") - 1))  # less the column names
echo "rows: $json_rows in JSON, $csv_rows in CSV"
[ "$json_rows" -gt 10 ] && [ "$json_rows" -eq "$csv_rows" ]
# Nothing but the three outputs: no temporary file left behind.
[ "$(ls -A "$tmp" | tr '\n' ' ')" = "out.csv out.json table.txt " ]

status=0
"$program" --no-such-flag > "$tmp/bad.txt" 2>&1 || status=$?
[ "$status" -ne 0 ]
grep -q "unknown flag '--no-such-flag'" "$tmp/bad.txt"
echo "bench_kernels smoke test passed"
