#!/usr/bin/env bash
# Installs the Debian packages the build, tests and benchmarks need, when they are missing.
#   scripts/debian-deps.sh            test needs: dcmtk (peers: storescu, echoscu, dcmdump...),
#                                     chromium (headless browser for the /viewer tests),
#                                     orthanc + orthanc-dicomweb (the DICOMweb peer of the viewer
#                                     and DICOMweb interop tests),
#                                     dicom3tools (dciodvfy checks the DICOM ECG objects the hub writes),
#                                     fonts-wqy-microhei (a font with CJK glyphs for the Chinese text
#                                     of the ECG page renderer)
#   scripts/debian-deps.sh --bench    also what the benchmarks compare against: orthanc and its
#                                     DICOMweb plugin (already in the test set, so the same list)
# Idempotent: does nothing when everything is present. Needs root (or sudo) to install.
set -euo pipefail
want=(dcmtk chromium orthanc orthanc-dicomweb dicom3tools fonts-wqy-microhei)
[ "${1:-}" = "--bench" ] && want+=(orthanc orthanc-dicomweb)
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
# one entry per package, even when --bench repeats one
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')
echo "Installing Debian packages: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
