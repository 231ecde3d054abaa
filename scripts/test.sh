#!/usr/bin/env bash
# One command from a fresh Debian machine: install what is missing, build,
# run the whole test suite, then the CPU suite again under AddressSanitizer and
# UndefinedBehaviorSanitizer. CUDA tests report "skipped" where no GPU answers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"

echo "nova: sanitizer build (ASan + UBSan) of the CPU test suite"
cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNOVA_ENABLE_CUDA=OFF \
  -DNOVA_SANITIZE=ON -DNOVA_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build-sanitize -j "$(nproc)" --target nova_tests
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-sanitize --output-on-failure -j "$(nproc)"
