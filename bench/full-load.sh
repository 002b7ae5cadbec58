#!/usr/bin/env bash
# full-load.sh
#
# Full-load benchmark: an RDB file with a 1M-key mixed data set, loaded into a local
# 3-master Redis Cluster
#   - by `./migrate run --source rdb:FILE --target redis://127.0.0.1:PORT` (ours), and
#   - by the "ideal native loader" (the ceiling): the same data set pre-split by hash slot into
#     one RESP file per master (SET [PXAT], HSET, RPUSH, SADD, ZADD, PEXPIREAT), sent with
#     `redis-cli --pipe` to all masters in parallel; optionally also as RESTORE commands.
# Reports keys/s of each (median of RUNS runs), ours / ceiling, our CPU-seconds (user+sys of the
# whole process, per 1M keys) next to the target primaries' CPU-seconds, and our peak RSS.
# LIVE=1 adds a live phase: the same RDB loaded into a standalone redis-server (the source), and
# `migrate run --source redis://SOURCE --snapshot-only` (full sync: fork, transfer, load) timed against
# the file load of the same run plus the source's fork time (INFO stats latest_fork_usec).
# See bench/README.md.
#
# Data set (bench/out/full-load.rdb, generated or reused; bench/lib/fullload.py): KEYS keys,
# 70 % strings of 20-200 bytes, 9 % hashes, 7 % lists, 7 % sets, 7 % zsets of 5-20 elements;
# 20 % of all keys expire 6-24 h after generation (absolute; the file is regenerated when the
# earliest expiry is less than 1 h away).
#
# Environment:
#   KEYS=N          keys in the data set (default 1000000)
#   SEED=N          generator seed (default 42)
#   RUNS=N          runs of each phase, interleaved (default 3)
#   MASTERS=N       cluster masters (default 3)
#   REPLICAS=N      replicas per master (default 0); the ceiling files then end with WAIT
#   RESTORE=0       skip the RESTORE ceiling (default 1: measured too)
#   OURS=0|1|auto   run `migrate run` (auto, the default: only if the launcher has it)
#   MIGRATE_BIN     launcher (default ./migrate, relative to the repo root)
#   MIGRATE_ARGS    extra arguments for `migrate run` (word-split)
#   JAVA_OPTS       JVM options for ours; XMX=256m is short for JAVA_OPTS=-Xmx256m. Default:
#                   neither, so the launcher's own default applies. The report shows the
#                   options from the java process' command line.
#   OURS_TIMEOUT=S  kill `migrate run` after S seconds (default 1800)
#   SAMPLE=N        keys compared value by value after each load (default 1000)
#   FORCE=1         regenerate the RDB even if it can be reused
#   KEEP=1          keep the cluster running at the end (prints the ports; stop it yourself)
#   STRICT=1        exit 1 when a goal is missed (by default only on errors)
#   LIVE=1          also time a full sync from a live source holding the same data (default 0)
#   LIVE_SYNC=LIST  its transfers, one live phase each per run: "diskless disk" (default), "diskless"
#                   or "disk" (repl-diskless-sync yes|no on the source, repl-diskless-sync-delay 0)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
cd "$ROOT"
LOG_TAG=full-load
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"
PY="$SCRIPT_DIR/lib/fullload.py"

KEYS="${KEYS:-1000000}"
SEED="${SEED:-42}"
RUNS="${RUNS:-3}"
MASTERS="${MASTERS:-3}"
REPLICAS="${REPLICAS:-0}"
RESTORE="${RESTORE:-1}"
OURS="${OURS:-auto}"
MIGRATE_BIN="${MIGRATE_BIN:-./migrate}"
MIGRATE_ARGS="${MIGRATE_ARGS:-}"
XMX="${XMX:-}"
JOPTS="${JAVA_OPTS:-${XMX:+-Xmx$XMX}}"
JOPTS_SHOWN="${JOPTS:+JAVA_OPTS=\"$JOPTS\" }"
JVM_SEEN=""   # JVM options read from the java process' command line
OURS_TIMEOUT="${OURS_TIMEOUT:-1800}"
SAMPLE="${SAMPLE:-1000}"
FORCE="${FORCE:-0}"
KEEP="${KEEP:-0}"
STRICT="${STRICT:-0}"
LIVE="${LIVE:-0}"
LIVE_SYNC="${LIVE_SYNC:-diskless disk}"
RATIO_GOAL=80            # %, ours keys/s / native ceiling keys/s
CPU_GOAL=3.5             # CPU-seconds (user+sys) of ours per 1M keys loaded
LIVE_GOAL=1.15           # live full sync seconds / (file load seconds + source fork seconds)
RSS_GOAL=300             # MB (1e6 bytes), peak RSS of ours
MIN_TTL_LEFT_MS=3600000  # reuse the RDB only while its earliest possible expiry is >= 1 h away
PIPE_TIMEOUT=900         # s, per redis-cli --pipe

for v in KEYS RUNS MASTERS SAMPLE OURS_TIMEOUT; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'"
done
[[ "$SEED" =~ ^[0-9]+$ ]] || die "SEED must be a non-negative integer"
[[ "$REPLICAS" =~ ^[0-9]+$ ]] || die "REPLICAS must be a non-negative integer"
[ "$MASTERS" -ge 3 ] || die "redis-cli --cluster create needs MASTERS >= 3"
case "$OURS" in 0|1|auto) ;; *) die "OURS must be 0, 1 or auto";; esac
case "$LIVE" in 0|1) ;; *) die "LIVE must be 0 or 1";; esac
for v in $LIVE_SYNC; do case "$v" in diskless|disk) ;; *) die "LIVE_SYNC: diskless and/or disk, got '$v'";; esac; done
need_tools redis-server redis-cli python3 awk stat timeout
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed for the tool's CPU-seconds"

