#!/usr/bin/env bash
# Regenerates migrator-core/src/main/resources/io/slotferry/command/commands.tsv from the COMMAND
# captures in ../shared/redis-commands (see docs/replay.md, "Command table").
# Usage: scripts/gen-command-table.sh [CAPTURES_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
captures="${1:-$root/../shared/redis-commands}"
out="$root/migrator-core/src/main/resources/io/slotferry/command/commands.tsv"
jackson="${HOME}/.m2/repository/com/fasterxml/jackson/core"
v=$(sed -n 's|.*<jackson.version>\(.*\)</jackson.version>.*|\1|p' "$root/pom.xml")
json="$jackson/jackson-databind/$v/jackson-databind-$v.jar:$jackson/jackson-core/$v/jackson-core-$v.jar"
json="$json:$jackson/jackson-annotations/$v/jackson-annotations-$v.jar"
# test-compile only (no install): the generator lives in migrator-core's test classes
mvn -B -q -f "$root/pom.xml" -pl migrator-core -am test-compile -DskipTests
java -cp "$root/migrator-core/target/test-classes:$json" io.slotferry.command.CommandTableGenerator "$captures" "$out"
echo "wrote $out"
