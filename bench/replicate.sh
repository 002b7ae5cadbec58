#!/usr/bin/env bash
# replicate.sh
#
# Replication benchmark against one local redis-server that this script starts
# (free 127.0.0.1 port, temp dir, --save "" --appendonly no):
#
#   1. snapshot transfer, disk and diskless masters, RUNS runs each, interleaved:
#        ./migrate rdb fetch redis://127.0.0.1:PORT FILE     vs     redis-cli -p PORT --rdb FILE
#      on a ~SIZE_MB MB dataset; MB/s from the wall time (incl. JVM start) and from
#      the seconds migrate prints; ratio ours/redis-cli, goal >= 90%.
#   2. replication stream: ./migrate tail --stats on the flushed server while
#      redis-benchmark writes for STREAM_SECONDS; the source's write rate
#      (master_repl_offset growth, INFO sampled once a second) vs our
#      received_offset growth, max lag, and whether we caught up at the end.
#
# See bench/README.md.
#
# Environment:
#   SIZE_MB          dataset size as RDB MB (1e6 bytes), default 1000. A copy of
#                    bench/out/bench.rdb is loaded when its size is 0.8-1.5 x SIZE_MB,
#                    otherwise bench/gen-rdb.sh generates one in the temp dir.
#   RDB_FILE         load (a copy of) this RDB instead; the file itself is never touched
#   RUNS             fetch runs per tool and mode (default 3)
#   STREAM_SECONDS   how long redis-benchmark writes (default 20)
#   CATCHUP_SECONDS  how long received_offset may take to reach master_repl_offset
#                    after the load stops (default 10)
#   MIGRATE_BIN      launcher to benchmark (default ./migrate, relative to repo root)
#   JAVA_OPTS        passed through to the launcher
#   VERIFY=1         redis-check-rdb on the first fetched file of each tool and mode
#   STRICT=1         exit 1 if a goal is missed (otherwise only on errors)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
ORIG_PWD="$PWD"
cd "$ROOT"
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"

MIGRATE_BIN="${MIGRATE_BIN:-./migrate}"
RUNS="${RUNS:-3}"
SIZE_MB="${SIZE_MB:-1000}"
STREAM_SECONDS="${STREAM_SECONDS:-20}"
CATCHUP_SECONDS="${CATCHUP_SECONDS:-10}"
VERIFY="${VERIFY:-0}"
STRICT="${STRICT:-0}"
FETCH_TIMEOUT=600        # s, per fetch (a hang shows as exit 124)
SNAPSHOT_TIMEOUT=120     # s, tail: until its snapshot is done
RATIO_GOAL=90            # %, ours/redis-cli snapshot MB/s
BENCH_ARGS="-t set,lpush,incr -d 100 -P 16 -c 20 -r 1000000 -n 1000000 -l -q"
[ -n "${JAVA_OPTS:-}" ] && export JAVA_OPTS