if [ "$KEYS" = 1000000 ] && [ "$SEED" = 42 ]; then RDB="bench/out/full-load.rdb"
else RDB="bench/out/full-load-$KEYS-s$SEED.rdb"; fi
INFO_FILE="$RDB.info"

# ---------------------------------------------------------------- state, cleanup
mkdir -p bench/out
LOGDIR="$ROOT/bench/out/full-load-logs"
mkdir -p "$LOGDIR"
rm -f "$LOGDIR"/*.out "$LOGDIR"/*.err "$LOGDIR"/*.log "$LOGDIR"/*.json "$LOGDIR"/status 2>/dev/null || true
STAMP=$(date +%Y%m%d-%H%M%S)
REPORT="$ROOT/bench/out/full-load-$STAMP.txt"
RESULTS="$ROOT/bench/out/full-load.results"
TMPD="$(mktemp -d "$ROOT/bench/out/.full-load.XXXXXX")"
NODE_PORTS=(); NODE_PIDS=(); MASTER_PORTS=(); REPLICA_PORTS=()
GEN_PORT=""; GEN_PID=""; SRC_PORT=""; SRC_PID=""; LIVE_PORT=""; LIVE_PID=""; CUR_PID=""; PIPE_PIDS=(); TEE_PID=""

cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  trap '' PIPE
  {
    [ -z "$CUR_PID" ] || stop_tree "$CUR_PID"
    for p in "${PIPE_PIDS[@]}"; do stop_tree "$p"; done
    redis_stop "$GEN_PORT" "$GEN_PID"
    redis_stop "$SRC_PORT" "$SRC_PID"
    redis_stop "$LIVE_PORT" "$LIVE_PID"
    if [ "$KEEP" = 1 ] && [ "$rc" = 0 ] && [ ${#NODE_PIDS[@]} -gt 0 ]; then
      rm -rf "$TMPD/split" "$TMPD/gen" "$TMPD/src" "$TMPD/state" "$TMPD/live"
    else
      cluster_stop "$TMPD" "$LOGDIR"
      rm -rf "$TMPD"
    fi
  } >/dev/null 2>&1
  if [ "$KEEP" = 1 ] && [ "$rc" = 0 ] && [ ${#NODE_PIDS[@]} -gt 0 ]; then
    echo "KEEP=1: the cluster is still running: 127.0.0.1 ports ${NODE_PORTS[*]} (masters ${MASTER_PORTS[*]}), pids ${NODE_PIDS[*]}, dir $TMPD"
    echo "        stop it with: for p in ${NODE_PORTS[*]}; do redis-cli -p \$p SHUTDOWN NOSAVE; done; rm -rf $TMPD"
  fi
  if [ -n "$TEE_PID" ]; then
    exec >&- 2>&-
    for _ in $(seq 1 50); do kill -0 "$TEE_PID" 2>/dev/null || break; sleep 0.1; done
    stop_pid "$TEE_PID"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ERRORS=0
WARNINGS=()
declare -A SECS KPS TCPU TOOLCPU HWMS FORKS SAVES SRCCPU
RSSS=""
T_BEGIN=$(now)
TIME_START=$(date -u +%Y-%m-%dT%H:%M:%SZ)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
masters_cpu() {  # CPU-seconds (user+sys, children included) of the cluster's primaries so far
  local p
  for p in "${MASTER_PORTS[@]}"; do ncli "$p" INFO cpu; done | tr -d '\r' |
    awk -F: '/^used_cpu_(sys|user)(_children)?:/ { s += $2 } END { printf "%.2f", s }'
}
server_cpu() {  # PORT: CPU-seconds (user+sys) of that server and its children (a sync's fork) so far
  ncli "$1" INFO cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user)(_children)?:/ { s += $2 } END { printf "%.2f", s }'
}
keyspace() {  # PORT -> "keys expires" of db0
  ncli "$1" INFO keyspace | tr -d '\r' |
    awk -F'[=,:]' '/^db0:/ { k = $3; e = $5 } END { print k + 0, e + 0 }'
}
# ================================================================ 1. data set
read -r GEN_PARAMS < <(python3 "$PY" params)
GEN_VERSION=$(printf '%s\n' "$GEN_PARAMS" | sed -n 's/.*gen_version=\([0-9]*\).*/\1/p')
TTL_MIN_MS=$(printf '%s\n' "$GEN_PARAMS" | sed -n 's/.*ttl_min_ms=\([0-9]*\).*/\1/p')

dataset_reusable() {
  [ "$FORCE" != 1 ] && [ -f "$RDB" ] && [ -f "$INFO_FILE" ] || return 1
  [ "$(info_param keys)" = "$KEYS" ] && [ "$(info_param seed)" = "$SEED" ] &&
    [ "$(info_param gen_version)" = "$GEN_VERSION" ] && [ "$(info_param rdb_bytes)" = "$(fsize "$RDB")" ] || {
    log "$RDB does not match KEYS=$KEYS SEED=$SEED gen_version=$GEN_VERSION: regenerating"; return 1; }
  local base left
  base=$(info_param base_ms)
  left=$(( base + TTL_MIN_MS - $(now_ms) ))
  if [ "$left" -lt "$MIN_TTL_LEFT_MS" ]; then
    log "$RDB was generated $(( ($(now_ms) - base) / 60000 )) min ago: its earliest expiry is $((left / 60000)) min away (< 60): regenerating"
    return 1
  fi
  return 0
}

IFS= read -r -d '' TOOL_KEYS_LUA <<'LUA' || true
local cursor, n = "0", 0
repeat
  local r = redis.call("SCAN", cursor, "MATCH", ARGV[1], "COUNT", 10000)
  cursor = r[1]
  n = n + #r[2]
until cursor == "0"
return n
LUA

