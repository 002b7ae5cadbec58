#!/usr/bin/env bash
# rdb-parse.sh [RDB_FILE]
#
# Side-by-side RDB parsing benchmark on one file:
#   - our parser, raw mode:     JAVA_OPTS="-Xmx256m" ./migrate rdb scan FILE --mode raw
#   - our parser, decoded mode: JAVA_OPTS="-Xmx256m" ./migrate rdb scan FILE --mode decoded
#   - redis-check-rdb FILE      (wall time)
# Each is run RUNS times (default 3, interleaved) after one warm-up read of the
# file (`cat FILE > /dev/null`); best and median are reported, plus goals.
# See bench/README.md.
#
#   RDB_FILE   default: bench/out/bench.rdb, created/reused by bench/gen-rdb.sh
#
# Environment:
#   MIGRATE_BIN  launcher to benchmark (default ./migrate, relative to repo root)
#   RUNS         runs per tool (default 3)
#   XMX          heap limit for our parser (default 256m)
#   STRICT=1     exit 1 if a goal is missed (otherwise only on errors)
set -euo pipefail

ORIG_PWD="$PWD"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"

MIGRATE_BIN="${MIGRATE_BIN:-./migrate}"
RUNS="${RUNS:-3}"
XMX="${XMX:-256m}"
STRICT="${STRICT:-0}"
RAW_GOAL=400        # MB/s
DECODED_GOAL=150    # MB/s
HEAP_GOAL=256       # MB

die() { echo "rdb-parse: ERROR: $*" >&2; exit 1; }
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"
command -v redis-check-rdb >/dev/null 2>&1 || die "redis-check-rdb not found in PATH"

# ---------------------------------------------------------------- the file
if [ $# -ge 1 ]; then
  case "$1" in /*) ABS="$1";; *) ABS="$ORIG_PWD/$1";; esac
  [ -f "$ABS" ] || die "no such file: $1"
else
  ABS="$ROOT/bench/out/bench.rdb"
  "$SCRIPT_DIR/gen-rdb.sh" "$ABS"
  echo
fi
ABS="$(cd "$(dirname "$ABS")" && pwd)/$(basename "$ABS")"
# show/pass the path relative to the repo root when it is inside it
case "$ABS" in "$ROOT"/*) FILE="${ABS#"$ROOT"/}";; *) FILE="$ABS";; esac
BYTES=$(stat -c %s "$ABS")

# ---------------------------------------------------------------- the launcher
case "$MIGRATE_BIN" in
  */*) [ -x "$MIGRATE_BIN" ] || die "launcher '$MIGRATE_BIN' not found or not executable (set MIGRATE_BIN)";;
  *) command -v "$MIGRATE_BIN" >/dev/null 2>&1 || die "launcher '$MIGRATE_BIN' not found (set MIGRATE_BIN)";;
esac

