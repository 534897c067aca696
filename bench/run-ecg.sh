#!/usr/bin/env bash
# ECG throughput and memory benchmark: for every shared ECG file, ECGs/s for parse, measure
# (+ critical screen), SVG and PNG render and the whole upload pipeline, then all files together,
# and the heap (hub-server's EcgBenchmark; single-threaded, so figures are per core).
#   bench/run-ecg.sh [SECONDS_PER_STAGE] [TESTDATA_DIR]     (defaults: 1.0, ../shared/testdata)
# Builds the hub jar and the test classes first (skipping the tests). No peer exists that reads
# these formats, measures and draws them, so there is no side-by-side row.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd -P)"
cd "$root"
. "$root/scripts/jdk.sh"
hz_find_jdk
"$root/scripts/debian-deps.sh"   # the CJK font the page renderer uses
echo "building (tests skipped)..." >&2
./mvnw -B -q -ntp -DskipTests package >&2
budget="${1:-1.0}"
testdata="${2:-$root/../shared/testdata}"
exec "$JAVA_HOME/bin/java" -Xmx512m -Djava.awt.headless=true \
  -cp "$root/hub-server/target/test-classes:$root/hub-server/target/huizhen.jar" \
  org.huizhen.hub.ecg.EcgBenchmark "$testdata" "$budget"
