#!/usr/bin/env bash
# replay.sh
#
# Stream-replay benchmark: a backlog of COMMANDS mixed single-key writes on a live source, replayed
# by `migrate run --source redis://SOURCE` into a local 3-master Redis Cluster, next to the native
# ceiling measured in the same run:
#   - ceiling: the same commands pre-split by hash slot into one RESP file per master (relative PX
#     already absolute, as the replay sends it), sent with `redis-cli --pipe` to all masters in
#     parallel;
#   - ours: `migrate run` replicates the (empty) source and streams; then the JVM is paused
#     (SIGSTOP) while the commands are piped into the SOURCE with `redis-cli --pipe`, so they wait
#     as a backlog in the source's replica output buffer (unlimited here) and the source is idle
#     afterwards; the clock runs from SIGCONT until the final marker `SET bench:replay:done 1` is on
#     the cluster: receiving, spooling, translating, routing and writing the whole backlog.
# Reports ops/s of each (median of RUNS runs, interleaved), ours / ceiling (goal >= 60 %), the time
# the source took to accept the commands, our peak RSS, the CPU-seconds per 1M commands of our process
# and of the three cluster primaries (user+sys from /proc/PID/stat, from SIGCONT to the marker; for the
# ceiling, of the primaries while redis-cli pipes), what the primaries executed under each (INFO
# commandstats: the marks' MULTI, SET and EXEC show there), and a sample comparison source vs cluster.
# See bench/README.md.
#
# Environment:
#   COMMANDS=N      commands in the backlog (default 1000000)
#   KEYS=N          distinct keys they touch (default 100000)
#   SEED=N          generator seed (default 7)
#   RUNS=N          runs of each phase (default 3)
#   MIGRATE_BIN     launcher (default ./migrate, relative to the repo root)
#   OURS_TIMEOUT=S  give up on ours after S seconds (default 600)
#   SAMPLE=N        keys compared after ours (default 1000)
#   KEEP=1          keep the servers running at the end
#   STRICT=1        exit 1 when the goal is missed
#   EXACTLY_ONCE=on|off  --exactly-once of migrate run (default on: INCR and RPUSH, 25 % of the mix, carry applied marks)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
cd "$ROOT"
LOG_TAG=replay
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"
PY="$SCRIPT_DIR/lib/replay.py"
FL="$SCRIPT_DIR/lib/fullload.py"

COMMANDS="${COMMANDS:-1000000}"
KEYS="${KEYS:-100000}"
SEED="${SEED:-7}"
RUNS="${RUNS:-3}"
MIGRATE_BIN="${MIGRATE_BIN:-./migrate}"
OURS_TIMEOUT="${OURS_TIMEOUT:-600}"
SAMPLE="${SAMPLE:-1000}"
KEEP="${KEEP:-0}"
STRICT="${STRICT:-0}"
RATIO_GOAL=60   # %, ours ops/s / native ceiling ops/s
for v in COMMANDS KEYS RUNS OURS_TIMEOUT SAMPLE; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'"
done
need_tools redis-server redis-cli python3 awk
OUT="bench/out/replay"
mkdir -p "$OUT"
need_launcher "$MIGRATE_BIN" "$OUT/launcher.err"
WORK=$(mktemp -d /tmp/slotferry-replay.XXXXXX)
NODE_PORTS=(); NODE_PIDS=(); SRC_PID=""; MIG_PID=""
trap source_cluster_cleanup EXIT

cluster_start "$WORK" 3 0 "$OUT/cluster-create.log"
SRC_PORT=$(free_port) || die "no free port"
mkdir -p "$WORK/source"
# A backlog of 1M commands must not push us off: no output limit for replicas, a large backlog.
redis_start "$WORK/source" "$SRC_PORT" --save "" --appendonly no --repl-diskless-sync-delay 0 \
  --repl-backlog-size 512mb --client-output-buffer-limit "replica 0 0 0" || die "could not start the source"
SRC_PID=$REDIS_PID
python3 "$FL" slots --port "${NODE_PORTS[0]}" --out "$WORK/slots.txt"

BASE_MS=$(now_ms)
log "generating $COMMANDS commands over $KEYS keys ..."
python3 "$PY" gen --seed "$SEED" --commands "$COMMANDS" --keys "$KEYS" --base-ms "$BASE_MS" \
  --out "$WORK/source.resp" --slots "$WORK/slots.txt" --split-dir "$WORK" >"$OUT/gen.json"

flush_cluster() { local p; for p in "${MASTER_PORTS[@]}"; do ncli "$p" FLUSHALL >/dev/null; done; }

stats_reset() { local p; for p in "${MASTER_PORTS[@]}"; do ncli "$p" CONFIG RESETSTAT >/dev/null; done; }

