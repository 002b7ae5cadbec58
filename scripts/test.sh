#!/usr/bin/env bash
# The whole test suite: unit tests (*Test) and real-server integration tests (*IT) of every module.
# Needs ../shared beside the repository (test data). Usage: scripts/test.sh [extra mvn args]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/install-deps.sh"
if [[ ! -d "$root/../shared/rdb-corpus" ]]; then
  echo "test: ../shared (the shared test data) must be beside the repository: $root/../shared" >&2
  exit 1
fi
exec mvn -B verify "$@"
