# shellcheck shell=bash
# bench/lib/common.sh: helpers shared by the bench scripts.
#
#   source "$SCRIPT_DIR/lib/common.sh"
#
# Defines functions (and the COMPOSITION_LUA text) only: no traps, no `set` options, no output. Set LOG_TAG before
# (or after) sourcing to name the script in log lines.
#
#   log MSG / die MSG          "[TAG HH:MM:SS] MSG" on stderr; die exits 1
#   need_tools TOOL...         die unless every TOOL is in PATH
#   need_launcher BIN ERRFILE  die unless BIN (a path, or a command in PATH) runs `BIN --version`
#                              (its stderr in ERRFILE, shown on failure)
#   now / now_ms / calc EXPR   epoch seconds (ns precision) / ms; awk BEGIN { EXPR }
#   since T0                   seconds since T0 (a `now` value), 1 decimal
#   ncli PORT CMD..            redis-cli -h 127.0.0.1 -p PORT CMD..
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
#   redis_start_free DIR [ARGS..]
#                              redis_start on a free port, up to 20 ports (a port taken between the
#                              check and the bind); sets REDIS_PORT and REDIS_PID. Dies on failure,
#                              with the end of DIR/redis.log.
#   redis_stop PORT PID        SHUTDOWN NOSAVE, wait up to 10 s, then stop_pid
#   gen_server_start DIR       a standalone redis-server on a free port in DIR for writing an RDB
#                              (dump.rdb, no save points, no AOF, compression and checksum on);
#                              sets GEN_PORT and GEN_PID (declare them first, for a cleanup trap
#                              to redis_stop). Dies on failure.
#   gen_server_save DIR RDB    SAVE on it, stop it (GEN_PID=""), move DIR/dump.rdb to RDB
#   cluster_start DIR MASTERS REPLICAS CREATE_LOG
#                              a Redis Cluster on free 127.0.0.1 ports: MASTERS * (1 + REPLICAS)
#                              redis-servers (DIR/node-PORT; --cluster-enabled yes --appendonly no
#                              --save ""), `redis-cli --cluster create --cluster-replicas REPLICAS`
#                              (output in CREATE_LOG), then up to 60 s each for cluster_state:ok,
#                              all slots ok and all nodes known on every node, and for REPLICAS
#                              online replicas on every master. Appends to NODE_PORTS / NODE_PIDS
#                              as the nodes start (declare them first, so that a cleanup trap can
#                              cluster_stop them); sets MASTER_PORTS (in slot order), REPLICA_PORTS
#                              and T_CLUSTER (seconds). Dies on failure.
#   cluster_stop DIR LOGDIR    redis_stop every node of NODE_PORTS / NODE_PIDS, then copy each
#                              DIR/node-PORT/redis.log to LOGDIR/node-PORT.log
#   source_cluster_cleanup     the EXIT trap of a script with a `migrate` process (MIG_PID), a cluster
#                              (cluster_stop "$WORK" "$OUT") and one source (SRC_PORT/SRC_PID) in
#                              WORK; KEEP=1 leaves the servers running
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
#   bg_wait OUT ERR CMD..      CMD in the background (so INT/TERM traps fire at once), stdout to OUT,
#                              stderr to ERR ("-": to OUT too); sets CUR_PID while it runs (for a
#                              cleanup trap to stop_pid); returns its exit status
#   info_param NAME            the value of NAME=... on the "params:" line of $INFO_FILE (a dataset's
#                              .info file), empty when absent
#   goal LABEL VALUE OP TARGET UNIT
#                              one "goals" line: PASS when VALUE OP TARGET (awk), else MISS (also
#                              when VALUE is empty or nan) and MISSES+1. Label column width
#                              GOAL_WIDTH (default 46)
#   COMPOSITION_LUA            a Lua script for EVAL ... 0: one "type/encoding keys elems" line per
#                              type and encoding of the selected database (elems: collection
#                              elements, string bytes, stream entries)
#   cpu_s PID...               CPU-seconds (user+sys, /proc/PID/stat) the processes used so far, summed

: "${LOG_TAG:=bench}"