log() { printf '[replicate %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
for v in RUNS SIZE_MB STREAM_SECONDS CATCHUP_SECONDS; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'"
done
for tool in redis-server redis-cli redis-benchmark python3 awk stat timeout sync; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found in PATH"
done
case "$MIGRATE_BIN" in
  */*) [ -x "$MIGRATE_BIN" ] || die "launcher '$MIGRATE_BIN' not found or not executable (set MIGRATE_BIN)";;
  *) command -v "$MIGRATE_BIN" >/dev/null 2>&1 || die "launcher '$MIGRATE_BIN' not found (set MIGRATE_BIN)";;
esac

# now, now_ms, calc, fsize, json_get, median/maxof/minof, fmt, stop_pid, port_in_use,
# machine_lines: bench/lib/common.sh (sourced above)

# ---------------------------------------------------------------- dataset
SIZE_BYTES=$((SIZE_MB * 1000000))
DATA_SRC=""; DATA_DESC=""
if [ -n "${RDB_FILE:-}" ]; then
  case "$RDB_FILE" in /*) DATA_SRC="$RDB_FILE";; *) DATA_SRC="$ORIG_PWD/$RDB_FILE";; esac
  [ -f "$DATA_SRC" ] || die "no such file: $RDB_FILE"
  DATA_DESC="copy of $RDB_FILE ($(fsize "$DATA_SRC") bytes; RDB_FILE)"
elif [ -f bench/out/bench.rdb ] && b=$(fsize bench/out/bench.rdb) &&
     [ "$((b * 10))" -ge "$((SIZE_BYTES * 8))" ] && [ "$((b * 10))" -le "$((SIZE_BYTES * 15))" ]; then
  DATA_SRC="$ROOT/bench/out/bench.rdb"
  DATA_DESC="copy of bench/out/bench.rdb ($b bytes, made by bench/gen-rdb.sh)"
fi

# ---------------------------------------------------------------- state, cleanup
mkdir -p bench/out
LOGDIR="$ROOT/bench/out/replicate-logs"
mkdir -p "$LOGDIR"
rm -f "$LOGDIR"/*.out "$LOGDIR"/*.err "$LOGDIR"/*.log "$LOGDIR"/*.txt "$LOGDIR"/status 2>/dev/null || true
REPORT="$ROOT/bench/out/replicate-$(date +%Y%m%d-%H%M%S).txt"
TMPD="$(mktemp -d "$ROOT/bench/out/.replicate.XXXXXX")"
SRV_PID=""; PORT=""; CUR_PID=""; TAIL_PID=""; BENCH_PID=""; SAMPLER_PID=""; TEE_PID=""


cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  trap '' PIPE
  {
    stop_pid "$CUR_PID"; stop_pid "$BENCH_PID"; stop_pid "$SAMPLER_PID"; stop_pid "$TAIL_PID"
    if [ -n "$SRV_PID" ] && kill -0 "$SRV_PID" 2>/dev/null; then
      redis-cli -h 127.0.0.1 -p "$PORT" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
      for _ in $(seq 1 100); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.1; done
      stop_pid "$SRV_PID"
    fi
    [ -f "$TMPD/redis.log" ] && cp -f "$TMPD/redis.log" "$LOGDIR/redis-server.log"
    rm -rf "$TMPD"
  } >/dev/null 2>&1
  if [ -n "$TEE_PID" ]; then exec >&- 2>&-; wait "$TEE_PID" 2>/dev/null || true; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run CMD... in the background (so that INT/TERM traps fire at once) with a time limit;
# stdout/stderr to $LOGDIR/$tag.{out,err}; sets RUN_RC, RUN_WALL (s)
timed() {
  local tag="$1" t1 t2; shift
  t1=$(now)
  timeout "$FETCH_TIMEOUT" "$@" >"$LOGDIR/$tag.out" 2>"$LOGDIR/$tag.err" &
  CUR_PID=$!
  set +e; wait "$CUR_PID"; RUN_RC=$?; set -e
  CUR_PID=""
  t2=$(now)
  RUN_WALL=$(calc "printf \"%.3f\", $t2 - $t1")
}

# ---------------------------------------------------------------- server
rcli() { redis-cli -h 127.0.0.1 -p "$PORT" "$@"; }
info() { rcli INFO "$@" | tr -d '\r'; }      # info SECTION...
field() { printf '%s\n' "$1" | sed -n "s/^$2://p" | head -1; }

start_server() {  # loading a big RDB takes a while: redis_start waits while PING answers -LOADING
  redis_start_free "$TMPD" --dbfilename dump.rdb --save "" --appendonly no
  SRV_PID=$REDIS_PID
  PORT=$REDIS_PORT
}

wait_idle() {  # no replica connected, no BGSAVE/fork child
  local i s
  for i in $(seq 1 3000); do
    s=$(info replication persistence)
    if [ "$(field "$s" connected_slaves)" = 0 ] && [ "$(field "$s" rdb_bgsave_in_progress)" = 0 ] &&
       [ "$(field "$s" module_fork_in_progress)" != 1 ]; then
      return 0
    fi
    sleep 0.1
  done
  die "server not idle after 300 s"
}

set_mode() {
  if [ "$1" = disk ]; then
    rcli CONFIG SET repl-diskless-sync no >/dev/null
  else
    rcli CONFIG SET repl-diskless-sync yes >/dev/null
    rcli CONFIG SET repl-diskless-sync-delay 0 >/dev/null
  fi
}

# ---------------------------------------------------------------- report to stdout + file
exec > >(tee "$REPORT")
TEE_PID=$!

URI="redis://127.0.0.1:PORT"
T_BEGIN=$(now)

log "temp dir $TMPD"
if [ -z "$DATA_SRC" ]; then
  GEN_MIB=$(( (SIZE_BYTES + 1048575) / 1048576 ))
  log "generating a $SIZE_MB MB dataset: bench/gen-rdb.sh TMP/gen.rdb $GEN_MIB (logs: $LOGDIR/gen-rdb.log)"
  "$SCRIPT_DIR/gen-rdb.sh" "$TMPD/gen.rdb" "$GEN_MIB" >"$LOGDIR/gen-rdb.log" 2>&1 &
  CUR_PID=$!
  wait "$CUR_PID" || { tail -20 "$LOGDIR/gen-rdb.log" >&2; die "gen-rdb.sh failed"; }
  CUR_PID=""
  mv "$TMPD/gen.rdb" "$TMPD/dump.rdb"
  DATA_DESC="generated by bench/gen-rdb.sh (target $GEN_MIB MiB, seed ${SEED:-42}; $(fsize "$TMPD/dump.rdb") bytes)"
else
  log "copying $DATA_SRC into the temp dir"
  cp "$DATA_SRC" "$TMPD/dump.rdb"
fi
DATA_BYTES=$(fsize "$TMPD/dump.rdb")
log "starting redis-server and loading the dataset ($DATA_BYTES bytes) ..."
T_LOAD=$(now)
start_server
LOAD_S=$(calc "printf \"%.1f\", $(now) - $T_LOAD")
rm -f "$TMPD/dump.rdb"    # loaded; the server's own BGSAVEs (disk mode) write a fresh one
KEYSPACE=$(info keyspace | grep '^db' | tr '\n' ' ')
USED_MEM=$(field "$(info memory)" used_memory_human)
log "redis-server pid $SRV_PID on 127.0.0.1:$PORT, loaded in ${LOAD_S}s, used_memory $USED_MEM"

CMD_OURS="$MIGRATE_BIN rdb fetch redis://127.0.0.1:$PORT FILE"
CMD_CLI="redis-cli -h 127.0.0.1 -p $PORT --rdb FILE"
CMD_TAIL_SHOWN="$MIGRATE_BIN tail redis://127.0.0.1:$PORT --stats --duration PT<N>S"
CMD_BENCH="redis-benchmark -h 127.0.0.1 -p $PORT $BENCH_ARGS"
JO=""; [ -n "${JAVA_OPTS:-}" ] && JO="JAVA_OPTS=\"$JAVA_OPTS\" "

echo "== replication benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)  (repo: $ROOT, rev $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none))"
machine_lines
echo "server:   redis-server --port $PORT --bind 127.0.0.1 --dir TMP --dbfilename dump.rdb --save \"\" --appendonly no"
echo "dataset:  $DATA_DESC"
echo "          loaded in ${LOAD_S} s; used_memory $USED_MEM; $KEYSPACE"
echo "commands (cwd $ROOT; FILE in the temp dir, deleted after each run):"
echo "  snapshot, each mode, $RUNS runs per tool, interleaved (order alternates per run):"
echo "    disk:     redis-cli -p $PORT CONFIG SET repl-diskless-sync no"
echo "    diskless: redis-cli -p $PORT CONFIG SET repl-diskless-sync yes; CONFIG SET repl-diskless-sync-delay 0"
echo "    ${JO}$CMD_OURS           then, timed apart: sync FILE"
echo "    $CMD_CLI            then, timed apart: sync FILE"
echo "  stream:"
echo "    redis-cli -p $PORT FLUSHALL SYNC      (diskless sync, delay 0)"
echo "    ${JO}$CMD_TAIL_SHOWN      (stopped with SIGTERM after the measurement)"
echo "    $CMD_BENCH      (stopped after $STREAM_SECONDS s)"
echo "    redis-cli -p $PORT INFO replication stats      (once per second)"
echo

# ================================================================ 1. snapshot transfer
declare -A WMBPS OMBPS SMBPS WALL OWNS SYNCS NBYTES
ERRORS=0
WARNINGS=()
VERIFIED=""

check_file() {  # tool mode run file: header, optional redis-check-rdb
  local head
  head=$(head -c 5 "$4" 2>/dev/null || true)
  [ "$head" = "REDIS" ] || WARNINGS+=("$2 $1 run $3: file does not start with 'REDIS' (got '$head')")
  if [ "$VERIFY" = 1 ] && [[ "$VERIFIED" != *"[$2.$1]"* ]] && command -v redis-check-rdb >/dev/null 2>&1; then
    VERIFIED+="[$2.$1]"
    if redis-check-rdb "$4" >"$LOGDIR/check-$2-$1.txt" 2>&1 && grep -q 'RDB looks OK' "$LOGDIR/check-$2-$1.txt"; then
      echo "    redis-check-rdb: $(grep -o '[0-9]* keys read' "$LOGDIR/check-$2-$1.txt" | head -1), RDB looks OK"
    else
      WARNINGS+=("$2 $1 run $3: redis-check-rdb failed, see $LOGDIR/check-$2-$1.txt")
    fi
  fi
}

fetch() {  # tool mode run
  local tool="$1" mode="$2" i="$3" tag="fetch-$2-$1-$3" out="$TMPD/fetch-$2-$1-$3.rdb"
  local s0 s1 full0 full1 bytes line own_s own_mb got_mode t1 sync_s bg
  rm -f "$out"
  wait_idle
  full0=$(field "$(info stats)" sync_full)
  if [ "$tool" = ours ]; then
    timed "$tag" "$MIGRATE_BIN" rdb fetch "redis://127.0.0.1:$PORT" "$out"
  else
    timed "$tag" redis-cli -h 127.0.0.1 -p "$PORT" --rdb "$out"
  fi
  if [ "$RUN_RC" -ne 0 ] || [ ! -f "$out" ]; then
    ERRORS=$((ERRORS + 1))
    printf '  %-8s %-9s run %d: FAILED (exit %s%s) after %s s, see %s\n' "$mode" "$tool" "$i" "$RUN_RC" \
      "$([ "$RUN_RC" = 124 ] && echo ", killed by the ${FETCH_TIMEOUT}s timeout")" "$RUN_WALL" "$LOGDIR/$tag.{out,err}"
    tail -5 "$LOGDIR/$tag.err" | sed 's/^/      | /'
    rm -f "$out"
    return 0
  fi
  t1=$(now); sync "$out"; sync_s=$(calc "printf \"%.3f\", $(now) - $t1")
  bytes=$(fsize "$out")
  wait_idle
  s1=$(info stats persistence)
  full1=$(field "$s1" sync_full)
  bg=$(field "$s1" rdb_last_bgsave_time_sec)
  [ "$((full1 - full0))" = 1 ] || WARNINGS+=("$mode $tool run $i: sync_full went from $full0 to $full1 (expected +1: one fresh BGSAVE/transfer per fetch)")
  own_s=""; own_mb=""
  if [ "$tool" = ours ]; then
    line=$(grep '^fetched ' "$LOGDIR/$tag.err" | tail -1 || true)
    own_s=$(printf '%s\n' "$line" | sed -n 's/.* in \([0-9.]*\) s,.*/\1/p')
    got_mode=$(printf '%s\n' "$line" | sed -n 's/.*(\([a-z]*\) transfer).*/\1/p')
    s0=$(printf '%s\n' "$line" | sed -n 's/^fetched \([0-9]*\) bytes.*/\1/p')
    if [ -z "$own_s" ] || [ -z "$s0" ]; then
      ERRORS=$((ERRORS + 1))
      echo "  $mode $tool run $i: FAILED: no 'fetched <bytes> bytes ... in <s> s' line on stderr, see $LOGDIR/$tag.err"
      rm -f "$out"; return 0
    fi
    [ "$s0" = "$bytes" ] || WARNINGS+=("$mode ours run $i: reported $s0 bytes, file has $bytes")
    own_mb=$(calc "printf \"%.1f\", $bytes / 1e6 / $own_s")
  else
    if grep -q 'until EOF marker' "$LOGDIR/$tag.err"; then got_mode=diskless
    elif grep -q 'writing [0-9]* bytes' "$LOGDIR/$tag.err"; then got_mode=disk
    else got_mode=unknown; fi
    grep -q 'Transfer finished with success' "$LOGDIR/$tag.err" ||
      WARNINGS+=("$mode redis-cli run $i: no 'Transfer finished with success' on stderr")
  fi
  [ "$got_mode" = "$mode" ] || WARNINGS+=("$mode $tool run $i: transfer was '$got_mode', expected '$mode'")
  WALL[$mode.$tool]+="$RUN_WALL "; SYNCS[$mode.$tool]+="$sync_s "; NBYTES[$mode.$tool]+="$bytes "
  WMBPS[$mode.$tool]+="$(calc "printf \"%.2f\", $bytes / 1e6 / $RUN_WALL") "
  SMBPS[$mode.$tool]+="$(calc "printf \"%.2f\", $bytes / 1e6 / ($RUN_WALL + $sync_s)") "
  [ -n "$own_s" ] && { OWNS[$mode.$tool]+="$own_s "; OMBPS[$mode.$tool]+="$own_mb "; }
  printf '  %-8s %-9s run %d: %10s bytes  wall %7s s %7s MB/s | own %7s s %7s MB/s | sync %6s s | server BGSAVE %s s\n' \
    "$mode" "$([ "$tool" = ours ] && echo ours || echo redis-cli)" "$i" "$bytes" "$(fmt "$RUN_WALL" 2)" \
    "$(fmt "$(calc "print $bytes / 1e6 / $RUN_WALL")")" "$(fmt "$own_s" 2)" "$(fmt "$own_mb")" "$(fmt "$sync_s" 2)" "${bg:--}"
  check_file "$tool" "$mode" "$i" "$out"
  rm -f "$out" "$TMPD/dump.rdb"
}

