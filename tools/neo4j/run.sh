#!/usr/bin/env bash
# Start a local Neo4j 5 Community server (neo4j-harness, in-process, no Docker) for paperkg tests.
#
#   tools/neo4j/run.sh [--bolt-port N] [--http-port N] [--data DIR] [--password PW] [--uri-file FILE] ...
#
# Prints exactly one line "bolt://127.0.0.1:PORT" on stdout once the server is ready; logs go to stderr.
# SIGTERM / SIGINT stop it cleanly (exit 0). `run.sh --help` lists all options.
#
#   tools/neo4j/run.sh admin --data DIR ARGS...
#
# runs neo4j-admin (org.neo4j.cli.AdminTool, same jars and version) on the store of a server started
# with `--data DIR`, e.g. `run.sh admin --data DIR database import full --nodes=... neo4j`.
#
# The first run builds target/ with Maven (needs Maven Central; ~200 MB into ~/.m2); later runs reuse it and
# work offline. Environment:
#   NEO4J_HEAP          max heap (-Xmx), default 1g
#   NEO4J_PAGECACHE     page cache (server.memory.pagecache.size), default 512m; the harness's own
#                       default of 8 MiB makes a 100,000-paper push page in and out constantly
#   NEO4J_JAVA_OPTS     extra JVM options (appended last, so they win)
#   JAVA                java binary (default: java on PATH; needs 17 or 21)
#   MVN                 maven binary (default: mvn on PATH)
#   NEO4J_BUILD_ONLY=1  only build, do not start
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="$here/target"
jar="$target/paperkg-neo4j.jar"
stamp="$target/.build-ok"
java="${JAVA:-java}"

command -v "$java" >/dev/null || { echo "run.sh: java not found (need Java 17 or 21)" >&2; exit 1; }

needs_build() {
  [[ -f "$stamp" && -f "$jar" && -d "$target/lib" && -d "$target/plugins" ]] || return 0
  # rebuild when the pom or the launcher source changed since the last good build
  [[ -n "$(find "$here/pom.xml" "$here/src" -newer "$stamp" -type f -print -quit)" ]] && return 0
  return 1
}

do_build() {
  local mvn="${MVN:-mvn}" log="$target/build.log" t0=$SECONDS
  command -v "$mvn" >/dev/null || { echo "run.sh: maven ('$mvn') not found (apt-get install maven)" >&2; exit 1; }
  echo "run.sh: building $target with maven (first run downloads ~200 MB into ~/.m2) ..." >&2
  # Dependency jars are picked up with a wildcard (lib/*), so clear them when the pom changed (stale versions).
  # Otherwise leave them: a server started from this tree keeps running while we rebuild.
  if [[ ! -f "$stamp" || "$here/pom.xml" -nt "$stamp" ]]; then
    rm -rf "$target/lib" "$target/plugins"
  fi
  rm -f "$stamp"
  # -o first: once ~/.m2 is filled no network is needed; fall back to online for the first build.
  if ! "$mvn" -o -q -B -f "$here/pom.xml" package >"$log" 2>&1; then
    if ! "$mvn" -q -B -f "$here/pom.xml" package >"$log" 2>&1; then
      cat "$log" >&2
      echo "run.sh: maven build failed (log: $log)" >&2
      exit 1
    fi
  fi
  touch "$stamp"
  echo "run.sh: build done in $((SECONDS - t0)) s" >&2
}

if needs_build; then
  mkdir -p "$target"
  # serialize concurrent first runs (e.g. parallel test jobs)
  exec 9>"$target/.build.lock"
  flock 9
  if needs_build; then do_build; fi
  flock -u 9
  exec 9>&-
fi

[[ "${NEO4J_BUILD_ONLY:-0}" == 1 ]] && exit 0

# The JVM flags of Neo4j's own launcher that matter here, plus a bounded heap.
# shellcheck disable=SC2206  # NEO4J_JAVA_OPTS is meant to be word-split
opts=(
  -Xms256m "-Xmx${NEO4J_HEAP:-1g}"
  -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -XX:-OmitStackTraceInFastThrow
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true
  -Djdk.nio.maxCachedBufferSize=1024
  -Dlog4j2.disable.jmx=true
  ${NEO4J_JAVA_OPTS:-}
)

if [[ "${1:-}" == admin ]]; then
  shift
  data=""
  case "${1:-}" in
    --data) data="${2:-}"; shift 2 || shift ;;
    --data=*) data="${1#--data=}"; shift ;;
  esac
  [[ -n "$data" ]] || { echo "run.sh admin: give --data DIR first (the folder a server started with --data DIR uses)" >&2; exit 2; }
  mkdir -p "$data"
  data="$(cd "$data" && pwd)"
  # A throw-away NEO4J_HOME whose neo4j.conf points the databases and transaction logs at DIR.
  home="$(mktemp -d "${TMPDIR:-/tmp}/paperkg-neo4j-admin-XXXXXX")"
  trap 'rm -rf "$home"' EXIT
  mkdir -p "$home/conf"
  printf 'server.directories.data=%s\n' "$data" >"$home/conf/neo4j.conf"
  rc=0
  NEO4J_HOME="$home" NEO4J_CONF="$home/conf" \
    "$java" "${opts[@]}" -cp "$jar:$target/lib/*" org.neo4j.cli.AdminTool "$@" || rc=$?
  exit "$rc"
fi

# A --conf server.memory.pagecache.size=... among the arguments comes later, so it wins.
exec "$java" "${opts[@]}" -cp "$jar:$target/lib/*" paperkg.neo4j.Launcher --plugins "$target/plugins" \
  --conf "server.memory.pagecache.size=${NEO4J_PAGECACHE:-512m}" "$@"
