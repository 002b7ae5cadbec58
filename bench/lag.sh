#!/usr/bin/env bash
# lag.sh
#
# Steady-state lag: how far behind the source a live `migrate run` stays while the source takes a
# steady, paced write rate, and the highest rate it keeps up with.
#   1. ceiling: CONNS writer processes (bench/lib/lag.py) write SET/INCR/HSET/RPUSH into the
#      standalone source as fast as it answers, for SAT_SECONDS, with no migration running: what
#      the source (with these writers, on this machine) accepts on its own;
#   2. `migrate run --source redis://SOURCE` into a local 3-master cluster, status every 100 ms,
#      warmed up for WARMUP_SECONDS at the first step's rate (JIT, connections; not reported);
#   3. steps: the same writers paced at STEPS (shares of the ceiling, in %), STEP_SECONDS each;
#      during each step lag_seconds and lag_bytes are read from the status file every 100 ms
#      (p50/p99/max, and the mean of the step's last second; every sample, with its time, in
#      bench/out/lag/series-STEP.txt, to line stalls up with the tool's logs). Between steps the
#      run is left to catch up (lag 0). A step is "bounded" when the lag of its last second is
#      under 1 s and the writers kept their pace (>= 90 % of the target rate); stepping stops at
#      the first unbounded step. Reported: per step, and the highest bounded rate as a share of the ceiling.
# The run is checked at the end: after the writes stop, the keys are compared source vs cluster
# (bench/lib/replay.py check over a sample of each kind) once the run is caught up.
# The tool's own CPU (user+sys of the migrate process tree, from /proc) is printed per step, next
# to the three target primaries' CPU, the source's and the writers' together, all in cores
# (CPU-seconds per second of the step), and how busy the whole machine was (/proc/stat: every
# process, ours and others', as a share of all its cores: near 100 % the processes wait for a CPU
# and the lag measures that too); the tool's peak RSS at the end.
#
# Environment:
#   CONNS=N          writer processes (default 4)
#   KEYS=N           keys of each kind (default 100000)
#   STEPS="2 5 .."   step rates in % of the ceiling (default "2 5 10 15 20 30 40 55 70 85 100")
#   STEP_SECONDS=S   seconds per step (default 10)
#   SAT_SECONDS=S    seconds of the ceiling measurement (default 5)
#   CEILING=N        take N writes/s as the ceiling instead of measuring it: the same rates for
#                    runs compared with each other on a machine whose load moves the ceiling
#   WARMUP_SECONDS=S seconds at the first step's rate before the steps, not reported (default 5)
#   EXACTLY_ONCE=on|off  --exactly-once of migrate run (default on)
#   MIGRATE_BIN      launcher (default ./migrate)
#   SEED=N           writer seed (default 11)
#   KEEP=1           keep the servers running at the end
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
cd "$ROOT"
LOG_TAG=lag
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"
PY="$SCRIPT_DIR/lib/lag.py"

CONNS="${CONNS:-4}"
KEYS="${KEYS:-100000}"
STEPS="${STEPS:-2 5 10 15 20 30 40 55 70 85 100}"
STEP_SECONDS="${STEP_SECONDS:-10}"
SAT_SECONDS="${SAT_SECONDS:-5}"
CEILING="${CEILING:-}"
WARMUP_SECONDS="${WARMUP_SECONDS:-5}"
EXACTLY_ONCE="${EXACTLY_ONCE:-on}"
MIGRATE_BIN="${MIGRATE_BIN:-./migrate}"
SEED="${SEED:-11}"
KEEP="${KEEP:-0}"
P99_GOAL_MS=50
for v in CONNS KEYS STEP_SECONDS SAT_SECONDS WARMUP_SECONDS SEED; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'"
done
for s in $STEPS; do [[ "$s" =~ ^[1-9][0-9]*$ ]] || die "STEPS must be positive integers (percent), got '$s'"; done
need_tools redis-server redis-cli python3 awk
OUT="bench/out/lag"
mkdir -p "$OUT"
need_launcher "$MIGRATE_BIN" "$OUT/launcher.err"
WORK=$(mktemp -d /tmp/slotferry-lag.XXXXXX)
NODE_PORTS=(); NODE_PIDS=(); SRC_PID=""; MIG_PID=""
trap source_cluster_cleanup EXIT