generate_dataset() {
  local gtmp="$TMPD/gen" t0 base summary ks want_exp want_cmds comp size
  t0=$(now)
  base=$(now_ms)
  mkdir -p "$gtmp"
  gen_server_start "$gtmp"
  log "generating $KEYS keys (seed $SEED) into redis-server pid $GEN_PID on 127.0.0.1:$GEN_PORT ..."
  if ! bg_wait "$LOGDIR/gen-pipe.log" - bash -c 'set -o pipefail; python3 "$1" gen --seed "$2" --keys "$3" --base-ms "$4" --stats "$5" |
                      redis-cli -h 127.0.0.1 -p "$6" --pipe' _ \
       "$PY" "$SEED" "$KEYS" "$base" "$gtmp/stats.json" "$GEN_PORT"; then
    tail -20 "$LOGDIR/gen-pipe.log" >&2; die "generation failed (redis-cli --pipe)"
  fi
  want_exp=$(json_get "$(cat "$gtmp/stats.json")" expires)
  want_cmds=$(json_get "$(cat "$gtmp/stats.json")" commands)
  summary=$(grep -E 'errors: [0-9]+, replies: [0-9]+' "$LOGDIR/gen-pipe.log" | tail -1 || true)
  [ "$summary" = "errors: 0, replies: $want_cmds" ] ||
    die "generation: redis-cli --pipe says '${summary:-nothing}', expected 'errors: 0, replies: $want_cmds' (see $LOGDIR/gen-pipe.log)"
  ks=$(keyspace "$GEN_PORT")
  [ "$ks" = "$KEYS $want_exp" ] || die "generation: the server holds keys/expires '$ks', expected '$KEYS $want_exp'"
  log "loaded in $(since "$t0") s; composition scan ..."
  comp=$(ncli "$GEN_PORT" EVAL "$COMPOSITION_LUA" 0 | awk '
    NF == 3 { k[$1] = $2; e[$1] = $3; tk += $2 }
    END { for (id in k) printf "  %-18s %9d %6.2f%% %10d\n", id, k[id], 100 * k[id] / tk, e[id] }' | sort)
  gen_server_save "$gtmp" "$RDB"
  size=$(fsize "$RDB")
  {
    echo "file:      $RDB ($size bytes = $(fmt "$(calc "print $size / 1e6")") MB)"
    echo "keys:      $KEYS, with TTL: $want_exp (absolute: base + 6..24 h, base = $(date -u -d "@$((base / 1000))" +%Y-%m-%dT%H:%M:%SZ))"
    echo "generated: $(date -u +%Y-%m-%dT%H:%M:%SZ) in $(since "$t0") s by $(redis-server --version | cut -d' ' -f1-3), bench/lib/fullload.py seed $SEED"
    echo "composition (elems|bytes = collection elements, or string bytes for strings):"
    printf '  %-18s %9s %7s %10s\n' "type/encoding" keys "%keys" "elems|bytes"
    echo "$comp"
    echo "params: keys=$KEYS seed=$SEED gen_version=$GEN_VERSION base_ms=$base expires=$want_exp commands=$want_cmds rdb_bytes=$size"
    echo "stats: $(cat "$gtmp/stats.json")"
  } >"$INFO_FILE"
  rm -rf "$gtmp"
  T_GEN=$(since "$t0")
  log "generated $RDB in $T_GEN s"
}

# ================================================================ 2. cluster
# cluster_start (bench/lib/common.sh), then the slot table that the split and the checks route by
start_cluster() {
  cluster_start "$TMPD" "$MASTERS" "$REPLICAS" "$LOGDIR/cluster-create.log"
  python3 "$PY" slots --port "${NODE_PORTS[0]}" --out "$TMPD/slots.txt" || die "CLUSTER SLOTS failed"
  [ "$(awk '!seen[$3]++ { print $3 }' "$TMPD/slots.txt" | paste -sd' ')" = "${MASTER_PORTS[*]}" ] ||
    die "CLUSTER SLOTS and CLUSTER NODES disagree on the masters (${MASTER_PORTS[*]})"
}

flush_cluster() {
  local p
  for p in "${MASTER_PORTS[@]}"; do
    [ "$(ncli "$p" FLUSHALL SYNC)" = OK ] || die "FLUSHALL on $p failed"
    if [ "$REPLICAS" -gt 0 ]; then
      [ "$(ncli "$p" WAIT "$REPLICAS" 30000)" -ge "$REPLICAS" ] || die "WAIT after FLUSHALL on $p: replicas did not ack"
    fi
  done
  for p in "${NODE_PORTS[@]}"; do
    [ "$(ncli "$p" DBSIZE)" = 0 ] || die "node $p not empty after FLUSHALL"
  done
}

# check the cluster after a load: keys and expires summed over the masters (and the replicas),
# then SAMPLE keys value by value. Sets CHECK_MSG; returns 1 on a mismatch.
verify_load() {  # tag
  local tag="$1" p k e sk=0 se=0 rk=0 tk=0 out rc=0
  CHECK_MSG=""
  for p in "${MASTER_PORTS[@]}"; do
    read -r k e < <(keyspace "$p")
    sk=$((sk + k)); se=$((se + e))
    # the migrator's own keys (slotferry:*, e.g. its TTL grace) are not part of the data set
    if [[ "$tag" == ours* ]]; then tk=$((tk + $(ncli "$p" EVAL "$TOOL_KEYS_LUA" 0 'slotferry:*'))); fi
  done
  sk=$((sk - tk))
  if [ "$sk" != "$KEYS" ] || [ "$se" != "$WANT_EXPIRES" ]; then
    CHECK_MSG="keys/expires on the masters: $sk/$se, expected $KEYS/$WANT_EXPIRES"
    return 1
  fi
  if [ "$REPLICAS" -gt 0 ]; then
    for p in "${MASTER_PORTS[@]}"; do ncli "$p" WAIT "$REPLICAS" 30000 >/dev/null; done
    for p in "${REPLICA_PORTS[@]}"; do rk=$((rk + $(ncli "$p" DBSIZE))); done
    if [ "$rk" != $(((KEYS + tk) * REPLICAS)) ]; then
      CHECK_MSG="keys on the replicas: $rk, expected $((KEYS * REPLICAS))"
      return 1
    fi
  fi
  out=$(python3 "$PY" check --slots "$TMPD/slots.txt" --sample-in "$TMPD/sample.json" 2>&1) || rc=$?
  printf '%s\n' "$out" >"$LOGDIR/check-$tag.json"
  if [ "$rc" != 0 ]; then
    CHECK_MSG="sample check failed: $(printf '%s\n' "$out" | tail -3 | tr '\n' ' ')"
    return 1
  fi
  local drift
  drift=$(json_get "$out" max_expiry_drift_ms)
  [ "${drift:-0}" -le 2000 ] || WARNINGS+=("$tag: expiry times moved by up to $drift ms (relative TTLs?)")
  CHECK_MSG="keys $sk (+$tk of the migrator's), expires $se$([ "$REPLICAS" -gt 0 ] && echo ", replicas $rk"); sample $(json_get "$out" checked) keys equal (expiry drift <= ${drift} ms)"
}

# ================================================================ 3. ceiling
# one redis-cli --pipe per master, all in parallel; time from start to the last one done
pipe_phase() {  # kind run
  local kind="$1" i="$2" j p t0 t1 tend per="" rc summary want c0 cpu
  flush_cluster
  PIPE_PIDS=()
  c0=$(masters_cpu)
  t0=$(now)
  for j in "${!MASTER_PORTS[@]}"; do
    p="${MASTER_PORTS[$j]}"
    ( rc=0; timeout "$PIPE_TIMEOUT" redis-cli -h 127.0.0.1 -p "$p" --pipe <"$TMPD/split/$kind-$p.resp" || rc=$?
      echo "$rc $(now)" >"$TMPD/done-$kind-$p" ) >"$LOGDIR/$kind-$i-$p.log" 2>&1 &
    PIPE_PIDS+=($!)
  done
  for j in "${!PIPE_PIDS[@]}"; do wait "${PIPE_PIDS[$j]}" || true; done
  t1=$(now)
  PIPE_PIDS=()
  for p in "${MASTER_PORTS[@]}"; do
    read -r rc tend <"$TMPD/done-$kind-$p"
    per+=" $(fmt "$(calc "print $tend - $t0")" 2)"
    want=$(awk -v k="$kind" -v p="$p" '$1 == k && $2 == p { print $3 }' "$TMPD/split/files.txt")
    summary=$(grep -E 'errors: [0-9]+, replies: [0-9]+' "$LOGDIR/$kind-$i-$p.log" | tail -1 || true)
    [ "$rc" = 0 ] && [ "$summary" = "errors: 0, replies: $want" ] ||
      die "$kind run $i: redis-cli --pipe to $p: exit $rc, '${summary:-no summary}', expected 'errors: 0, replies: $want' (see $LOGDIR/$kind-$i-$p.log)"
  done
  local secs kps
  secs=$(calc "printf \"%.3f\", $t1 - $t0")
  kps=$(calc "printf \"%.0f\", $KEYS / $secs")
  cpu=$(calc "printf \"%.2f\", $(masters_cpu) - $c0")
  verify_load "$kind-$i" || die "$kind run $i: the ceiling load is wrong: $CHECK_MSG"
  SECS[$kind]+="$secs "; KPS[$kind]+="$kps "; TCPU[$kind]+="$cpu "
  printf '  %-8s run %d: %8s s %10s keys/s   per master:%s s; primaries %s CPU-s\n' "$kind" "$i" "$(fmt "$secs" 2)" "$kps" "$per" "$cpu"
  printf '  %-8s        check: %s\n' "" "$CHECK_MSG"
}

# ================================================================ 4. ours
# The only place that knows how `migrate run` is invoked. Runs it (under GNU time, for its CPU-seconds)
# in the background and waits, polling its RSS. --ttl-grace 1ms: expiries as in the source (within 1 ms), which the checks compare
# (the grace, 1 h by default, costs nothing to load; 1 ms rather than 0, which builds before 7abccb0 refuse). Sets OURS_CMD_SHOWN, WAIT_RC, PEAK_HWM_KB, PEAK_RSS_KB,
# OURS_CPU (user+sys seconds of the whole migrate process).
run_ours() {  # tag source [args..]
  local tag="$1" src="$2"
  shift 2
  local -a cmd
  rm -rf "$TMPD/state"; mkdir -m 700 -p "$TMPD/state"   # it holds values: owner-only
  # shellcheck disable=SC2206  # MIGRATE_ARGS is a list on purpose
  cmd=("$MIGRATE_BIN" run --source "$src" --target "redis://127.0.0.1:${MASTER_PORTS[0]}"
       --state-dir "$TMPD/state" --ttl-grace 1ms "$@" $MIGRATE_ARGS)
  OURS_CMD_SHOWN="$JOPTS_SHOWN${cmd[*]}"
  cmd=(/usr/bin/time -f '%U %S' -o "$LOGDIR/$tag.time" "${cmd[@]}")
  if [ -n "$JOPTS" ]; then
    JAVA_OPTS="$JOPTS" "${cmd[@]}" >"$LOGDIR/$tag.out" 2>"$LOGDIR/$tag.err" &
  else
    env -u JAVA_OPTS "${cmd[@]}" >"$LOGDIR/$tag.out" 2>"$LOGDIR/$tag.err" &
  fi
  CUR_PID=$!
  wait_peak_rss "$CUR_PID" "$OURS_TIMEOUT"
  CUR_PID=""
  OURS_CPU=$(awk 'NF == 2 && $1 ~ /^[0-9.]+$/ { c = $1 + $2 } END { printf "%.2f", c }' "$LOGDIR/$tag.time" 2>/dev/null || echo nan)
  # the JVM options actually used: the words between the java binary and -jar
  if [ "$PEAK_PROC" = java ] && [[ "$PEAK_CMDLINE" == *" -jar "* ]]; then   # not the launcher's line before its exec
    JVM_SEEN=$(awk '{ for (i = 2; i <= NF && $i != "-jar"; i++) printf "%s%s", (i > 2 ? " " : ""), $i }' <<<"$PEAK_CMDLINE")
    [ -n "$JVM_SEEN" ] || JVM_SEEN="(none)"
  fi
}

ours_phase() {  # run kind: ours (the file) or live-diskless / live-disk (a full sync from the live source)
  local i="$1" k="${2:-ours}" t0 secs kps hwm rss c0 tcpu fork="" forks0 s0 scpu=""
  flush_cluster
  if [ "$k" = ours ]; then
    c0=$(masters_cpu); t0=$(now)
    run_ours "ours-$i" "rdb:$RDB"
  else
    ncli "$LIVE_PORT" CONFIG SET repl-diskless-sync "$([ "$k" = live-diskless ] && echo yes || echo no)" >/dev/null
    forks0=$(ncli "$LIVE_PORT" INFO stats | tr -d '\r' | sed -n 's/^total_forks://p')
    s0=$(server_cpu "$LIVE_PORT"); c0=$(masters_cpu); t0=$(now)
    run_ours "$k-$i" "redis://127.0.0.1:$LIVE_PORT" --snapshot-only
    # the source's own CPU for the sync (its fork serializing the RDB), on the same cores as ours
    scpu=$(calc "printf \"%.2f\", $(server_cpu "$LIVE_PORT") - $s0")
    fork=$(ncli "$LIVE_PORT" INFO stats | tr -d '\r' | awk -F: -v f0="$forks0" '
      /^total_forks:/ { n = $2 - f0 } /^latest_fork_usec:/ { u = $2 } END { if (n == 1) printf "%.3f", u / 1e6; else print "nan" }')
    # a disk-based sync sends nothing before the source's BGSAVE is on its disk (whole seconds)
    if [ "$k" = live-disk ]; then
      SAVES[$k]+="$(ncli "$LIVE_PORT" INFO persistence | tr -d '\r' | sed -n 's/^rdb_last_bgsave_time_sec://p') "
    fi
  fi
  secs=$(calc "printf \"%.3f\", $(now) - $t0")
  tcpu=$(calc "printf \"%.2f\", $(masters_cpu) - $c0")
  hwm=$(calc "printf \"%.1f\", $PEAK_HWM_KB * 1024 / 1e6")
  rss=$(calc "printf \"%.1f\", $PEAK_RSS_KB * 1024 / 1e6")
  if [ "$WAIT_RC" != 0 ]; then
    ERRORS=$((ERRORS + 1))
    printf '  %-8s run %d: FAILED: exit %s%s after %s s (peak RSS %s MB), see %s\n' "$k" "$i" "$WAIT_RC" \
      "$([ "$WAIT_RC" = 124 ] && echo ", killed after OURS_TIMEOUT=${OURS_TIMEOUT}s")" "$(fmt "$secs" 2)" "$hwm" \
      "$LOGDIR/$k-$i.{out,err}"
    tail -5 "$LOGDIR/$k-$i.err" | sed 's/^/      | /'
    return 0
  fi
  kps=$(calc "printf \"%.0f\", $KEYS / $secs")
  if ! verify_load "ours-$k-$i"; then
    ERRORS=$((ERRORS + 1))
    printf '  %-8s run %d: %8s s, exit 0, but the DATA IS WRONG: %s\n' "$k" "$i" "$(fmt "$secs" 2)" "$CHECK_MSG"
    return 0
  fi
  SECS[$k]+="$secs "; KPS[$k]+="$kps "; HWMS[$k]+="$hwm "; TCPU[$k]+="$tcpu "; TOOLCPU[$k]+="$OURS_CPU "
  [ -z "$fork" ] || FORKS[$k]+="$fork "
  [ -z "$scpu" ] || SRCCPU[$k]+="$scpu "
  if [ "$k" = ours ]; then RSSS+="$rss "; fi
  printf '  %-8s run %d: %8s s %10s keys/s   ours %s CPU-s (%s per 1M keys), primaries %s CPU-s%s; peak RSS %s MB (VmHWM of %s)\n' \
    "$k" "$i" "$(fmt "$secs" 2)" "$kps" "$OURS_CPU" "$(fmt "$(calc "print $OURS_CPU * 1e6 / $KEYS")" 2)" "$tcpu" \
    "${fork:+; source fork $fork s, source CPU $scpu s}" "$hwm" "$PEAK_PROC"
  printf '  %-8s        check: %s\n' "" "$CHECK_MSG"
  printf '  %-8s        its summary: %s\n' "" "$(grep . "$LOGDIR/$k-$i.out" | tail -1 || true)"
}

# ================================================================ main
exec > >(tee "$REPORT")
TEE_PID=$!

# does the launcher have `migrate run`? (builds the jar first if it is missing)
HAVE_RUN=0
if [ "$OURS" != 0 ]; then
  need_launcher "$MIGRATE_BIN" "$LOGDIR/launcher.err"
  RUN_HELP=$("$MIGRATE_BIN" run --help 2>&1 || true)
  if grep -q 'Usage: migrate run' <<<"$RUN_HELP"; then HAVE_RUN=1
  elif [ "$OURS" = 1 ]; then die "OURS=1 but '$MIGRATE_BIN run --help' shows no 'migrate run' command"
  else log "'$MIGRATE_BIN run' does not exist yet: measuring the ceiling only (OURS=auto)"; fi
fi

T_GEN=""
if dataset_reusable; then
  log "reusing $RDB (FORCE=1 regenerates)"
else
  generate_dataset
fi
WANT_EXPIRES=$(info_param expires)
RDB_BYTES=$(fsize "$RDB")
BASE_MS=$(info_param base_ms)

echo "== full-load benchmark  $TIME_START  (repo: $ROOT, rev $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none))"
machine_lines
echo "dataset:  $RDB ($RDB_BYTES bytes; $KEYS keys, $WANT_EXPIRES with TTL; $([ -n "$T_GEN" ] && echo "generated in $T_GEN s" || echo "reused, generated $(( ($(now_ms) - BASE_MS) / 60000 )) min ago"))"
sed -n '/^composition/,/^params:/p' "$INFO_FILE" | grep -v '^params:' | sed 's/^/          /'

start_cluster
echo "cluster:  $MASTERS masters (127.0.0.1:${MASTER_PORTS[*]})$([ "$REPLICAS" -gt 0 ] && echo ", $REPLICAS replica(s) each (${REPLICA_PORTS[*]})"), redis-server --cluster-enabled yes --appendonly no --save \"\""

# ---------------------------------------------------------------- ceiling files
T_SPLIT0=$(now)
RESTORE_ARGS=()
if [ "$RESTORE" = 1 ]; then
  log "RESTORE ceiling: loading a copy of $RDB into a standalone redis-server for DUMP ..."
  mkdir -p "$TMPD/src"
  cp "$RDB" "$TMPD/src/dump.rdb"
  SRC_PORT=$(free_port) || die "no free port"
  redis_start "$TMPD/src" "$SRC_PORT" --dbfilename dump.rdb --save "" --appendonly no ||
    die "could not start the DUMP source server"
  SRC_PID=$REDIS_PID
  [ "$(keyspace "$SRC_PORT")" = "$KEYS $WANT_EXPIRES" ] || die "the DUMP source holds '$(keyspace "$SRC_PORT")' keys/expires, expected '$KEYS $WANT_EXPIRES'"
  RESTORE_ARGS=(--restore-from "$SRC_PORT")
fi
log "writing one RESP file per master (routed by CRC16 slot via CLUSTER SLOTS)${RESTORE_ARGS:+, native and RESTORE} ..."
if ! bg_wait "$LOGDIR/split.json" "$LOGDIR/split.err" python3 "$PY" split --seed "$SEED" --keys "$KEYS" --base-ms "$BASE_MS" --slots "$TMPD/slots.txt" \
     --out "$TMPD/split" "${RESTORE_ARGS[@]}" --wait-replicas "$REPLICAS" \
     --sample "$SAMPLE" --sample-out "$TMPD/sample.json"; then
  cat "$LOGDIR/split.err" >&2; die "splitting the data set failed"
fi
redis_stop "$SRC_PORT" "$SRC_PID"; SRC_PID=""; rm -rf "$TMPD/src"
SPLIT_KEYS=$(awk '$1 == "native" { s += $5 } END { print s + 0 }' "$TMPD/split/files.txt")
SPLIT_EXP=$(awk '$1 == "native" { s += $6 } END { print s + 0 }' "$TMPD/split/files.txt")
[ "$SPLIT_KEYS $SPLIT_EXP" = "$KEYS $WANT_EXPIRES" ] ||
  die "the split files hold $SPLIT_KEYS keys / $SPLIT_EXP expires, the RDB $KEYS / $WANT_EXPIRES: generator mismatch"
T_SPLIT=$(since "$T_SPLIT0")
log "ceiling files written in $T_SPLIT s"

KINDS=(native)
[ "$RESTORE" = 1 ] && KINDS+=(restore)
echo "ceiling files (written in $T_SPLIT s, not timed; kind port commands bytes keys expires):"
sed 's/^/  /' "$TMPD/split/files.txt"
echo "commands (cwd $ROOT; each phase $RUNS times, interleaved; FLUSHALL SYNC on every master before each):"
for k in "${KINDS[@]}"; do
  printf '  %-8s redis-cli -h 127.0.0.1 -p PORT --pipe < %s-PORT.resp    (all %s masters in parallel)\n' "$k:" "$k" "$MASTERS"
done
if [ "$HAVE_RUN" = 1 ]; then
  OURS_CMD_SHOWN="$JOPTS_SHOWN$MIGRATE_BIN run --source rdb:$RDB --target redis://127.0.0.1:${MASTER_PORTS[0]} --state-dir TMP/state --ttl-grace 1ms${MIGRATE_ARGS:+ $MIGRATE_ARGS}"
  echo "  ours:    $OURS_CMD_SHOWN"
  echo "           (peak RSS: VmHWM of the largest process in its tree, i.e. the JVM, polled every 0.1 s)"
else
  echo "  ours:    not run ($([ "$OURS" = 0 ] && echo "OURS=0" || echo "'$MIGRATE_BIN run' does not exist yet"))"
fi
LIVE_KINDS=()
if [ "$HAVE_RUN" = 1 ] && [ "$LIVE" = 1 ]; then
  for v in $LIVE_SYNC; do LIVE_KINDS+=("live-$v"); done
  log "live source: loading a copy of $RDB into a standalone redis-server ..."
  mkdir -p "$TMPD/live"
  cp "$RDB" "$TMPD/live/dump.rdb"
  LIVE_PORT=$(free_port) || die "no free port"
  redis_start "$TMPD/live" "$LIVE_PORT" --dbfilename dump.rdb --save "" --appendonly no \
    --repl-diskless-sync-delay 0 --repl-diskless-sync yes || die "could not start the live source server"
  LIVE_PID=$REDIS_PID
  [ "$(keyspace "$LIVE_PORT")" = "$KEYS $WANT_EXPIRES" ] || die "the live source holds '$(keyspace "$LIVE_PORT")' keys/expires"
  rm -f "$TMPD/live/dump.rdb"   # a disk-based sync writes its own
  echo "  live:    ${JOPTS_SHOWN}$MIGRATE_BIN run --source redis://127.0.0.1:$LIVE_PORT --target ... --snapshot-only"
  echo "           (the same data in a standalone redis-server $(redis-server --version | cut -d' ' -f3), repl-diskless-sync-delay 0;"
  echo "            live-diskless: repl-diskless-sync yes, live-disk: no; a full sync each: fork, transfer, load)"
fi
echo "  CPU:     ours = user+sys of the whole migrate process (GNU time); primaries = INFO cpu used_cpu_{user,sys}"
echo "           summed over the $MASTERS primaries, before/after each load"
echo "  page cache: '$RDB' is read once before the runs (cat > /dev/null)"
echo "  after each load: keys and expires summed over the masters must be $KEYS / $WANT_EXPIRES; $SAMPLE sample keys"
echo "  are compared value by value (TYPE, value, PTTL)"
echo

cat "$RDB" >/dev/null    # page cache warm for ours, as for the ceiling files (just written)
declare -A T_PHASE
echo "per run (keys/s = $KEYS / wall seconds; ours includes JVM start):"
for i in $(seq 1 "$RUNS"); do
  for k in "${KINDS[@]}"; do
    log "run $i: $k ceiling ..."
    t=$(now); pipe_phase "$k" "$i"; T_PHASE[$k]+="$(since "$t") "
  done
  if [ "$HAVE_RUN" = 1 ]; then
    log "run $i: ours ..."
    t=$(now); ours_phase "$i"; T_PHASE[ours]+="$(since "$t") "
  fi
  for k in "${LIVE_KINDS[@]}"; do
    log "run $i: $k ..."
    t=$(now); ours_phase "$i" "$k"; T_PHASE[$k]+="$(since "$t") "
  done
done
echo

# ---------------------------------------------------------------- results
NAT_MED=$(median "${KPS[native]:-}")
echo "results (median of $RUNS runs; best = fastest; MB = 1e6 bytes):"
printf '  %-22s %8s %8s %12s %12s %10s %9s %9s %9s %8s\n' phase "s med" "s best" "keys/s med" "keys/s best" "vs native" \
  "CPU-s" "CPU/1M" "primary" "RSS MB"
row() {  # key label
  local k="$1" ratio="-" med
  [ -n "${KPS[$k]:-}" ] || { printf '  %-22s %s\n' "$2" "no successful run"; return; }
  med=$(median "${KPS[$k]}")
  [ "$k" != native ] && [ "$NAT_MED" != nan ] && ratio="$(calc "printf \"%.1f %%\", 100 * $med / $NAT_MED")"
  local cpu="-" per="-" rss="-"
  if [ -n "${TOOLCPU[$k]:-}" ]; then
    cpu=$(fmt "$(median "${TOOLCPU[$k]}")" 2)
    per=$(fmt "$(calc "print $(median "${TOOLCPU[$k]}") * 1e6 / $KEYS")" 2)
    rss=$(fmt "$(maxof "${HWMS[$k]}")")
  fi
  printf '  %-22s %8s %8s %12s %12s %10s %9s %9s %9s %8s\n' "$2" "$(fmt "$(median "${SECS[$k]}")" 2)" \
    "$(fmt "$(minof "${SECS[$k]}")" 2)" "$(fmt "$med" 0)" "$(fmt "$(maxof "${KPS[$k]}")" 0)" "$ratio" \
    "$cpu" "$per" "$(fmt "$(median "${TCPU[$k]:-}")" 2)" "$rss"
}
row native "ceiling: native cmds"
[ "$RESTORE" = 1 ] && row restore "ceiling: RESTORE"
[ "$HAVE_RUN" = 1 ] && row ours "ours: migrate run"
for k in "${LIVE_KINDS[@]}"; do row "$k" "ours: $k"; done
echo "  (CPU-s: ours, user+sys of the whole process, median; CPU/1M: per 1M keys; primary: CPU-s of the target's"
echo "   primaries during the load, median; RSS: peak VmHWM over the runs)"
if [ -n "${KPS[ours]:-}" ]; then
  for k in "${KINDS[@]}"; do
    [ -n "${KPS[$k]:-}" ] || continue
    printf '  ours / %-8s ceiling: %5.1f %% median/median, %5.1f %% best/best\n' "$k" \
      "$(calc "print 100 * $(median "${KPS[ours]}") / $(median "${KPS[$k]}")")" \
      "$(calc "print 100 * $(maxof "${KPS[ours]}") / $(maxof "${KPS[$k]}")")"
  done
fi
if [ "$HAVE_RUN" = 1 ]; then
  if [ -n "$JOPTS" ]; then JO_NOTE="JAVA_OPTS=\"$JOPTS\""; else JO_NOTE="JAVA_OPTS unset: the launcher's default"; fi
  echo "  JVM options: ${JVM_SEEN:-unknown}   (from the java command line; $JO_NOTE)"
fi
echo

RATIO=""; PEAK=""; CPU_PER=""
if [ -n "${KPS[ours]:-}" ] && [ "$NAT_MED" != nan ]; then
  RATIO=$(calc "printf \"%.1f\", 100 * $(median "${KPS[ours]}") / $NAT_MED")
  PEAK=$(maxof "${HWMS[*]}")
  CPU_PER=$(calc "printf \"%.2f\", $(median "${TOOLCPU[ours]}") * 1e6 / $KEYS")
fi
declare -A LIVE_RATIO
if [ -n "${SECS[ours]:-}" ]; then
  for k in "${LIVE_KINDS[@]}"; do
    [ -n "${SECS[$k]:-}" ] || continue
    LIVE_RATIO[$k]=$(calc "printf \"%.3f\", $(median "${SECS[$k]}") / ($(median "${SECS[ours]}") + $(median "${FORKS[$k]:-0}"))")
    printf '  %-13s %s s = %s x (file load %s s + source fork %s s); ratios per run:%s\n' "$k:" \
      "$(fmt "$(median "${SECS[$k]}")" 2)" "${LIVE_RATIO[$k]}" "$(fmt "$(median "${SECS[ours]}")" 2)" \
      "$(fmt "$(median "${FORKS[$k]:-0}")" 3)" \
      "$(paste -d' ' <(printf '%s\n' ${SECS[$k]}) <(printf '%s\n' ${SECS[ours]}) <(printf '%s\n' ${FORKS[$k]:-}) |
         awk '{ printf " %.2f", $1 / ($2 + $3) }')"
    printf '  %-13s the source (its forked child included) spent %s CPU-s in the sync, median, on the same cores\n' "" \
      "$(fmt "$(median "${SRCCPU[$k]:-}")" 2)"
    [ -z "${SAVES[$k]:-}" ] || printf '  %-13s the source'"'"'s BGSAVE took %s s (rdb_last_bgsave_time_sec, whole seconds): %s x (file load + BGSAVE)\n' "" \
      "$(printf '%s' "${SAVES[$k]}" | tr -s ' ' ',' | sed 's/,$//')" \
      "$(calc "printf \"%.3f\", $(median "${SECS[$k]}") / ($(median "${SECS[ours]}") + $(median "${SAVES[$k]}"))")"
  done
  echo
