#!/usr/bin/env bash
# Installs the Debian packages Nova needs that are missing (run as root, or
# with sudo available). CUDA is optional: with nvcc on the PATH (or in
# /usr/local/cuda/bin) the CUDA backend is built too.
set -euo pipefail
packages=(build-essential cmake ninja-build pkg-config catch2 libstb-dev zlib1g-dev
          libopenblas-dev dataset-fashion-mnist)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "nova: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
