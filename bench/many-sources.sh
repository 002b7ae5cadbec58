#!/usr/bin/env bash
# many-sources.sh
#
# Many source instances in one process: the same KEYS-key data set (bench/lib/fullload.py's mix:
# 70 % strings, small hashes/lists/sets/zsets, 20 % with a TTL) spread over N standalone sources
# (disjoint parts), copied by ONE `migrate run --source redis://... x N --snapshot-only` into a local
# 3-master cluster, for each N of COUNTS. Per N: wall time (JVM start to exit: every source's
# snapshot taken, loaded and checkpointed), aggregate keys/s, the tool's CPU-seconds (user+sys) and
# peak RSS (/usr/bin/time), and the cluster's key count checked against the data set. At the end:
# RSS growth per added worker, (RSS(max N) - RSS(min N)) / (max N - min N).
#
# Environment:
#   KEYS=N        keys in the whole data set (default 1000000)
#   COUNTS="..."  source counts to run, each dividing 16 (default "1 4 16"); a count may repeat ("1 1 1 16")
#   SEED=N        data set seed (default 5)
#   MIGRATE_BIN   launcher (default ./migrate)
#   MIGRATE_BIN_B a second launcher (e.g. main's build): each count is then run with both, one after the
#                 other on the same sources, rows labelled A and B (A/B on a shared, noisy machine); the
#                 RSS growth is given for A
#   TIMEOUT=S     give up on one run after S seconds (default 900)
#   KEEP=1        keep the servers running at the end
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
cd "$ROOT"
LOG_TAG=many-sources
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"
FL="$SCRIPT_DIR/lib/fullload.py"

KEYS="${KEYS:-1000000}"
COUNTS="${COUNTS:-1 4 16}"
SEED="${SEED:-5}"
MIGRATE_BIN="${MIGRATE_BIN:-./migrate}"
MIGRATE_BIN_B="${MIGRATE_BIN_B:-}"
TIMEOUT="${TIMEOUT:-900}"
KEEP="${KEEP:-0}"
RSS_GOAL_MB=300
PARTS=16
for v in KEYS SEED TIMEOUT; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'"
done
for n in $COUNTS; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] && [ $((PARTS % n)) = 0 ] || die "COUNTS must divide $PARTS, got '$n'"
done
need_tools redis-server redis-cli python3 awk /usr/bin/time
OUT="bench/out/many-sources"
mkdir -p "$OUT"
need_launcher "$MIGRATE_BIN" "$OUT/launcher.err"
LAUNCHERS=(A "$MIGRATE_BIN")
if [ -n "$MIGRATE_BIN_B" ]; then
  need_launcher "$MIGRATE_BIN_B" "$OUT/launcher.err"
  LAUNCHERS+=(B "$MIGRATE_BIN_B")
fi
WORK=$(mktemp -d /tmp/slotferry-many.XXXXXX)
NODE_PORTS=(); NODE_PIDS=(); SRC_PORTS=(); SRC_PIDS=()
stop_sources() {
  local j
  for j in "${!SRC_PIDS[@]}"; do redis_stop "${SRC_PORTS[$j]}" "${SRC_PIDS[$j]}"; done
  SRC_PORTS=(); SRC_PIDS=()
}
cleanup() {
  if [ "$KEEP" != 1 ]; then
    stop_sources
    cluster_stop "$WORK" "$OUT"
    rm -rf "$WORK"
  else
    log "KEEP=1: sources on ${SRC_PORTS[*]}, cluster on ${NODE_PORTS[*]}"
  fi
}
trap cleanup EXIT

cluster_start "$WORK" 3 0 "$OUT/cluster-create.log"
log "generating $KEYS keys in $PARTS parts ..."
python3 "$FL" gen --seed "$SEED" --keys "$KEYS" --base-ms "$(now_ms)" --parts "$PARTS" --parts-dir "$WORK" \
  --stats "$OUT/gen.json" >/dev/null
EXPECTED=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["keys"])' "$OUT/gen.json")

cluster_keys() { local p t=0; for p in "${MASTER_PORTS[@]}"; do t=$((t + $(ncli "$p" DBSIZE))); done; echo "$t"; }