log() { printf '[%s %s] %s\n' "$LOG_TAG" "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
need_tools() {
  local t
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || die "'$t' not found in PATH"; done
}

need_launcher() {
  case "$1" in
    */*) [ -x "$1" ] || die "launcher '$1' not found or not executable (set MIGRATE_BIN)";;
    *) command -v "$1" >/dev/null 2>&1 || die "launcher '$1' not found (set MIGRATE_BIN)";;
  esac
  "$1" --version >/dev/null 2>"$2" || { cat "$2" >&2; die "$1 --version failed"; }
}

now()    { date +%s.%N; }
now_ms() { date +%s%3N; }
calc()   { awk "BEGIN { $1 }"; }
since()  { calc "printf \"%.1f\", $(now) - $1"; }
ncli()   { redis-cli -h 127.0.0.1 -p "$@"; }
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

redis_start_free() {
  local dir="$1" attempt
  shift
  for attempt in $(seq 1 20); do
    REDIS_PORT=$(free_port) || die "no free port"
    redis_start "$dir" "$REDIS_PORT" "$@" && return 0
  done
  [ ! -f "$dir/redis.log" ] || tail -5 "$dir/redis.log" >&2
  die "could not start redis-server"
}

gen_server_start() {
  redis_start_free "$1" --dbfilename dump.rdb --save "" --appendonly no --rdbcompression yes --rdbchecksum yes
  GEN_PORT=$REDIS_PORT
  GEN_PID=$REDIS_PID
}

gen_server_save() {
  log "SAVE ..."
  [ "$(ncli "$GEN_PORT" SAVE)" = OK ] || die "SAVE failed"
  redis_stop "$GEN_PORT" "$GEN_PID"; GEN_PID=""
  mv -f "$1/dump.rdb" "$2"
}

cluster_ok() {  # all nodes: state ok, all slots ok, all nodes known
  local p ci
  for p in "${NODE_PORTS[@]}"; do
    ci=$(ncli "$p" CLUSTER INFO 2>/dev/null | tr -d '\r') || return 1
    grep -q '^cluster_state:ok' <<<"$ci" && grep -q '^cluster_slots_ok:16384' <<<"$ci" &&
      grep -q "^cluster_known_nodes:${#NODE_PORTS[@]}\$" <<<"$ci" || return 1
  done
}

replicas_online() {  # REPLICAS: every master has that many replicas with state=online
  local p
  [ "$1" -gt 0 ] || return 0
  for p in "${MASTER_PORTS[@]}"; do
    [ "$(ncli "$p" INFO replication | tr -d '\r' | grep -c '^slave[0-9]*:.*state=online')" -ge "$1" ] || return 1
  done
}

cluster_start() {
  local dir="$1" masters="$2" replicas="$3" create_log="$4" n j p attempt t0 addrs=()
  n=$((masters * (1 + replicas)))
  t0=$(now)
  for j in $(seq 1 "$n"); do
    for attempt in $(seq 1 10); do
      p=$(free_port 1) || die "no free port"
      mkdir -p "$dir/node-$p"
      if redis_start "$dir/node-$p" "$p" --cluster-enabled yes --cluster-config-file nodes.conf \
           --cluster-node-timeout 5000 --appendonly no --save "" --dbfilename dump.rdb; then
        NODE_PORTS+=("$p"); NODE_PIDS+=("$REDIS_PID"); addrs+=("127.0.0.1:$p")
        break
      fi
      rm -rf "$dir/node-$p"
      [ "$attempt" -lt 10 ] || die "could not start cluster node $j"
    done
  done
  log "cluster: $n nodes on ports ${NODE_PORTS[*]}; redis-cli --cluster create ... --cluster-replicas $replicas"
  if ! redis-cli --cluster create "${addrs[@]}" --cluster-replicas "$replicas" --cluster-yes \
       >"$create_log" 2>&1; then
    tail -20 "$create_log" >&2; die "redis-cli --cluster create failed"
  fi
  for j in $(seq 1 600); do cluster_ok && break; sleep 0.1; done
  cluster_ok || die "cluster_state not ok on all nodes after 60 s (see $create_log)"
  # the masters in the order of their lowest slot (CLUSTER NODES: id addr flags master ... slots)
  mapfile -t MASTER_PORTS < <(ncli "${NODE_PORTS[0]}" CLUSTER NODES | tr -d '\r' |
    awk '$3 ~ /master/ && NF >= 9 { split($9, r, "-"); a = $2; sub(/@.*/, "", a); sub(/.*:/, "", a); print r[1] + 0, a }' |
    sort -n | awk '{ print $2 }')
  [ "${#MASTER_PORTS[@]}" = "$masters" ] || die "CLUSTER NODES names ${#MASTER_PORTS[@]} masters, expected $masters"
  REPLICA_PORTS=()
  for p in "${NODE_PORTS[@]}"; do
    [[ " ${MASTER_PORTS[*]} " == *" $p "* ]] || REPLICA_PORTS+=("$p")
  done
  for j in $(seq 1 600); do replicas_online "$replicas" && break; sleep 0.1; done
  replicas_online "$replicas" || die "replicas not online after 60 s"
  T_CLUSTER=$(since "$t0")
  log "cluster_state:ok in $T_CLUSTER s; masters ${MASTER_PORTS[*]}${REPLICA_PORTS:+; replicas ${REPLICA_PORTS[*]}}"
}

