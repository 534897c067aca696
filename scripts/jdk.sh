# Sourced by ./huizhen, ./run-tests and the benchmark scripts: finds a JDK >= 21 and exports
# JAVA_HOME. Order: $JAVA_HOME, the `java` on PATH, then every JVM Debian keeps under
# /usr/lib/jvm (newest first). Prints what is missing and returns 1 when none is found.

hz_java_major() { # $1 = path of a java binary; prints its feature version (17, 21, 25...)
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

hz_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null)" \
                   $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    # javac must sit beside java: a JRE cannot build the project.
    [ -x "$(dirname "$candidate")/javac" ] || continue
    major=$(hz_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      JAVA_HOME=$(cd "$(dirname "$candidate")/.." && pwd -P)
      export JAVA_HOME
      return 0
    fi
  done
  echo "huizhen: no JDK 21 or newer found (looked at \$JAVA_HOME, java on PATH and /usr/lib/jvm/*)." >&2
  echo "huizhen: install one, e.g. 'apt-get install openjdk-21-jdk-headless' or a Temurin 21+/25 JDK, or set JAVA_HOME." >&2
  return 1
}
