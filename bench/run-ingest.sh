#!/usr/bin/env bash
# Ingest throughput benchmark: the hub (embedded H2 index, then PostgreSQL index) side by side with
# DCMTK storescp and Orthanc, same generated data set, same storescu client, one run.
#   bench/run-ingest.sh [--instances N] [--skip-big] [--work DIR] [--targets hub-h2,hub-pg,storescp,orthanc]
# See bench/README.md. Installs dcmtk + orthanc when missing, builds the hub jar when it is missing
# or older than the sources; if that build fails, the hub rows are reported as failed and the peers
# still run. Exit code: 0 every row succeeded, 1 some row failed, 2 bad usage.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd -P)"
cd "$root"

want_hub=1
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    -h|--help)
      exec_help=1 ;;
    --targets)
      next="${args[$((i + 1))]:-}"
      case ",$next," in
        *,hub-h2,*|*,hub-pg,*) want_hub=1 ;;
        *) want_hub=0 ;;
      esac ;;
  esac
done

"$root/scripts/debian-deps.sh" --bench
. "$root/scripts/jdk.sh"
hz_find_jdk

jar="$root/hub-server/target/huizhen.jar"
hub_args=(--hub-jar "$jar")
if [ "$want_hub" = 1 ] && [ -z "${exec_help:-}" ]; then
  needs_build=0
  if [ ! -f "$jar" ]; then
    needs_build=1
  elif [ -n "$(find "$root" -path "$root/*/target" -prune -o -path "$root/bench" -prune -o \
       \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit 2>/dev/null)" ]; then
    needs_build=1
  fi
  if [ "$needs_build" = 1 ]; then
    echo "run-ingest: building the hub jar (./mvnw -B -q -ntp -DskipTests package)..." >&2
    build_log="$(mktemp)"
    if ! ./mvnw -B -q -ntp -DskipTests package >"$build_log" 2>&1; then
      reason="$( (grep -m1 -E '\.java:\[|error:' "$build_log" || grep -m1 'ERROR' "$build_log" || true) | cut -c1-220)"
      reason="${reason//$root\//}"
      hub_args+=(--hub-unavailable "hub build failed: ${reason:-see ./mvnw -DskipTests package}")
    fi
    rm -f "$build_log"
  fi
fi

exec "$JAVA_HOME/bin/java" -Xmx512m "$root/bench/src/org/huizhen/bench/IngestBenchmark.java" "${hub_args[@]}" "$@"
