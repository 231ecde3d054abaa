#!/usr/bin/env bash
# One command from a fresh Debian machine: install what is missing, build,
# and train OCGAN on the embedded MNIST subset with the default settings.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
./build/apps/train_ocgan "$@"
