#!/usr/bin/env bash
# verify.sh
#
# `migrate verify` benchmark: KEYS keys of the full-load data set (bench/lib/fullload.py: 70 %
# strings, 9 % hashes, 7 % lists, 7 % sets, 7 % zsets of 5-20 elements, 20 % with a TTL) in a
# standalone source, copied into a local 3-master Redis Cluster with
# `migrate run --source rdb:<the source's SAVE>`, then verified:
# and again as a live migration (`migrate run --source redis://` until ready_for_cutover), then:
#   - `migrate verify --mode full` (every key compared, reverse pass over the target) and
#   - `migrate verify --mode counts` (SCAN counts),
# both with --max-ops VERIFY_MAX_OPS (default 0 = no limit, to measure verify itself). Prints
# the verify times next to the migration time, keys/s, and verify's peak RSS. verify must exit
# 0 (nothing differs); then one key is deleted on the cluster and full mode must exit 1.
#
# Environment:
#   KEYS=N            keys in the data set (default 1000000)
#   SEED=N            generator seed (default 42)
#   VERIFY_MAX_OPS=N  --max-ops of verify (default 0: no limit; the command's default is 20000)
#   MIGRATE_BIN       launcher (default ./migrate, relative to the repo root)
#   KEEP=1            keep the servers running at the end
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
cd "$ROOT"
LOG_TAG=verify
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"
FL="$SCRIPT_DIR/lib/fullload.py"

KEYS="${KEYS:-1000000}"
SEED="${SEED:-42}"
VERIFY_MAX_OPS="${VERIFY_MAX_OPS:-0}"
MIGRATE_BIN="${MIGRATE_BIN:-./migrate}"
KEEP="${KEEP:-0}"
[[ "$KEYS" =~ ^[1-9][0-9]*$ ]] || die "KEYS must be a positive integer, got '$KEYS'"
[[ "$VERIFY_MAX_OPS" =~ ^[0-9]+$ ]] || die "VERIFY_MAX_OPS must be a non-negative integer"
need_tools redis-server redis-cli python3 awk
OUT="bench/out/verify"
mkdir -p "$OUT"
need_launcher "$MIGRATE_BIN" "$OUT/launcher.err"
WORK=$(mktemp -d /tmp/slotferry-verify.XXXXXX)
NODE_PORTS=(); NODE_PIDS=(); SRC_PID=""; SRC_PORT=""
trap source_cluster_cleanup EXIT

SRC_PORT=$(free_port) || die "no free port"
mkdir -p "$WORK/source"
redis_start "$WORK/source" "$SRC_PORT" --save "" --appendonly no --dbfilename dump.rdb || die "could not start the source"
SRC_PID=$REDIS_PID
log "loading $KEYS keys (seed $SEED) into the source on $SRC_PORT ..."
t0=$(now)
python3 "$FL" gen --seed "$SEED" --keys "$KEYS" --base-ms "$(now_ms)" | ncli "$SRC_PORT" --pipe >"$OUT/gen-pipe.log" 2>&1 \
  || die "loading the source failed (see $OUT/gen-pipe.log)"
T_GEN=$(since "$t0")
[ "$(ncli "$SRC_PORT" SAVE)" = OK ] || die "SAVE failed"
SRC_KEYS=$(ncli "$SRC_PORT" DBSIZE)
log "source: $SRC_KEYS keys in $T_GEN s; $(stat -c %s "$WORK/source/dump.rdb") bytes of RDB"

cluster_start "$WORK" 3 0 "$OUT/cluster-create.log"
TARGET="redis://127.0.0.1:${MASTER_PORTS[0]}"

log "migrate run --source rdb:dump.rdb ..."
t0=$(now)
"$MIGRATE_BIN" run --source "rdb:$WORK/source/dump.rdb" --target "$TARGET" --state-dir "$WORK/state" \
  --progress-interval PT5S >"$OUT/run.out" 2>"$OUT/run.err" || { tail -20 "$OUT/run.err" >&2; die "migrate run failed"; }
T_RUN=$(since "$t0")
log "migrated in $T_RUN s: $(cat "$OUT/run.out")"

