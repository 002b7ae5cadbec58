#!/usr/bin/env bash
# chaos.sh
#
# The long form of the exactly-once crash suite (CrashLoopIT, docs/testing.md): for each of SEEDS
# seeds, a seeded workload over every write command the source knows (three databases, MULTI,
# scripts, FLUSHDB) runs against a real redis-server while `migrate run` (its own process) copies it
# into a 3+3 TLS+ACL cluster and is killed with SIGKILL KILLS times at random moments (during the
# snapshot, mid-stream, right after a checkpoint, inside a burst of non-replay-safe writes) and
# started again; one target primary fails over and the source drops the replica link once per seed.
# Then writes stop, the run reaches ready_for_cutover and stops, `migrate finish` runs, and every key
# of the source is compared with the target (type, value, expiry; no key of the migrator left).
#
# Prints one line per seed (kills and where they landed, partial resyncs, full syncs after a
# completed snapshot, commands sent, keys compared, differences, tool keys left) and a total;
# exits 1 at the first seed with a difference (its seed, the first differing key and the commands
# that touched it are printed: rerun with SEED=that to reproduce the workload).
#
# Environment:
#   SEEDS=N    seeds with a standalone redis-server source (default 20)
#   PROXY_SEEDS=N  seeds with a Twemproxy pool of three backends and the proxied mix (default 5)
#   KILLS=N    kills per seed (default 20)
#   SEED=N     first seed (default 20261207; seeds are SEED, SEED+1, ...)
#   RATE=N     workload commands per second (default 1500)
#   KEEP=DIR   keep every run's logs, state directory and status there
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
cd "$ROOT"
LOG_TAG=chaos
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"

SEEDS=${SEEDS:-20}
PROXY_SEEDS=${PROXY_SEEDS:-5}
KILLS=${KILLS:-20}
SEED=${SEED:-20261207}
RATE=${RATE:-1500}
props="-Dslotferry.chaos.seeds=$SEEDS -Dslotferry.chaos.proxy-seeds=$PROXY_SEEDS -Dslotferry.chaos.kills=$KILLS -Dslotferry.chaos.seed=$SEED -Dslotferry.chaos.rate=$RATE"
if [ -n "${KEEP:-}" ]; then
  mkdir -p "$KEEP"
  props="$props -Dslotferry.chaos.keep=$(cd "$KEEP" && pwd)"
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
log "$SEEDS + $PROXY_SEEDS (Twemproxy) seeds x $KILLS kills from seed $SEED at $RATE commands/s ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
start=$(now)
set +e
mvn -B -q -pl cli -am verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=CrashLoopIT \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dtest.jvm.args="$props" >"$out" 2>&1
rc=$?
set -e
grep -a -o 'crash loop:.*' "$out" || true
seeds_done=$(grep -a -o 'crash loop:.*' "$out" | wc -l)
diffs=$(grep -a -o 'crash loop:.*' "$out" | sed -E 's/.* ([0-9]+) differences.*/\1/' | awk '{ s += $1 } END { print s + 0 }')
fulls=$(grep -a -o 'crash loop:.*' "$out" | sed -E 's/.* ([0-9]+) full syncs after.*/\1/' | awk '{ s += $1 } END { print s + 0 }')
log "$seeds_done of $((SEEDS + PROXY_SEEDS)) seeds done in $(since "$start") s: $diffs differences, $fulls full syncs after a completed snapshot"
if [ "$rc" -ne 0 ]; then
  grep -a -E 'seed [0-9]+:|commands that touched|migrate run exited|FAILED|Timed out' "$out" | head -40 >&2
  die "the crash suite failed (exit $rc)"
fi