log "snapshot transfer: $RUNS runs x 2 tools x 2 modes ..."
echo "snapshot transfer, per run (MB = 1e6 bytes; wall = whole process incl. JVM start; own = seconds"
echo "printed by migrate; sync = a separate 'sync FILE' afterwards; server BGSAVE = rdb_last_bgsave_time_sec):"
for i in $(seq 1 "$RUNS"); do
  for mode in disk diskless; do
    set_mode "$mode"
    if [ $((i % 2)) = 1 ]; then fetch ours "$mode" "$i"; fetch cli "$mode" "$i"
    else fetch cli "$mode" "$i"; fetch ours "$mode" "$i"; fi
    log "run $i $mode done"
  done
done
echo

# ================================================================ 2. replication stream
log "stream: FLUSHALL, then ./migrate tail --stats ..."
wait_idle
set_mode diskless
rcli FLUSHALL SYNC >/dev/null
S=$(info stats)
FULL_BEFORE=$(field "$S" sync_full)
LOGLINES_BEFORE=$(wc -l < "$TMPD/redis.log")
TAIL_DUR=$((STREAM_SECONDS + SNAPSHOT_TIMEOUT + CATCHUP_SECONDS + 60))
TAIL_OUT="$LOGDIR/tail.out"; TAIL_ERR="$LOGDIR/tail.err"
"$MIGRATE_BIN" tail "redis://127.0.0.1:$PORT" --stats --duration "PT${TAIL_DUR}S" >"$TAIL_OUT" 2>"$TAIL_ERR" &
TAIL_PID=$!
T_TAIL=$(now)