stats_take() {  # the primaries' write commands by name (summed; the bench's own probes left out) and input bytes, to $1
  local p
  for p in "${MASTER_PORTS[@]}"; do ncli "$p" INFO commandstats; ncli "$p" INFO stats; done | tr -d '\r' |
    awk -F'[:,=]' '/^cmdstat_/ { n = $1; sub(/^cmdstat_/, "", n); c[n] += $3 }
      /^total_net_input_bytes:/ { b += $2 }
      END { for (n in c) if (n !~ /^(config|info|client|echo|exists|ping|cluster|command)/) print n, c[n]; print "input-bytes", b }' |
    sort -k2 -nr >"$1"
}

stats_line() {  # "N commands (top 6: name calls ...), B MB in" of a stats_take file
  awk '$1 == "input-bytes" { b = $2; next } { t += $2; if (++i <= 6) top = top (top == "" ? "" : ", ") $1 " " $2 }
    END { printf "%d commands (%s), %.1f MB in\n", t, top, b / 1e6 }' "$1"
}

thread_ticks() {  # "tid ticks name sys_ticks" of every thread of PID (user+sys clock ticks so far, and sys alone)
  local t
  for t in /proc/"$1"/task/*; do cat "$t/stat" 2>/dev/null || true; done |
    awk '{ n = $0; sub(/^[0-9]+ \(/, "", n); sub(/\) .*$/, "", n); gsub(/ /, "_", n); r = $0; sub(/^.*\) /, "", r); split(r, f, " "); print $1, f[12] + f[13], n, f[13] }'
}

thread_split() {  # CPU-s per 1M commands by thread name (digits folded: GC_Thread#N, ...) and its kernel share, between two thread_ticks
  local tck
  tck=$(getconf CLK_TCK)
  awk -v t="$tck" -v c="$COMMANDS" 'NR == FNR { a[$1] = $2; b[$1] = $4; next }
    { n = $3; gsub(/[0-9]+$/, "N", n); sub(/redis:.*/, "redis", n); d[n] += $2 - a[$1]; y[n] += $4 - b[$1]; s += $2 - a[$1] }
    END { for (n in d) if (d[n] > 0) printf "%6.2f %5.1f%% %s (sys %.0f %%)\n", d[n] / t * 1e6 / c, 100 * d[n] / s, n, 100 * y[n] / d[n] }' "$1" "$2" | sort -rn
}

per_1m() { calc "printf \"%.2f\\n\", ($2 - $1) * 1000000 / $COMMANDS"; }  # CPU-s from $1 to $2, per 1M commands

ceiling_run() {  # prints "ops_per_s target_cpu_s_per_1M"
  local t0 c0 p pids=()
  flush_cluster
  stats_reset
  c0=$(cpu_s "${NODE_PIDS[@]}")
  t0=$(now)
  for p in "${MASTER_PORTS[@]}"; do
    ncli "$p" --pipe <"$WORK/ceiling-$p.resp" >"$WORK/pipe-$p.log" 2>&1 & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || die "redis-cli --pipe into the cluster failed"; done
  stats_take "$OUT/commands-ceiling.txt"
  calc "printf \"%.0f \", $COMMANDS / ($(now) - $t0)"
  per_1m "$c0" "$(cpu_s "${NODE_PIDS[@]}")"
}

done_on_cluster() { [ "$(redis-cli -c -h 127.0.0.1 -p "${MASTER_PORTS[0]}" EXISTS bench:replay:done 2>/dev/null)" = 1 ]; }

