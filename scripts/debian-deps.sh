#!/usr/bin/env bash
# Installs the Debian packages the build, tests and benchmarks need, when they are missing.
#   scripts/debian-deps.sh            test needs: dcmtk (peers: storescu, echoscu, dcmdump...)
#   scripts/debian-deps.sh --bench    also orthanc (the peer the benchmarks compare against)
# Idempotent: does nothing when everything is present. Needs root (or sudo) to install.
set -euo pipefail
want=(dcmtk)
[ "${1:-}" = "--bench" ] && want+=(orthanc)
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