cluster_stop() {
  local dir="$1" logdir="$2" j p
  for j in "${!NODE_PIDS[@]}"; do redis_stop "${NODE_PORTS[$j]}" "${NODE_PIDS[$j]}"; done
  for p in "${NODE_PORTS[@]}"; do
    [ ! -f "$dir/node-$p/redis.log" ] || cp -f "$dir/node-$p/redis.log" "$logdir/node-$p.log"
  done
}

source_cluster_cleanup() {  # EXIT trap: a migrate process, a cluster and one source in $WORK
  [ -z "${MIG_PID:-}" ] || stop_tree "$MIG_PID"
  if [ "${KEEP:-0}" != 1 ]; then
    cluster_stop "$WORK" "$OUT"
    [ -z "${SRC_PID:-}" ] || redis_stop "$SRC_PORT" "$SRC_PID"
    rm -rf "$WORK"
  else
    log "KEEP=1: source on $SRC_PORT, cluster on ${NODE_PORTS[*]}"
  fi
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

# The redirections are on the background command, never on a function call: bash would keep a
# saved copy of a report pipe open while a trap runs, and `tee` would never see EOF.
bg_wait() {
  local out="$1" err="$2" rc=0
  shift 2
  if [ "$err" = - ]; then "$@" >"$out" 2>&1 & else "$@" >"$out" 2>"$err" & fi
  CUR_PID=$!
  wait "$CUR_PID" || rc=$?
  CUR_PID=""
  return "$rc"
}

info_param() { sed -n "s/^params: .*\b$1=\([0-9-]*\).*/\1/p" "$INFO_FILE" 2>/dev/null | head -1; }

goal() {  # label value op target unit
  local verdict
  if [ -z "$2" ] || [ "$2" = "nan" ]; then verdict="MISS (no data)"
  elif calc "exit !($2 $3 $4)"; then verdict=PASS
  else verdict=MISS; fi
  [ "$verdict" = PASS ] || MISSES=$((${MISSES:-0} + 1))
  printf "  %-${GOAL_WIDTH:-46}s %10s %-5s  %s\n" "$1 $3 $4 $5" "$(fmt "$2")" "$5" "$verdict"
}

# shellcheck disable=SC2034  # used by the scripts that source this file
IFS= read -r -d '' COMPOSITION_LUA <<'LUA' || true
local cursor = "0"
local keys, elems = {}, {}
local lenf = { string = "STRLEN", hash = "HLEN", list = "LLEN", set = "SCARD", zset = "ZCARD", stream = "XLEN" }
repeat
  local r = redis.call("SCAN", cursor, "COUNT", 1000)
  cursor = r[1]
  for _, k in ipairs(r[2]) do
    local t = redis.call("TYPE", k)["ok"]
    local id = t .. "/" .. redis.call("OBJECT", "ENCODING", k)
    keys[id] = (keys[id] or 0) + 1
    local f = lenf[t]
    if f then elems[id] = (elems[id] or 0) + redis.call(f, k) end
  end
until cursor == "0"
local res = {}
for id, n in pairs(keys) do table.insert(res, id .. " " .. n .. " " .. (elems[id] or 0)) end
return res
LUA
cpu_s() {
  local p tck
  tck=$(getconf CLK_TCK)
  for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null || true; done |
    awk -v t="$tck" '{ sub(/^.*\) /, ""); s += $12 + $13 } END { printf "%.2f\n", s / t }'
}