LOGDIR="$ROOT/bench/out/rdb-parse-logs"
mkdir -p "$LOGDIR"
rm -f "$LOGDIR"/*.out "$LOGDIR"/*.err "$LOGDIR"/*.time 2>/dev/null || true
REPORT="$ROOT/bench/out/rdb-parse-$(date +%Y%m%d-%H%M%S).txt"

TIMEBIN=""
[ -x /usr/bin/time ] && TIMEBIN=/usr/bin/time   # GNU time: max RSS

# now, calc, json_get, median/maxof/minof, fmt, machine_lines: bench/lib/common.sh (sourced above)

CMD_RAW="JAVA_OPTS=\"-Xmx$XMX\" $MIGRATE_BIN rdb scan $FILE --mode raw"
CMD_DEC="JAVA_OPTS=\"-Xmx$XMX\" $MIGRATE_BIN rdb scan $FILE --mode decoded"
CMD_CHK="redis-check-rdb $FILE"

declare -A MBPS SECS HEAP WALL RSS KEYS
ERRORS=0
WARNINGS=()

# run CMD..., logging to $LOGDIR/$tag.{out,err,time}; sets RUN_WALL, RUN_RSS, RUN_RC
timed() {
  local tag="$1"; shift
  local t1 t2
  RUN_RSS=""
  t1=$(now)
  set +e
  if [ -n "$TIMEBIN" ]; then
    "$TIMEBIN" -o "$LOGDIR/$tag.time" -f '%M' "$@" >"$LOGDIR/$tag.out" 2>"$LOGDIR/$tag.err"
  else
    "$@" >"$LOGDIR/$tag.out" 2>"$LOGDIR/$tag.err"
  fi
  RUN_RC=$?
  set -e
  t2=$(now)
  RUN_WALL=$(calc "printf \"%.3f\", $t2 - $t1")
  if [ -n "$TIMEBIN" ] && [ -s "$LOGDIR/$tag.time" ]; then
    RUN_RSS=$(tail -1 "$LOGDIR/$tag.time" | awk '/^[0-9]+$/ { printf "%.1f", $1 / 1024 }')
  fi
}

run_ours() {  # mode run
  local mode="$1" i="$2" tag="$1.$2" json secs mbps heap keys bytes csum
  JAVA_OPTS="-Xmx$XMX" timed "$tag" "$MIGRATE_BIN" rdb scan "$FILE" --mode "$mode"
  json=$(grep -E '^[[:space:]]*\{' "$LOGDIR/$tag.out" | tail -1 || true)
  if [ "$RUN_RC" -ne 0 ] || [ -z "$json" ]; then
    ERRORS=$((ERRORS + 1))
    printf '  %-16s run %d: FAILED (exit %s%s), see %s\n' "$mode" "$i" "$RUN_RC" \
      "$([ -z "$json" ] && echo ', no JSON line on stdout')" "$LOGDIR/$tag.{out,err}"
    tail -5 "$LOGDIR/$tag.err" | sed 's/^/      | /'
    return 0
  fi
  secs=$(json_get "$json" seconds); mbps=$(json_get "$json" mb_per_s)
  heap=$(json_get "$json" peak_heap_mb); keys=$(json_get "$json" keys)
  bytes=$(json_get "$json" bytes); csum=$(json_get "$json" checksum)
  if [ -z "$mbps" ] && [ -n "$secs" ] && [ -n "$bytes" ]; then
    mbps=$(calc "printf \"%.1f\", $bytes / 1e6 / $secs")
  fi
  if [ -z "$secs" ] || [ -z "$mbps" ]; then
    ERRORS=$((ERRORS + 1))
    echo "  $mode run $i: FAILED: cannot read seconds/mb_per_s from: $json"
    return 0
  fi
  MBPS[$mode]+="$mbps "; SECS[$mode]+="$secs "; WALL[$mode]+="$RUN_WALL "
  [ -n "$heap" ] && HEAP[$mode]+="$heap "
  [ -n "$RUN_RSS" ] && RSS[$mode]+="$RUN_RSS "
  [ -n "$keys" ] && KEYS[$mode]+="$keys "
  [ -n "$bytes" ] && [ "$bytes" != "$BYTES" ] && WARNINGS+=("$mode run $i: bytes=$bytes but file has $BYTES bytes")
  case "${csum:-}" in
    ok|valid|OK|VALID) ;;
    *) WARNINGS+=("$mode run $i: checksum=${csum:-missing} (expected ok/valid)");;
  esac
  printf '  %-16s run %d: %8s s %9s MB/s  heap %7s MB  wall %7s s  rss %7s MB  keys %s  checksum %s\n' \
    "$mode" "$i" "$(fmt "$secs" 3)" "$(fmt "$mbps")" "$(fmt "$heap")" "$(fmt "$RUN_WALL" 3)" \
    "$(fmt "$RUN_RSS")" "${keys:--}" "${csum:--}"
}

run_check() {  # run
  local i="$1" tag="check-rdb.$1" keys mbps
  timed "$tag" redis-check-rdb "$FILE"
  if [ "$RUN_RC" -ne 0 ] || ! grep -q 'RDB looks OK' "$LOGDIR/$tag.out" "$LOGDIR/$tag.err"; then
    ERRORS=$((ERRORS + 1))
    echo "  redis-check-rdb  run $i: FAILED (exit $RUN_RC), see $LOGDIR/$tag.out"
    tail -5 "$LOGDIR/$tag.out" | sed 's/^/      | /'
    return 0
  fi
  keys=$(cat "$LOGDIR/$tag.out" "$LOGDIR/$tag.err" | sed -n 's/.*\[info\] \([0-9]*\) keys read.*/\1/p' | head -1)
  mbps=$(calc "printf \"%.1f\", $BYTES / 1e6 / $RUN_WALL")
  MBPS[check]+="$mbps "; SECS[check]+="$RUN_WALL "; WALL[check]+="$RUN_WALL "
  [ -n "$RUN_RSS" ] && RSS[check]+="$RUN_RSS "
  [ -n "$keys" ] && KEYS[check]+="$keys "
  printf '  %-16s run %d: %8s s %9s MB/s  %-16s %-14s  rss %7s MB  keys %s\n' \
    "redis-check-rdb" "$i" "$(fmt "$RUN_WALL" 3)" "$(fmt "$mbps")" "" "" "$(fmt "$RUN_RSS")" "${keys:--}"
}

