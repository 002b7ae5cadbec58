# shellcheck shell=bash
# bench/lib/common.sh: helpers shared by the bench scripts.
#
#   source "$SCRIPT_DIR/lib/common.sh"
#
# Defines functions only: no traps, no `set` options, no output. Set LOG_TAG before
# (or after) sourcing to name the script in log lines.
#
#   log MSG / die MSG          "[TAG HH:MM:SS] MSG" on stderr; die exits 1
#   need_tools TOOL...         die unless every TOOL is in PATH
#   now / now_ms / calc EXPR   epoch seconds (ns precision) / ms; awk BEGIN { EXPR }
#   fsize FILE                 size in bytes
#   json_get JSON KEY          string or number value of KEY in a flat JSON object
#   median|maxof|minof "N N.." statistics over a space separated list ("nan" if empty)
#   fmt VALUE [DECIMALS]       VALUE with DECIMALS (default 1) digits, "-" if empty/nan
#   port_in_use PORT           true if something listens on 127.0.0.1:PORT
#   free_port [BUS]            a free 127.0.0.1 port in 20000-54999 (BUS=1: PORT+10000 free too,
#                              for the cluster bus)
#   stop_pid PID               TERM, up to 5 s, then KILL; only for processes the caller started
#   stop_tree PID              the same for PID and all its descendants at once
#   redis_start DIR PORT [ARGS..]
#                              redis-server on 127.0.0.1:PORT in DIR (log DIR/redis.log,
#                              --daemonize no, backgrounded); sets REDIS_PID; waits for PONG
#                              (a loading server answers -LOADING; up to REDIS_START_TIMEOUT s,
#                              default 900). Returns 1, with the server stopped, if it fails.
#   redis_stop PORT PID        SHUTDOWN NOSAVE, wait up to 10 s, then stop_pid
#   proc_tree PID              PID and its descendants, one a line
#   wait_peak_rss PID [LIMIT_S]
#                              waits for PID (a child of this shell) to exit while polling
#                              /proc/P/status of PID and its descendants every 0.1 s; sets WAIT_RC
#                              (exit status; 124 if the tree was killed after LIMIT_S seconds),
#                              PEAK_HWM_KB (the largest VmHWM in the tree, last value read before
#                              the exit), PEAK_PROC and PEAK_CMDLINE (that process' name and
#                              command line) and PEAK_RSS_KB (the largest VmRSS sum over the
#                              tree seen)
#   machine_lines              "machine:", "load:", "java:", "redis:" header lines

: "${LOG_TAG:=bench}"

log() { printf '[%s %s] %s\n' "$LOG_TAG" "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
need_tools() {
  local t
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || die "'$t' not found in PATH"; done
}

now()    { date +%s.%N; }
now_ms() { date +%s%3N; }
calc()   { awk "BEGIN { $1 }"; }
fsize()  { stat -c %s "$1"; }
json_get() {  # flat JSON: string or number value of key $2
  printf '%s\n' "$1" | sed -n "s/.*\"$2\"[[:space:]]*:[[:space:]]*\"\{0,1\}\([^\",}]*\).*/\1/p" | head -1
}
# shellcheck disable=SC2086  # $1 is a list on purpose
median() { printf '%s\n' $1 | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "nan"; exit } if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# shellcheck disable=SC2086
maxof()  { printf '%s\n' $1 | sort -g | tail -1; }
# shellcheck disable=SC2086
minof()  { printf '%s\n' $1 | sort -g | head -1; }
fmt()    { if [ -z "$1" ] || [ "$1" = "nan" ]; then printf '%s' "-"; else awk -v v="$1" -v p="${2:-1}" 'BEGIN { printf "%.*f", p, v }'; fi; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local bus="${1:-0}" p _
  for _ in $(seq 1 200); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 35000))
    port_in_use "$p" && continue
    if [ "$bus" = 1 ]; then port_in_use $((p + 10000)) && continue; fi
    echo "$p"
    return 0
  done
  return 1
}

