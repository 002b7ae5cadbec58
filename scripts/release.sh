#!/usr/bin/env bash
# Builds the release tarball: target/release/slotferry-<version>.tar.gz holding
#   bin/migrate         a plain Java launcher (Java 17+ on PATH or in JAVA_HOME; no Maven at run time)
#   lib/migrate.jar     the CLI with every dependency
#   README.md, docs/, deploy/ (Dockerfile context notes, Kubernetes manifests), LICENSE when the repository has one
# 'migrate --version' in it prints the version and the commit it was built from (git describe --always --dirty).
#
# usage: scripts/release.sh [--jar PATH] [OUTDIR]
#   --jar PATH   package an already built jar instead of running 'mvn package' (the tests do this)
#   OUTDIR       where the tarball goes (default: target/release)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar=""
if [[ "${1:-}" == "--jar" ]]; then
  jar="$2"
  shift 2
fi
out="${1:-$root/target/release}"
version="$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' "$root/pom.xml" | head -1)"
[[ -n "$version" ]] || { echo "release: no <version> in pom.xml" >&2; exit 1; }
if [[ -z "$jar" ]]; then
  commit="$(git -C "$root" describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)"
  (cd "$root" && mvn -B -q -DskipTests -Dslotferry.commit="$commit" package -pl cli -am >&2)
  jar="$root/cli/target/migrate.jar"
fi
name="slotferry-$version"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/bin" "$stage/$name/lib"
cp "$jar" "$stage/$name/lib/migrate.jar"
cat > "$stage/$name/bin/migrate" <<'LAUNCHER'
#!/bin/sh
# slotferry launcher. JAVA_OPTS passes JVM options (default: -Xmx192m -XX:+UseParallelGC -XX:TieredStopAtLevel=1: every stage is
# memory-bounded, see docs/architecture.md). Java 17 or later: $JAVA_HOME/bin/java, else java on PATH.
self="$0"
while [ -h "$self" ]; do
  link="$(readlink "$self")"
  case "$link" in /*) self="$link" ;; *) self="$(dirname "$self")/$link" ;; esac
done
home="$(cd "$(dirname "$self")/.." && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# shellcheck disable=SC2086  # JAVA_OPTS is a list of options on purpose
exec "$java" ${JAVA_OPTS:--Xmx192m -XX:+UseParallelGC -XX:TieredStopAtLevel=1} -jar "$home/lib/migrate.jar" "$@"
LAUNCHER
chmod 755 "$stage/$name/bin/migrate"
cp "$root/README.md" "$stage/$name/"
cp -r "$root/docs" "$stage/$name/docs"
if [[ -d "$root/deploy" ]]; then
  cp -r "$root/deploy" "$stage/$name/deploy"
fi
if [[ -f "$root/LICENSE" ]]; then
  cp "$root/LICENSE" "$stage/$name/"
else
  echo "release: the repository has no LICENSE file; the tarball has none either" >&2
fi
mkdir -p "$out"
tar -C "$stage" -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"
