#!/usr/bin/env bash
# DICOMweb benchmark: the hub (/dicomweb) side by side with Orthanc + its DICOMweb plugin, same
# generated CT data set, same Java HttpClient, one run: STOW-RS, QIDO-RS, /metadata, WADO-RS.
#   bench/run-dicomweb.sh [--instances N] [--batch N] [--concurrency N] [--queries N] [--work DIR]
#                         [--targets hub,orthanc] [--hub-xmx SIZE] [--big] [--archive 1000,100000]
# See bench/README.md. Installs orthanc + orthanc-dicomweb when missing, builds the hub jar when it
# is missing or older than the sources (if that fails, the hub row is reported as failed and Orthanc
# still runs). --big also runs the hub's index lookup benchmark at 100,000 studies (storage module);
# --archive N,M also measures QIDO-RS by query kind and STOW-RS over HTTP with the hub holding N, M studies.
# Exit code: 0 every target succeeded, 1 some target failed, 2 bad usage.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd -P)"
cd "$root"

want_hub=1
big=0
archive=0
help=0
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    -h|--help) help=1 ;;
    --big) big=1 ;;
    --archive) archive=1 ;;
    --targets)
      case ",${args[$((i + 1))]:-}," in
        *,hub,*) want_hub=1 ;;
        *) want_hub=0 ;;
      esac ;;
  esac
done
if [ "$archive" = 1 ]; then
  want_hub=1 # the archive rows are the hub's
fi

"$root/scripts/debian-deps.sh" --bench
. "$root/scripts/jdk.sh"
hz_find_jdk

jar="$root/hub-server/target/huizhen.jar"
hub_args=(--hub-jar "$jar")
if [ "$want_hub" = 1 ] && [ "$help" = 0 ]; then
  needs_build=0
  if [ ! -f "$jar" ]; then
    needs_build=1
  elif [ -n "$(find "$root" -path "$root/*/target" -prune -o -path "$root/bench" -prune -o \
       \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit 2>/dev/null)" ]; then
    needs_build=1
  fi
  if [ "$needs_build" = 1 ]; then
    echo "run-dicomweb: building the hub jar (./mvnw -B -q -ntp -DskipTests package)..." >&2
    build_log="$(mktemp)"
    if ! ./mvnw -B -q -ntp -DskipTests package >"$build_log" 2>&1; then
      reason="$( (grep -m1 -E '\.java:\[|error:' "$build_log" || grep -m1 'ERROR' "$build_log" || true) | cut -c1-220)"
      reason="${reason//$root\//}"
      hub_args+=(--hub-unavailable "hub build failed: ${reason:-see ./mvnw -DskipTests package}")
    fi
    rm -f "$build_log"
  fi
fi

# --archive: the archive seeder is in storage's test sources; it runs on those classes plus the
# hub jar (which holds storage and its dependencies: H2, HikariCP, Flyway).
if [ "$archive" = 1 ] && [ "$help" = 0 ]; then
  if ./mvnw -B -q -ntp -pl storage test-compile >/dev/null 2>&1; then
    hub_args+=(--seeder-cp "$root/storage/target/test-classes:$root/storage/target/classes:$jar")
  else
    echo "run-dicomweb: could not build the storage test classes (./mvnw -pl storage test-compile); archive rows will fail" >&2
  fi
fi

# The program reuses IngestBenchmark's data generator and process helpers: compile both together.
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT
"$JAVA_HOME/bin/javac" -nowarn -d "$classes" bench/src/org/huizhen/bench/IngestBenchmark.java \
  bench/src/org/huizhen/bench/DicomWebBenchmark.java
status=0
"$JAVA_HOME/bin/java" -Xmx768m -cp "$classes" org.huizhen.bench.DicomWebBenchmark "${hub_args[@]}" "$@" || status=$?

if [ "$big" = 1 ] && [ "$help" = 0 ]; then
  echo
  echo "== Hub index at 100,000 studies (storage IndexLookupBenchmark, embedded H2; QIDO-RS study searches run on this index)"
  idx="$(mktemp -d)"
  if ./mvnw -B -q -ntp -pl storage test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null 2>&1; then
    timeout 600 "$JAVA_HOME/bin/java" -cp "storage/target/test-classes:storage/target/classes:$(cat storage/target/cp.txt)" \
      org.huizhen.storage.bench.IndexLookupBenchmark h2 "$idx/index" 100000 || { echo "index benchmark failed or timed out"; status=1; }
  else
    echo "could not build the storage test classes (./mvnw -pl storage test-compile)"; status=1
  fi
  rm -rf "$idx"
fi
exit "$status"