stop_pid() {
  local p="$1" _
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null || return 0
  kill "$p" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}

redis_start() {
  local dir="$1" port="$2" t0
  shift 2
  REDIS_PID=""
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize no \
    --logfile "$dir/redis.log" "$@" &
  REDIS_PID=$!
  t0=$(date +%s)
  while kill -0 "$REDIS_PID" 2>/dev/null && [ $(( $(date +%s) - t0 )) -lt "${REDIS_START_TIMEOUT:-900}" ]; do
    [ "$(redis-cli -h 127.0.0.1 -p "$port" PING 2>/dev/null)" = "PONG" ] && return 0
    sleep 0.1
  done
  stop_pid "$REDIS_PID"
  REDIS_PID=""
  return 1
}

redis_stop() {
  local port="$1" pid="$2" _
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  redis-cli -h 127.0.0.1 -p "$port" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  stop_pid "$pid"
}

proc_tree() {  # PID and all its descendants
  local todo=("$1") p c
  while [ ${#todo[@]} -gt 0 ]; do
    p=${todo[0]}; todo=("${todo[@]:1}")
    echo "$p"
    for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do todo+=("$c"); done
  done
}

stop_tree() {  # PID and its descendants: TERM all, up to 5 s, then KILL
  local pids p _
  pids=$(proc_tree "$1")
  # shellcheck disable=SC2086
  kill $pids 2>/dev/null || true
  for _ in $(seq 1 50); do
    for p in $pids; do kill -0 "$p" 2>/dev/null && break; p=""; done
    [ -z "$p" ] && break
    sleep 0.1
  done
  # shellcheck disable=SC2086
  [ -z "$p" ] || kill -9 $pids 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

wait_peak_rss() {
  local pid="$1" limit="${2:-0}" t0 h r n p hp peak_pid=""
  PEAK_HWM_KB=0; PEAK_RSS_KB=0; PEAK_PROC=""; PEAK_CMDLINE=""; WAIT_RC=0
  t0=$(date +%s)
  while kill -0 "$pid" 2>/dev/null; do
    # VmHWM: the largest in the tree (the JVM when the launcher execs or forks java);
    # VmRSS: summed over the tree. A zombie has neither line: the last values read are kept.
    read -r h r n hp < <(for p in $(proc_tree "$pid"); do cat "/proc/$p/status" 2>/dev/null; done |
      awk '/^Name:/ { name = $2 } /^Pid:/ { id = $2 } /^VmHWM:/ && $2 > h { h = $2; hn = name; hp = id }
           /^VmRSS:/ { r += $2 } END { print h + 0, r + 0, (hn == "" ? "-" : hn), hp + 0 }')
    if [ "$h" -gt "$PEAK_HWM_KB" ]; then
      PEAK_HWM_KB=$h; PEAK_PROC=$n
      if [ "$hp" != "$peak_pid" ]; then
        peak_pid=$hp
        PEAK_CMDLINE=$(tr '\0' ' ' <"/proc/$hp/cmdline" 2>/dev/null || true)
      fi
    fi
    [ "$r" -gt "$PEAK_RSS_KB" ] && PEAK_RSS_KB=$r
    if [ "$limit" -gt 0 ] && [ $(( $(date +%s) - t0 )) -ge "$limit" ]; then
      stop_tree "$pid"
      WAIT_RC=124
      return 0
    fi
    sleep 0.1
  done
  wait "$pid" || WAIT_RC=$?
}

machine_lines() {
  local cpu mem
  cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -1)
  mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
  echo "machine:  nproc=$(nproc), CPU: ${cpu:-unknown}, RAM: $mem, $(uname -sr)"
  echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min load average at start; other work on the box skews results)"
  echo "java:     $( (java -version 2>&1 || echo 'java not found') | paste -sd'|' | sed 's/|/ | /g')"
  echo "redis:    $(redis-server --version 2>/dev/null || echo 'redis-server not found')"
}