last_stats() { grep '^{' "$TAIL_OUT" 2>/dev/null | tail -1 || true; }
tail_dead() {
  ERRORS=$((ERRORS + 1))
  echo "  stream: FAILED: ./migrate tail $1; stderr (last lines, full in $TAIL_ERR):"
  tail -8 "$TAIL_ERR" | sed 's/^/      | /'
}

# snapshot done: the master sees the replica online, and a stats line shows
# delivered_offset at (or past) the master's offset, i.e. SnapshotEnd was reached
SNAP_OK=0
while [ "$(calc "print ($(now) - $T_TAIL < $SNAPSHOT_TIMEOUT)")" = 1 ]; do
  kill -0 "$TAIL_PID" 2>/dev/null || break
  R=$(info replication)
  if field "$R" slave0 | grep -q 'state=online'; then
    L=$(last_stats)
    if [ -n "$L" ] && [ "$(json_get "$L" snapshot_events)" -gt 0 ] &&
       [ "$(json_get "$L" delivered_offset)" -ge "$(field "$R" master_repl_offset)" ]; then
      SNAP_OK=1; break
    fi
  fi
  sleep 0.2
done
SNAP_S=$(calc "printf \"%.1f\", $(now) - $T_TAIL")
STREAM_OK=0
if [ "$SNAP_OK" != 1 ]; then
  if kill -0 "$TAIL_PID" 2>/dev/null; then tail_dead "did not finish its snapshot within ${SNAPSHOT_TIMEOUT}s (last stats: $(last_stats))"
  else set +e; wait "$TAIL_PID"; rc=$?; set -e; TAIL_PID=""; tail_dead "exited with $rc before its snapshot was done"; fi