# shellcheck disable=SC2046  # a list of pids on purpose
tree_cpu() { cpu_s $(proc_tree "$1"); }  # user+sys CPU-s of a process tree so far
targets_cpu() { cpu_s "${NODE_PIDS[@]}"; }
box_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $5 + $6 }' /proc/stat; }  # all, idle+iowait

status_field() { python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["workers"][0][sys.argv[2]])' "$1" "$2" 2>/dev/null; }

wait_caught_up() {  # until lag_bytes is 0 in the status file (up to $1 s)
  local deadline=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    kill -0 "$MIG_PID" 2>/dev/null || { tail -20 "$OUT/ours.err" >&2; die "migrate run stopped"; }
    [ "$(status_field "$WORK/status.json" lag_bytes)" = 0 ] && return 0
    sleep 0.2
  done
  return 1
}

cluster_start "$WORK" 3 0 "$OUT/cluster-create.log"
SRC_PORT=$(free_port) || die "no free port"
mkdir -p "$WORK/source"
redis_start "$WORK/source" "$SRC_PORT" --save "" --appendonly no --repl-diskless-sync-delay 0 \
  --repl-backlog-size 256mb --client-output-buffer-limit "replica 0 0 0" || die "could not start the source"
SRC_PID=$REDIS_PID

if [ -n "$CEILING" ]; then
  [[ "$CEILING" =~ ^[1-9][0-9]*$ ]] || die "CEILING must be a positive integer (writes/s), got '$CEILING'"
  SAT=$CEILING
  SAT_FROM="given (CEILING), not measured"
else
  log "ceiling: $CONNS writers unpaced for $SAT_SECONDS s, no migration running ..."
  SAT=$(python3 "$PY" saturate --port "$SRC_PORT" --conns "$CONNS" --seconds "$SAT_SECONDS" --keys "$KEYS" --seed "$SEED" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["writes_per_s"])')
  SAT_FROM="the source alone, $CONNS writers unpaced"
  ncli "$SRC_PORT" FLUSHALL >/dev/null
fi
log "ceiling: $SAT writes/s"

"$MIGRATE_BIN" run --source "redis://127.0.0.1:$SRC_PORT" --target "redis://127.0.0.1:${MASTER_PORTS[0]}" \
  --state-dir "$WORK/state" --status-file "$WORK/status.json" --progress-interval 100ms \
  --exactly-once "$EXACTLY_ONCE" >"$OUT/ours.out" 2>"$OUT/ours.err" &
MIG_PID=$!
deadline=$(( $(date +%s) + 120 ))
until grep -q '"phase" : "STREAMING"' "$WORK/status.json" 2>/dev/null; do
  kill -0 "$MIG_PID" 2>/dev/null || { tail -20 "$OUT/ours.err" >&2; die "migrate run ended before streaming"; }
  [ "$(date +%s)" -lt "$deadline" ] || die "migrate run did not start streaming within 120 s"
  sleep 0.1
done

# warm-up (JIT, connections): the first step's rate for WARMUP_SECONDS, not reported
first=${STEPS%% *}
log "warm-up: $first % for $WARMUP_SECONDS s (not reported) ..."
python3 "$PY" step --port "$SRC_PORT" --conns "$CONNS" --rate "$(calc "printf \"%.0f\", $SAT * $first / 100")" \
  --seconds "$WARMUP_SECONDS" --keys "$KEYS" --seed "$SEED" --status "$WORK/status.json" >"$OUT/warm-up.json" ||
  die "the writers failed in the warm-up"