ours_run() {  # prints "ops_per_s source_accept_s peak_rss_mb our_cpu_s_per_1M target_cpu_s_per_1M"
  local t0 t_src t_done deadline c0 n0 c1 n1 state="$WORK/state-$1"
  flush_cluster
  ncli "$SRC_PORT" FLUSHALL >/dev/null
  "$MIGRATE_BIN" run --source "redis://127.0.0.1:$SRC_PORT" --target "redis://127.0.0.1:${MASTER_PORTS[0]}" \
    --state-dir "$state" --status-file "$WORK/status-$1.json" --progress-interval PT1S --exactly-once "${EXACTLY_ONCE:-on}" \
    >"$OUT/ours-$1.out" 2>"$OUT/ours-$1.err" &
  MIG_PID=$!
  ( wait_peak_rss "$MIG_PID" 2>/dev/null; echo "$PEAK_HWM_KB" >"$WORK/rss-$1" ) &
  deadline=$(( $(date +%s) + 120 ))
  until grep -q '"phase" : "STREAMING"' "$WORK/status-$1.json" 2>/dev/null; do
    kill -0 "$MIG_PID" 2>/dev/null || { tail -20 "$OUT/ours-$1.err" >&2; die "migrate run ended before streaming"; }
    [ "$(date +%s)" -lt "$deadline" ] || die "migrate run did not start streaming within 120 s"
    sleep 0.1
  done
  kill -STOP "$MIG_PID"
  t0=$(now)
  ncli "$SRC_PORT" --pipe <"$WORK/source.resp" >"$WORK/source-pipe.log" 2>&1 || die "redis-cli --pipe into the source failed"
  t_src=$(since "$t0")
  c0=$(cpu_s "$MIG_PID"); n0=$(cpu_s "${NODE_PIDS[@]}"); thread_ticks "$MIG_PID" >"$WORK/threads0-$1"
  stats_reset
  t0=$(now)
  kill -CONT "$MIG_PID"
  deadline=$(( $(date +%s) + OURS_TIMEOUT ))
  until done_on_cluster; do
    kill -0 "$MIG_PID" 2>/dev/null || { tail -20 "$OUT/ours-$1.err" >&2; die "migrate run stopped"; }
    [ "$(date +%s)" -lt "$deadline" ] || die "the marker did not reach the cluster within $OURS_TIMEOUT s"
    sleep 0.02
  done
  t_done=$(now)
  stats_take "$OUT/commands-ours.txt"
  c1=$(cpu_s "$MIG_PID"); n1=$(cpu_s "${NODE_PIDS[@]}"); thread_ticks "$MIG_PID" >"$WORK/threads1-$1"
  thread_split "$WORK/threads0-$1" "$WORK/threads1-$1" >"$OUT/threads-$1.txt"
  python3 "$PY" check --source "$SRC_PORT" --slots "$WORK/slots.txt" --keys "$KEYS" --sample "$SAMPLE" \
    >"$OUT/check-$1.json" || die "source and cluster differ: $(cat "$OUT/check-$1.json")"
  stop_tree "$MIG_PID"; MIG_PID=""
  wait
  calc "printf \"%.0f %.1f %.0f \", $COMMANDS / ($t_done - $t0), $t_src, $(cat "$WORK/rss-$1") * 1024 / 1e6"
  echo "$(per_1m "$c0" "$c1") $(per_1m "$n0" "$n1")"
}

CEIL=(); CEIL_CPU=(); OURS=(); SRC_S=(); RSS=(); CPU=(); TCPU=()
for r in $(seq 1 "$RUNS"); do
  read -r c cc < <(ceiling_run); CEIL+=("$c"); CEIL_CPU+=("$cc")
  log "run $r: ceiling $(fmt "$c" 0) ops/s, primaries $cc CPU-s per 1M commands"
  read -r o s m u t < <(ours_run "$r"); OURS+=("$o"); SRC_S+=("$s"); RSS+=("$m"); CPU+=("$u"); TCPU+=("$t")
  log "run $r: ours $(fmt "$o" 0) ops/s (source accepted the backlog in $s s), peak RSS $m MB," \
    "CPU-s per 1M commands: ours $u, primaries $t; sample $(cat "$OUT/check-$r.json")"
done

C=$(median "${CEIL[*]}"); O=$(median "${OURS[*]}")
RATIO=$(calc "printf \"%.1f\", 100 * $O / $C")
{
  echo "== stream replay: $COMMANDS mixed single-key writes over $KEYS keys, 3-master cluster, $RUNS runs =="
  machine_lines
  echo "ceiling (redis-cli --pipe, pre-split per master): median $(fmt "$C" 0) ops/s  [${CEIL[*]}]"
  echo "ours (migrate run, backlog on a live source):      median $(fmt "$O" 0) ops/s  [${OURS[*]}]"
  echo "ours / ceiling: $RATIO % (goal >= $RATIO_GOAL %)"
  echo "source accepted the backlog (replay paused) in: ${SRC_S[*]} s; our peak RSS: ${RSS[*]} MB"
  echo "CPU-s per 1M commands (user+sys): ours median $(median "${CPU[*]}") [${CPU[*]}]; the primaries while we replay" \
    "median $(median "${TCPU[*]}") [${TCPU[*]}], under the ceiling median $(median "${CEIL_CPU[*]}") [${CEIL_CPU[*]}]"
  echo "what the primaries executed (run $RUNS): under the ceiling $(stats_line "$OUT/commands-ceiling.txt");" \
    "under ours $(stats_line "$OUT/commands-ours.txt")"
  echo "our CPU-s per 1M commands by thread (run $RUNS; CPU-s, share, thread, its share in the kernel):"
  sed 's/^/  /' "$OUT/threads-$RUNS.txt" | head -12
  echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg); exactly-once: ${EXACTLY_ONCE:-on}"
  echo "sample check (source vs cluster): $(cat "$OUT/check-$RUNS.json")"
} | tee "$OUT/report.txt"
if [ "$STRICT" = 1 ] && awk "BEGIN { exit !($RATIO < $RATIO_GOAL) }"; then exit 1; fi