# The same data again as an operator migrates a live instance: flush the cluster, then
# `migrate run --source redis://SOURCE` (full sync, load, stream) until the status file says
# ready_for_cutover (every source caught up for 5 s), then SIGTERM. verify runs on that copy.
for p in "${MASTER_PORTS[@]}"; do ncli "$p" FLUSHALL >/dev/null; done
log "migrate run --source redis://127.0.0.1:$SRC_PORT until ready_for_cutover ..."
t0=$(now)
"$MIGRATE_BIN" run --source "redis://127.0.0.1:$SRC_PORT" --target "$TARGET" --state-dir "$WORK/live-state" \
  --status-file "$WORK/status.json" >"$OUT/live.out" 2>"$OUT/live.err" &
LIVE_PID=$!
until grep -q '"ready_for_cutover" : true' "$WORK/status.json" 2>/dev/null; do
  kill -0 "$LIVE_PID" 2>/dev/null || { tail -20 "$OUT/live.err" >&2; die "the live migrate run exited"; }
  sleep 0.2
done
T_LIVE=$(since "$t0")
kill -TERM "$LIVE_PID"
wait "$LIVE_PID" || die "the live migrate run did not exit 0 on SIGTERM"
log "live migration ready for cutover after $T_LIVE s (5 s of it is the readiness hold)"

verify_run() {  # MODE NAME EXPECTED_EXIT -> prints "seconds peak_rss_mb"
  local t0 t rc=0
  t0=$(now)
  "$MIGRATE_BIN" verify --mode "$1" --max-ops "$VERIFY_MAX_OPS" --source "redis://127.0.0.1:$SRC_PORT" --target "$TARGET" \
    --report "$OUT/$2.json" >"$OUT/$2.out" 2>"$OUT/$2.err" &
  local pid=$!
  wait_peak_rss "$pid"
  rc=$WAIT_RC
  t=$(since "$t0")
  [ "$rc" = "$3" ] || { cat "$OUT/$2.out" "$OUT/$2.err" >&2; die "verify --mode $1 exited $rc, expected $3"; }
  calc "printf \"%s %.0f\\n\", $t, $PEAK_HWM_KB * 1024 / 1e6"
}

read -r T_FULL RSS_FULL < <(verify_run full full 0)
log "verify --mode full: $T_FULL s, peak RSS $RSS_FULL MB"
read -r T_COUNTS RSS_COUNTS < <(verify_run counts counts 0)
log "verify --mode counts: $T_COUNTS s, peak RSS $RSS_COUNTS MB"
VICTIM=$(ncli "$SRC_PORT" RANDOMKEY)
redis-cli -c -h 127.0.0.1 -p "${MASTER_PORTS[0]}" DEL "$VICTIM" >/dev/null
read -r T_FAULT _ < <(verify_run full fault 1)
grep -q "\"key\" : \"\\\\\"$VICTIM\\\\\"\"" "$OUT/fault.json" || die "the deleted key $VICTIM is not in $OUT/fault.json"

{
  echo "== migrate verify: $SRC_KEYS keys (full-load data set), standalone source -> 3-master cluster =="
  machine_lines
  echo "migrate run --source rdb: (load):  $T_RUN s  ($(calc "printf \"%.0f\", $SRC_KEYS / $T_RUN") keys/s)"
  echo "migrate verify --mode full:        $T_FULL s  ($(calc "printf \"%.0f\", $SRC_KEYS / $T_FULL") keys/s, both directions), peak RSS $RSS_FULL MB"
  echo "migrate verify --mode counts:      $T_COUNTS s  ($(calc "printf \"%.0f\", $SRC_KEYS / $T_COUNTS") keys/s), peak RSS $RSS_COUNTS MB"
  echo "migrate run --source redis:// until ready_for_cutover: $T_LIVE s (snapshot, load, stream, 5 s hold)"
  echo "verify full / live migration time: $(calc "printf \"%.2f\", $T_FULL / $T_LIVE")"
  echo "verify full / rdb-file load time:  $(calc "printf \"%.2f\", $T_FULL / $T_RUN")"
  echo "one key deleted on the target: verify --mode full exit 1 naming it, in $T_FAULT s"
  echo "verify --max-ops: $VERIFY_MAX_OPS (0 = no limit); full mode sends about 4 commands per source key"
  echo "table of the clean full run:"
  sed 's/^/  /' "$OUT/full.out"
} | tee "$OUT/report.txt"
