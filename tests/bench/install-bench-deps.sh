#!/usr/bin/env bash
# Installs what `make bench` needs beyond the build: nginx-light (the origin)
# always; squid, tinyproxy and mitmproxy (the peers) with PEERS=1.
# Idempotent: does nothing when everything is installed. Uses sudo when not root.
set -euo pipefail

packages=(nginx-light openssl procps python3)
if [ "${1:-0}" = "1" ]; then
  packages+=(squid tinyproxy mitmproxy)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-bench-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-bench-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
