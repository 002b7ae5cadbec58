#!/usr/bin/env bash
# Regenerates migrator-core/src/main/resources/io/slotferry/command/commands.tsv from the COMMAND
# captures in ../shared/redis-commands (see docs/replay.md, "Command table").
# Usage: scripts/gen-command-table.sh [CAPTURES_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
captures="${1:-$root/../shared/redis-commands}"
out="$root/migrator-core/src/main/resources/io/slotferry/command/commands.tsv"
gson="${HOME}/.m2/repository/com/google/code/gson/gson/2.10.1/gson-2.10.1.jar"
# test-compile only (no install): the generator lives in migrator-core's test classes
mvn -B -q -f "$root/pom.xml" -pl migrator-core -am test-compile -DskipTests
java -cp "$root/migrator-core/target/test-classes:$gson" io.slotferry.command.CommandTableGenerator "$captures" "$out"
echo "wrote $out"