ROWS=(); BEST=0; BEST_P99=""
for s in $STEPS; do
  rate=$(calc "printf \"%.0f\", $SAT * $s / 100")
  wait_caught_up 120 || die "the run did not catch up within 120 s before the $s % step"
  cpu0=$(tree_cpu "$MIG_PID"); tcpu0=$(targets_cpu); scpu0=$(cpu_s "$SRC_PID"); box0=$(box_ticks)
  log "step $s % = $rate writes/s for $STEP_SECONDS s ..."
  python3 "$PY" step --port "$SRC_PORT" --conns "$CONNS" --rate "$rate" --seconds "$STEP_SECONDS" \
    --keys "$KEYS" --seed "$((SEED + s))" --status "$WORK/status.json" --series "$OUT/series-$s.txt" >"$OUT/step-$s.json" ||
    die "the writers failed in the $s % step"
  cpu1=$(tree_cpu "$MIG_PID"); tcpu1=$(targets_cpu); scpu1=$(cpu_s "$SRC_PID"); box1=$(box_ticks)
  row=$(python3 - "$OUT/step-$s.json" "$s" "$cpu0" "$cpu1" "$STEP_SECONDS" "$tcpu0" "$tcpu1" "$scpu0" "$scpu1" \
    "$box0" "$box1" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1])); s = sys.argv[2]; secs = float(sys.argv[5])
cpu = float(sys.argv[4]) - float(sys.argv[3])
tcpu = float(sys.argv[7]) - float(sys.argv[6])
scpu = float(sys.argv[9]) - float(sys.argv[8]) + r["writers_cpu_s"]
(all0, idle0), (all1, idle1) = [map(int, a.split()) for a in sys.argv[10:12]]
busy = 100.0 * (1 - (idle1 - idle0) / max(1, all1 - all0))
ms = lambda v: "-" if v is None else "%.0f" % (v * 1000)
kb = lambda v: "-" if v is None else "%.0f" % (v / 1024)
print("| %s %% | %d | %d | %s / %s / %s | %s / %s / %s | %.2f | %.2f | %.2f | %.0f %% | %s |" % (
    s, r["rate_target"], r["rate_achieved"], ms(r["lag_s_p50"]), ms(r["lag_s_p99"]), ms(r["lag_s_max"]),
    kb(r["lag_bytes_p50"]), kb(r["lag_bytes_p99"]), kb(r["lag_bytes_max"]), cpu / secs, tcpu / secs, scpu / secs, busy,
    "yes" if r["bounded"] else ("no (writers fell behind)" if not r["writer_kept_pace"] else "no")))
EOF
)
  ROWS+=("$row")
  log "step $s %: $row"
  if python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["bounded"] else 1)' "$OUT/step-$s.json"; then
    BEST=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rate_achieved"])' "$OUT/step-$s.json")
    BEST_P99=$(python3 -c 'import json,sys; print("%.0f" % (json.load(open(sys.argv[1]))["lag_s_p99"] * 1000))' "$OUT/step-$s.json")
  else
    break
  fi
done

wait_caught_up 300 || die "the run did not catch up within 300 s after the last step"
# peak RSS of the migrate process tree (the largest VmHWM: the JVM)
HWM_MB=$(for p in $(proc_tree "$MIG_PID"); do cat "/proc/$p/status" 2>/dev/null; done |
  awk '/^VmHWM:/ && $2 > h { h = $2 } END { printf "%.0f", h / 1024 }')
python3 "$SCRIPT_DIR/lib/fullload.py" slots --port "${NODE_PORTS[0]}" --out "$WORK/slots.txt"
CHECK=$(python3 "$PY" check --source "$SRC_PORT" --slots "$WORK/slots.txt" --keys "$KEYS" --sample 2000) ||
  die "source and cluster differ: $CHECK"
{
  echo "== steady-state lag: $CONNS paced writers (SET/INCR/HSET/RPUSH), 3-master cluster, --exactly-once $EXACTLY_ONCE, $STEP_SECONDS s steps =="
  machine_lines
  echo "ceiling ($SAT_FROM): $SAT writes/s"
  echo
  echo "| step | target writes/s | achieved | lag ms p50 / p99 / max | lag KiB p50 / p99 / max | tool CPU (cores) | target primaries' CPU (cores) | source + writers' CPU (cores) | machine busy ($(nproc) cores) | bounded |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "highest bounded rate: $BEST writes/s = $(calc "printf \"%.1f\", 100 * $BEST / $SAT") % of the ceiling (p99 lag there: ${BEST_P99:--} ms; goal <= $P99_GOAL_MS ms up to 100 %)"
  echo "tool peak RSS: $HWM_MB MB"
  echo "after the writes stopped: caught up; sample check (source vs cluster): $CHECK"
} | tee "$OUT/report.txt"