ROWS=(); RSS_BY_N=(); k=0; FAILED=0
for n in $COUNTS; do
  sources=()
  for j in $(seq 0 $((n - 1))); do
    mkdir -p "$WORK/source-$n-$j"
    # a fresh port per attempt: other benches on the machine may take the one picked first
    redis_start_free "$WORK/source-$n-$j" --save "" --appendonly no --repl-diskless-sync-delay 0 ||
      die "could not start source $j of $n"
    port=$REDIS_PORT
    SRC_PORTS+=("$port"); SRC_PIDS+=("$REDIS_PID")
    for part in $(seq "$j" "$n" $((PARTS - 1))); do
      ncli "$port" --pipe <"$WORK/part-$part.resp" >"$WORK/pipe-$n-$j.log" 2>&1 || die "loading part $part failed"
    done
    sources+=(--source "redis://127.0.0.1:$port")
  done
  for ((l = 0; l < ${#LAUNCHERS[@]}; l += 2)); do
    label=${LAUNCHERS[l]}; bin=${LAUNCHERS[l + 1]}
    k=$((k + 1))
    for p in "${MASTER_PORTS[@]}"; do ncli "$p" FLUSHALL >/dev/null; done
    log "$n source(s) hold $EXPECTED keys; $label: migrate run --snapshot-only ..."
    t0=$(now)
    timeout "$TIMEOUT" /usr/bin/time -f "%e %U %S %M" -o "$WORK/time-$k" "$bin" run "${sources[@]}" \
      --target "redis://127.0.0.1:${MASTER_PORTS[0]}" --state-dir "$WORK/state-$k" --snapshot-only \
      >"$OUT/ours-$n.out" 2>"$OUT/ours-$n.err" || {
      # a failed run (e.g. out of memory) is a row of the report, and the bench's exit status
      tail -20 "$OUT/ours-$n.err" >&2
      FAILED=1
      why=$(grep -m1 'FAILED' "$OUT/ours-$n.err" || tail -1 "$OUT/ours-$n.err")
      ROWS+=("| $label | $n | failed: $(echo "$why" | tr -s ' ' | cut -c1-120) | | | | |")
      log "${ROWS[-1]}"
      continue
    }
    wall=$(since "$t0")
    read -r _ user sys rss_kb <"$WORK/time-$k"
    # the migrator's own keys (the recorded TTL grace) go with `migrate finish`, outside the clock
    "$bin" finish --state-dir "$WORK/state-$k" --target "redis://127.0.0.1:${MASTER_PORTS[0]}" \
      >"$OUT/finish-$n.out" 2>&1 || { tail -20 "$OUT/finish-$n.out" >&2; die "migrate finish ($label) after $n sources failed"; }
    got=$(cluster_keys)
    [ "$got" = "$EXPECTED" ] || die "$n sources ($label): the cluster holds $got keys, expected $EXPECTED"
    rss_mb=$(calc "printf \"%.0f\", $rss_kb / 1024")
    [ "$label" != A ] || RSS_BY_N+=("$n:$rss_mb")
    ROWS+=("| $label | $n | $wall | $(calc "printf \"%.0f\", $EXPECTED / $wall") | $(calc "printf \"%.1f\", $user + $sys") | $(calc "printf \"%.2f\", ($user + $sys) * 1000000 / $EXPECTED") | $rss_mb |")
    log "${ROWS[-1]}"
  done
  stop_sources
done

growth="-"
first=""; last=""
if [ "${#RSS_BY_N[@]}" -gt 0 ]; then first=${RSS_BY_N[0]}; last=${RSS_BY_N[-1]}; fi
if [ -n "$first" ] && [ "${first%%:*}" != "${last%%:*}" ]; then
  growth=$(calc "printf \"%.1f\", (${last#*:} - ${first#*:}) / (${last%%:*} - ${first%%:*})")
fi
{
  echo "== many sources in one process: $EXPECTED keys over N standalone sources, one migrate run --snapshot-only, 3-master cluster =="
  machine_lines
  echo
  echo "launchers: A = $MIGRATE_BIN${MIGRATE_BIN_B:+, B = $MIGRATE_BIN_B}"
  echo "| launcher | sources | wall s | keys/s | tool CPU s (user+sys) | CPU s per 1M keys | peak RSS MB |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "RSS growth per added worker: $growth MB; goal: <= $RSS_GOAL_MB MB for the whole load"
  echo "cluster key count equal to the data set's in every completed run"
} | tee "$OUT/report.txt"
[ "$FAILED" = 0 ] || die "a run failed (see the report)"