fi
MISSES=0
if [ "$HAVE_RUN" = 1 ]; then
  echo "goals (keys/s: median/median; RSS: max VmHWM over the runs):"
  goal "ours keys/s vs native ceiling" "$RATIO" ">=" "$RATIO_GOAL" "%"
  goal "ours CPU-s per 1M keys" "$CPU_PER" "<=" "$CPU_GOAL" "s"
  goal "ours peak RSS" "$PEAK" "<=" "$RSS_GOAL" "MB"
  for k in "${LIVE_KINDS[@]}"; do
    goal "$k / (file load + fork)" "${LIVE_RATIO[$k]:-}" "<=" "$LIVE_GOAL" "x"
  done
  echo
fi

{
  echo "time per phase (s, each run incl. FLUSHALL and checks): generate ${T_GEN:-reused}; cluster setup $T_CLUSTER;" \
       "ceiling files $T_SPLIT$(for k in "${KINDS[@]}" ours "${LIVE_KINDS[@]}"; do [ -n "${T_PHASE[$k]:-}" ] && printf '; %s %s' "$k" "${T_PHASE[$k]% }"; done)"
}
if [ ${#WARNINGS[@]} -eq 0 ] && [ "$ERRORS" -eq 0 ]; then
  echo "consistency: OK (every load: $KEYS keys / $WANT_EXPIRES expires on the masters, $SAMPLE sample keys equal)"
else
  for w in "${WARNINGS[@]}"; do echo "WARNING: $w"; done
  [ "$ERRORS" -eq 0 ] || echo "ERRORS: $ERRORS failed run(s); logs in $LOGDIR"
fi

python3 - "$RESULTS" <<PY
import json, sys
def num(s):
    try:
        return float(s) if s not in ("", "nan") else None
    except ValueError:
        return None
rec = {
    "time": "$TIME_START", "rev": "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)",
    "keys": $KEYS, "seed": $SEED, "rdb_bytes": $RDB_BYTES, "masters": $MASTERS, "replicas": $REPLICAS,
    "runs": $RUNS, "nproc": $(nproc), "load_start": "$LOAD_START", "load_end": "$(cut -d' ' -f1-3 /proc/loadavg)",
    "ceiling_native_kps": num("$NAT_MED"), "ceiling_native_s": num("$(median "${SECS[native]:-}")"),
    "ceiling_restore_kps": num("$(median "${KPS[restore]:-}")"), "ceiling_restore_s": num("$(median "${SECS[restore]:-}")"),
    "ours_kps": num("$(median "${KPS[ours]:-}")"), "ours_s": num("$(median "${SECS[ours]:-}")"),
    "ratio_pct": num("$RATIO"), "peak_rss_mb": num("$PEAK"),
    "ours_cpu_s": num("$(median "${TOOLCPU[ours]:-}")"), "ours_cpu_s_per_1m_keys": num("$CPU_PER"),
    "primaries_cpu_s_ours": num("$(median "${TCPU[ours]:-}")"), "primaries_cpu_s_native": num("$(median "${TCPU[native]:-}")"),
    "live": {k: {"s": num(s), "ratio": num(r), "fork_s": num(f)} for k, s, r, f in [$(for k in "${LIVE_KINDS[@]}"; do
        printf '("%s", "%s", "%s", "%s"),' "$k" "$(median "${SECS[$k]:-}")" "${LIVE_RATIO[$k]:-}" "$(median "${FORKS[$k]:-}")"; done)]},
    "java_opts": $(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$JVM_SEEN"),
    "ours_run": $([ "$HAVE_RUN" = 1 ] && echo True || echo False), "errors": $ERRORS,
}
with open(sys.argv[1], "a") as f:
    f.write(json.dumps(rec) + "\n")
PY
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg); total time $(since "$T_BEGIN") s"
echo "logs: $LOGDIR   report: $REPORT   results line appended to: $RESULTS"

[ "$ERRORS" -eq 0 ] || exit 1
[ "$STRICT" != "1" ] || [ "$MISSES" -eq 0 ] || exit 1
exit 0