else
  log "tail: snapshot done after ${SNAP_S}s (incl. JVM start); sampling INFO, then $STREAM_SECONDS s of redis-benchmark ..."
  SAMPLES="$LOGDIR/master-samples.txt"
  sampler() {  # t_ms master_repl_offset total_commands_processed slave0_ack_offset
    trap 'kill $! 2>/dev/null; exit 0' TERM
    local t s
    while :; do
      t=$(now_ms)
      s=$(redis-cli -h 127.0.0.1 -p "$PORT" INFO replication stats 2>/dev/null | tr -d '\r')
      echo "$t $(field "$s" master_repl_offset) $(field "$s" total_commands_processed) $(field "$s" slave0 | sed -n 's/.*offset=\([0-9]*\).*/\1/p')"
      t=$(( 1000 - $(now_ms) % 1000 ))
      sleep "$(printf '%d.%03d' $((t / 1000)) $((t % 1000)))" &
      wait $!
    done
  }
  sampler >"$SAMPLES" 2>/dev/null &
  SAMPLER_PID=$!
  sleep 2
  S=$(info replication stats)
  M_BEFORE=$(field "$S" master_repl_offset); C_BEFORE=$(field "$S" total_commands_processed)
  T_LOAD0=$(now_ms)
  # shellcheck disable=SC2086
  redis-benchmark -h 127.0.0.1 -p "$PORT" $BENCH_ARGS >"$LOGDIR/redis-benchmark.log" 2>&1 &
  BENCH_PID=$!
  sleep "$STREAM_SECONDS" & wait $!
  if ! kill -0 "$BENCH_PID" 2>/dev/null; then
    WARNINGS+=("redis-benchmark ended before $STREAM_SECONDS s, see $LOGDIR/redis-benchmark.log")
  fi
  stop_pid "$BENCH_PID"; BENCH_PID=""
  T_LOAD1=$(now_ms)
  sleep 0.2
  S=$(info replication stats)
  M_END=$(field "$S" master_repl_offset); C_END=$(field "$S" total_commands_processed)
  log "load stopped: master_repl_offset $M_BEFORE -> $M_END; waiting up to ${CATCHUP_SECONDS}s for received_offset to catch up ..."
  CAUGHT=""; CAUGHT_DELIV=""
  while [ $(( $(now_ms) - T_LOAD1 )) -le $((CATCHUP_SECONDS * 1000 + 1500)) ]; do
    kill -0 "$TAIL_PID" 2>/dev/null || break
    while IFS= read -r L; do
      t=$(json_get "$L" t_ms); [ "$t" -gt "$T_LOAD1" ] || continue
      if [ -z "$CAUGHT" ] && [ "$(json_get "$L" received_offset)" -ge "$M_END" ]; then CAUGHT=$t; fi
      if [ -z "$CAUGHT_DELIV" ] && [ "$(json_get "$L" delivered_offset)" -ge "$M_END" ]; then CAUGHT_DELIV=$t; fi
    done < <(grep '^{' "$TAIL_OUT" || true)
    [ -n "$CAUGHT" ] && [ -n "$CAUGHT_DELIV" ] && break
    sleep 0.3
  done
  sleep 2    # two more samples after the catch-up
  stop_pid "$SAMPLER_PID"; SAMPLER_PID=""
  S=$(info replication stats)
  FULL_AFTER=$(field "$S" sync_full); SLAVES_AFTER=$(field "$S" connected_slaves)
  # the server's log from the tail's start until now (before we stop it): exactly one
  # "asks for synchronization" (its full sync), no lost link, no output buffer overrun
  LINK_LOG=$(tail -n +"$((LOGLINES_BEFORE + 1))" "$TMPD/redis.log" |
    grep -E 'output buffer|Connection with replica .* lost|asks for synchronization|Partial resynchronization' || true)
  LINK_BAD=$(printf '%s\n' "$LINK_LOG" | grep -cE 'output buffer|lost|Partial' || true)
  LINK_SYNCS=$(printf '%s\n' "$LINK_LOG" | grep -c 'asks for synchronization' || true)
  if kill -0 "$TAIL_PID" 2>/dev/null; then
    STREAM_OK=1
    kill "$TAIL_PID" 2>/dev/null || true
    set +e; for _ in $(seq 1 100); do kill -0 "$TAIL_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$TAIL_PID" 2>/dev/null; then
      WARNINGS+=("./migrate tail did not exit within 10 s of SIGTERM; killed")
      kill -9 "$TAIL_PID"
    fi
    wait "$TAIL_PID"; TAIL_RC=$?; set -e
  else
    set +e; wait "$TAIL_PID"; TAIL_RC=$?; set -e
    tail_dead "exited with $TAIL_RC during the measurement (it should run for ${TAIL_DUR}s)"
  fi
  TAIL_PID=""

  # ------------------------------------------------------------ analysis
  IFS= read -r -d '' ANALYZE_PY <<'PY' || true