# ---------------------------------------------------------------- header
{
echo "== RDB parse benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)  (repo: $ROOT, rev $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none))"
echo "file:     $FILE  ($BYTES bytes = $(fmt "$(calc "print $BYTES / 1e6")") MB = $(fmt "$(calc "print $BYTES / 1048576")") MiB)"
machine_lines
echo "commands (each run $RUNS times, interleaved, after warm-up 'cat $FILE > /dev/null', cwd $ROOT):"
echo "  $CMD_RAW"
echo "  $CMD_DEC"
echo "  $CMD_CHK"
echo

cat "$ABS" > /dev/null
echo "per run (ours: seconds/MB/s/heap from the JSON line; wall = whole process incl. JVM start):"
for i in $(seq 1 "$RUNS"); do
  run_ours raw "$i"
  run_ours decoded "$i"
  run_check "$i"
done
echo

# ---------------------------------------------------------------- results
CHK_MED=$(median "${MBPS[check]:-}")
CHK_BEST=$(maxof "${MBPS[check]:-}")
printf 'results (MB = 1e6 bytes; best = fastest of %d runs, med = median; heap/RSS = max over runs;\n' "$RUNS"
printf '         vs check-rdb = our MB/s / redis-check-rdb MB/s, median/median and best/best):\n'
printf '  %-16s %9s %9s %8s %8s %9s %9s %8s %15s\n' mode "MB/s best" "MB/s med" "s best" "s med" "wall med" "heap MB" "RSS MB" "vs check-rdb"
row() {  # label key
  local m="$2" med best ratio="-"
  [ -n "${MBPS[$m]:-}" ] || { printf '  %-16s %9s\n' "$1" "no successful run"; return; }
  med=$(median "${MBPS[$m]}"); best=$(maxof "${MBPS[$m]}")
  if [ "$m" != check ] && [ -n "${MBPS[check]:-}" ]; then
    ratio="$(calc "printf \"%.2fx/%.2fx\", $med / $CHK_MED, $best / $CHK_BEST")"
  fi
  printf '  %-16s %9s %9s %8s %8s %9s %9s %8s %15s\n' "$1" "$(fmt "$best")" "$(fmt "$med")" \
    "$(fmt "$(minof "${SECS[$m]}")" 2)" "$(fmt "$(median "${SECS[$m]}")" 2)" "$(fmt "$(median "${WALL[$m]}")" 2)" \
    "$(fmt "$(maxof "${HEAP[$m]:-}")")" "$(fmt "$(maxof "${RSS[$m]:-}")")" "$ratio"
}
row raw raw
row decoded decoded
row redis-check-rdb check
echo

# ---------------------------------------------------------------- goals
MISSES=0
GOAL_WIDTH=34
echo "goals (throughput judged on the median run, heap on the max over all runs):"
goal "raw throughput" "$(median "${MBPS[raw]:-}")" ">=" "$RAW_GOAL" "MB/s"
goal "decoded throughput" "$(median "${MBPS[decoded]:-}")" ">=" "$DECODED_GOAL" "MB/s"
HEAP_ALL="${HEAP[raw]:-} ${HEAP[decoded]:-}"
if [ -n "${HEAP_ALL// /}" ]; then
  goal "peak heap (raw+decoded)" "$(maxof "$HEAP_ALL")" "<=" "$HEAP_GOAL" "MB"
else
  goal "peak heap (raw+decoded)" "" "<=" "$HEAP_GOAL" "MB"
fi

# ---------------------------------------------------------------- consistency
KEYSETS=$(for m in raw decoded check; do printf '%s\n' ${KEYS[$m]:-}; done | sort -u | grep -c . || true)
if [ "$KEYSETS" -gt 1 ]; then
  WARNINGS+=("key counts differ: raw=[${KEYS[raw]:-}] decoded=[${KEYS[decoded]:-}] redis-check-rdb=[${KEYS[check]:-}]")
fi
echo
if [ ${#WARNINGS[@]} -eq 0 ] && [ "$ERRORS" -eq 0 ]; then
  echo "consistency: OK (key counts agree: $(printf '%s\n' ${KEYS[check]:-${KEYS[raw]:-}} | head -1); bytes match file size; checksums ok/valid)"
else
  for w in "${WARNINGS[@]}"; do echo "WARNING: $w"; done
  [ "$ERRORS" -eq 0 ] || echo "ERRORS: $ERRORS failed run(s); logs in $LOGDIR"
fi
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "logs: $LOGDIR   report: $REPORT"
echo "$ERRORS $MISSES" > "$LOGDIR/status"
} 2>&1 | tee "$REPORT"

read -r ERRORS MISSES < "$LOGDIR/status"
[ "$ERRORS" -eq 0 ] || exit 1
[ "$STRICT" != "1" ] || [ "$MISSES" -eq 0 ] || exit 1
exit 0
