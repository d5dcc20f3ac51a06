#!/usr/bin/env bash
# Installs the Debian packages Spyglass needs to build, run and test.
# Idempotent: when every package is already installed it does nothing and
# touches no network. Uses sudo when not root.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config clang-format
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite libgl-dev
  libssl-dev libsqlite3-dev node-llhttp
  zlib1g-dev libbrotli-dev libzstd-dev libxxhash-dev
  # run: image formats the inspector shows (WebP, SVG; PNG/JPEG/GIF are in Qt)
  qt6-image-formats-plugins libqt6svg6
  # run: trust-store tools
  openssl ca-certificates libnss3-tools
  # tests: real clients and origins
  curl python3 python3-requests sqlite3 xvfb xauth procps
  # the benchmark suite's smoke run (ctest -L bench-smoke): its loopback origin
  nginx-light
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