import json, sys
samples_f, stats_f, vals_f = sys.argv[1:4]
t0, t1, m0, m1, c0, c1, caught, caught_d = (int(x) if x else None for x in sys.argv[4:12])
S = []
for line in open(samples_f):
    p = line.split()
    if len(p) >= 3 and all(x.isdigit() for x in p[:3]):
        S.append((int(p[0]), int(p[1]), int(p[2]), int(p[3]) if len(p) > 3 and p[3].isdigit() else None))
L = []
for line in open(stats_f):
    line = line.strip()
    if line.startswith("{"):
        try:
            L.append(json.loads(line))
        except ValueError:
            pass
if not S or not L:
    sys.exit("no samples or no stats lines")

def recv_at(t, key="received_offset"):
    """our offset at time t, linearly interpolated between stats lines"""
    if t <= L[0]["t_ms"]:
        return L[0][key]
    for a, b in zip(L, L[1:]):
        if a["t_ms"] <= t <= b["t_ms"]:
            return a[key] + (b[key] - a[key]) * (t - a["t_ms"]) / max(1, b["t_ms"] - a["t_ms"])
    return L[-1][key]

def nearest_line(t):
    return min(L, key=lambda d: abs(d["t_ms"] - t))

end = (caught or t1 + 10000) + 2000
print("  per second (t = seconds since the load started; src = master_repl_offset growth, recv = our")
print("  received_offset growth interpolated to the sample times; lag = master_repl_offset - received_offset;")
print("  ack lag = from the master's view, slave0 offset = our last REPLCONF ACK):")
print("  %7s %9s %9s %12s %12s %11s %11s" % ("t s", "src MB/s", "recv MB/s", "lag bytes", "ack lag", "src cmd/s", "our cmd/s"))
max_lag, max_lag_t, max_ack = 0, None, 0
peak_src = peak_recv = 0.0
for a, b in zip(S, S[1:]):
    t = b[0]
    if t < t0 - 2500 or t > end:
        continue
    dt = (b[0] - a[0]) / 1000.0
    src = (b[1] - a[1]) / 1e6 / dt
    rcv = (recv_at(b[0]) - recv_at(a[0])) / 1e6 / dt
    lag = max(0, int(round(b[1] - recv_at(t))))
    ack = b[1] - b[3] if b[3] is not None else None
    scmd = (b[2] - a[2]) / dt
    ocmd = nearest_line(t)["commands_per_s"]
    if t0 <= t <= end:
        if lag > max_lag:
            max_lag, max_lag_t = lag, (t - t0) / 1000.0
        if ack is not None and ack > max_ack:
            max_ack = ack
        peak_src, peak_recv = max(peak_src, src), max(peak_recv, rcv)
    print("  %7.1f %9.2f %9.2f %12d %12s %11.0f %11d" % ((t - t0) / 1000.0, src, rcv, lag,
          "-" if ack is None else ack, scmd, ocmd))

dur = (t1 - t0) / 1000.0
src_mb = (m1 - m0) / 1e6 / dur
r0, r1 = recv_at(t0), recv_at(t1)
recv_mb = (r1 - r0) / 1e6 / dur
src_cmd = (c1 - c0) / dur
inside = [d for d in L if t0 + 1000 <= d["t_ms"] <= t1]
our_cmd = sum(d["commands_per_s"] for d in inside) / len(inside) if inside else 0
our_deliv = sum(d["stream_mb_per_s"] for d in inside) / len(inside) if inside else 0
lag_end = int(m1 - r1)     # m1 was read 0.2 s after the load stopped, r1 is interpolated at t1
if lag_end > max_lag:
    max_lag, max_lag_t = lag_end, dur
vals = dict(dur=dur, bytes=m1 - m0, src_mb=src_mb, recv_mb=recv_mb, ratio=recv_mb / src_mb if src_mb else 0,
            peak_src=peak_src, peak_recv=peak_recv, max_lag=max_lag, max_lag_t=max_lag_t if max_lag_t is not None else -1,
            max_ack=max_ack, src_cmd=src_cmd, our_cmd=our_cmd, our_deliv=our_deliv, lag_end=lag_end)
with open(vals_f, "w") as f:
    for k, v in vals.items():
        f.write("%s %s\n" % (k, v))
PY
  VALS="$LOGDIR/stream-values.txt"
  echo "replication stream:"
  if python3 -c "$ANALYZE_PY" "$SAMPLES" "$TAIL_OUT" "$VALS" "$T_LOAD0" "$T_LOAD1" "$M_BEFORE" "$M_END" \
       "$C_BEFORE" "$C_END" "$CAUGHT" "$CAUGHT_DELIV"; then
    :
  else
    ERRORS=$((ERRORS + 1)); echo "  stream analysis failed"
  fi
  echo
fi

# ================================================================ results
echo "results"
echo "======="
printf 'snapshot transfer (MB = 1e6 bytes; median of %d runs, best = fastest run; wall = whole process incl.\n' "$RUNS"
printf '  JVM start; own = seconds printed by migrate; +sync = wall + a separate "sync FILE" afterwards.\n'
printf '  redis-cli --rdb fsyncs FILE itself (inside its wall time); migrate rdb fetch does not):\n'
printf '  %-9s %-10s %11s %8s %10s %10s %10s %8s %10s\n' mode tool bytes "wall s" "MB/s med" "MB/s best" "own MB/s" "sync s" "+sync MB/s"
row() {  # mode tool label
  local k="$1.$2"
  [ -n "${WMBPS[$k]:-}" ] || { printf '  %-9s %-10s %s\n' "$1" "$3" "no successful run"; return; }
  printf '  %-9s %-10s %11s %8s %10s %10s %10s %8s %10s\n' "$1" "$3" "$(median "${NBYTES[$k]}" | awk '{ printf "%d", $1 }')" \
    "$(fmt "$(median "${WALL[$k]}")" 2)" "$(fmt "$(median "${WMBPS[$k]}")")" "$(fmt "$(maxof "${WMBPS[$k]}")")" \
    "$(fmt "$(median "${OMBPS[$k]:-}")")" "$(fmt "$(median "${SYNCS[$k]}")" 2)" "$(fmt "$(median "${SMBPS[$k]}")")"
}
for mode in disk diskless; do row "$mode" ours ours; row "$mode" cli redis-cli; done
echo
echo "  ours / redis-cli (MB/s, median/median; best/best):"
declare -A RATIO
for mode in disk diskless; do
  if [ -n "${WMBPS[$mode.ours]:-}" ] && [ -n "${WMBPS[$mode.cli]:-}" ]; then
    cm=$(median "${WMBPS[$mode.cli]}"); cb=$(maxof "${WMBPS[$mode.cli]}")
    RATIO[$mode]=$(calc "printf \"%.1f\", 100 * $(median "${WMBPS[$mode.ours]}") / $cm")
    printf '    %-9s wall: %6s%% (best %s%%)   own seconds vs redis-cli wall: %6s%%   +sync both: %6s%%\n' "$mode" \
      "${RATIO[$mode]}" "$(calc "printf \"%.1f\", 100 * $(maxof "${WMBPS[$mode.ours]}") / $cb")" \
      "$(calc "printf \"%.1f\", 100 * $(median "${OMBPS[$mode.ours]:-0}") / $cm")" \
      "$(calc "printf \"%.1f\", 100 * $(median "${SMBPS[$mode.ours]}") / $(median "${SMBPS[$mode.cli]}")")"
  fi
done
echo

vget() { [ -f "${VALS:-/nonexistent}" ] && awk -v k="$1" '$1 == k { print $2 }' "$VALS" || true; }
if [ "$STREAM_OK" = 1 ] && [ -f "${VALS:-/nonexistent}" ]; then
  echo "replication stream (load: $STREAM_SECONDS s of redis-benchmark, $(vget bytes) bytes of replication stream):"
  printf '  %-44s %10s MB/s  (peak second %s MB/s; %s cmds/s from total_commands_processed)\n' \
    "source write rate (master_repl_offset)" "$(fmt "$(vget src_mb)" 2)" "$(fmt "$(vget peak_src)" 2)" "$(fmt "$(vget src_cmd)" 0)"
  printf '  %-44s %10s MB/s  (peak second %s MB/s; %s cmds/s and %s MB/s delivered, from --stats)\n' \
    "our receive rate (received_offset)" "$(fmt "$(vget recv_mb)" 2)" "$(fmt "$(vget peak_recv)" 2)" \
    "$(fmt "$(vget our_cmd)" 0)" "$(fmt "$(vget our_deliv)" 2)"
  printf '  %-44s %10s      (over the load window; 1.00 = kept up)\n' "ratio receive / write" "$(fmt "$(vget ratio)" 3)"
  printf '  %-44s %10s bytes (%s MB) at t=%s s; master'"'"'s view (master_repl_offset - ACKed): %s bytes\n' \
    "max lag (master_repl_offset - received)" "$(vget max_lag)" "$(fmt "$(calc "print $(vget max_lag) / 1e6")" 2)" \
    "$(fmt "$(vget max_lag_t)" 1)" "$(vget max_ack)"
  printf '  %-44s %10s bytes\n' "lag when the load stopped" "$(vget lag_end)"
  if [ -n "$CAUGHT" ]; then
    CATCH_S=$(calc "printf \"%.1f\", ($CAUGHT - $T_LOAD1) / 1000")
    printf '  %-44s %10s      received_offset >= %s (master_repl_offset after the load) %s s after it stopped\n' \
      "caught up" yes "$M_END" "$CATCH_S"
  else
    CATCH_S=""
    printf '  %-44s %10s      received_offset never reached %s within %s s (last stats: %s)\n' \
      "caught up" NO "$M_END" "$CATCHUP_SECONDS" "$(last_stats)"
  fi
  printf '  %-44s %10s      %s\n' "delivered_offset caught up too" "$([ -n "$CAUGHT_DELIV" ] && echo yes || echo NO)" \
    "$([ -n "$CAUGHT_DELIV" ] && echo "$(calc "printf \"%.1f\", ($CAUGHT_DELIV - $T_LOAD1) / 1000") s after the load stopped")"
  printf '  %-44s %10s      sync_full %s -> %s, connected_slaves at the end %s; tail exit %s (SIGTERM = 143)\n' \
    "replication link" "$([ "$((FULL_AFTER - FULL_BEFORE))" = 1 ] && [ "$LINK_BAD" = 0 ] && [ "$LINK_SYNCS" = 1 ] && echo stable || echo "NOT STABLE")" \
    "$FULL_BEFORE" "$FULL_AFTER" "$SLAVES_AFTER" "${TAIL_RC:-?}"
  if [ "$LINK_BAD" != 0 ] || [ "$LINK_SYNCS" != 1 ]; then
    echo "  redis-server log while the tail ran:"; printf '%s\n' "$LINK_LOG" | sed 's/^/    | /'
    WARNINGS+=("stream: the replication link was not stable (see the redis-server log lines above)")
  fi
  [ "$((FULL_AFTER - FULL_BEFORE))" = 1 ] || WARNINGS+=("stream: sync_full went $FULL_BEFORE -> $FULL_AFTER (expected +1: the link was re-established)")
  echo
fi

# ---------------------------------------------------------------- goals
MISSES=0
GOAL_WIDTH=52
echo "goals (snapshot: median wall-time MB/s, ours / redis-cli):"
goal "snapshot disk, ours/redis-cli" "${RATIO[disk]:-}" ">=" "$RATIO_GOAL" "%"
goal "snapshot diskless, ours/redis-cli" "${RATIO[diskless]:-}" ">=" "$RATIO_GOAL" "%"
goal "stream caught up after the load, within" "${CATCH_S:-}" "<=" "$CATCHUP_SECONDS" "s"
echo
if [ ${#WARNINGS[@]} -eq 0 ] && [ "$ERRORS" -eq 0 ]; then
  echo "consistency: OK (every fetch: one fresh full sync on the server, expected transfer mode, file starts with REDIS, migrate's byte count = file size)"
else
  for w in "${WARNINGS[@]}"; do echo "WARNING: $w"; done
  [ "$ERRORS" -eq 0 ] || echo "ERRORS: $ERRORS failed step(s); logs in $LOGDIR"
fi
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg); total time $(calc "printf \"%.0f\", $(now) - $T_BEGIN") s"
echo "logs: $LOGDIR   report: $REPORT"
echo "$ERRORS $MISSES" > "$LOGDIR/status"

[ "$ERRORS" -eq 0 ] || exit 1
[ "$STRICT" != "1" ] || [ "$MISSES" -eq 0 ] || exit 1
exit 0
