#!/usr/bin/env bash
# Self-contained demo of slotferry's main job, on throwaway servers on free loopback ports:
#   1. a redis-server (the source) gets sample data of every type (strings, lists, sets, sorted sets,
#      hashes, streams with a consumer group, TTLs, two databases) and SAVEs it;
#   2. `migrate rdb inspect` and `migrate rdb dump` read that RDB file;
#   3. a 3-master Redis Cluster (the target) starts, with a least-privilege ACL user `slotferry`
#      (the rule set of docs/testing.md, "The migrator's ACL user");
#   4. `migrate run` loads the RDB file into the cluster as that user, its password passed in
#      MIGRATE_TARGET_PASSWORD (never on the command line);
#   5. proof: keys per master, the total against the source's db 0, sample keys read back with TTLs.
# Everything lives in one temporary directory; the servers are stopped and the directory deleted on exit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/install-deps.sh"

# The same rule set as RedisClusterFixture.ACL_RULES (docs/testing.md explains each rule).
readonly ACL_RULES='~* resetchannels -@all +@read +@write +@transaction -@dangerous -@scripting +eval +evalsha +eval_ro +evalsha_ro +fcall +fcall_ro +function|load +function|delete +function|restore +restore +sort +info +ping +auth +hello +select +quit +readonly +readwrite +asking +wait +client|setname +cluster|slots +cluster|shards +cluster|nodes +cluster|info'
readonly MASTERS=3

# mktemp -d makes the directory 0700: the node configs in it hold the passwords.
work="$(mktemp -d -t slotferry-demo.XXXXXX)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Secrets: the default user's (admin: creating the cluster, reading the proof) and the migrator's.
admin_password="$(openssl rand -hex 24)"
migrator_password="$(openssl rand -hex 24)"

# True when something accepts connections on 127.0.0.1:PORT.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints a random port that is free together with its cluster bus port (port + 10000). Both stay
# below 32768, outside the kernel's ephemeral range, so outgoing connections cannot take them.
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((RANDOM % 10000 + 12000))
    if ! listening "$port" && ! listening $((port + 10000)); then
      echo "$port"
      return 0
    fi
  done
  echo "demo: no free loopback port found" >&2
  return 1
}

# start_redis NAME [CONFIG LINE]...: starts redis-server in $work/NAME on a free port with these
# extra config lines and waits until it answers PING. Sets $port. Another process may take the port
# between our check and the server's bind, so a server that dies at start-up is retried on another.
start_redis() {
  local name="$1" dir="$work/$1" pid attempt
  shift
  mkdir -p "$dir"
  for attempt in 1 2 3; do
    port="$(free_port)"
    printf '%s\n' "port $port" "bind 127.0.0.1" "dir \"$dir\"" "logfile \"$dir/redis.log\"" \
      'save ""' "appendonly no" "$@" >"$dir/redis.conf"
    redis-server "$dir/redis.conf" &
    pid=$!
    pids+=("$pid")
    for _ in $(seq 1 100); do
      listening "$port" && return 0
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  echo "demo: redis-server '$name' did not start:" >&2
  cat "$dir/redis.log" >&2
  return 1
}

# Clients: the source has no password; cluster nodes are reached as the default (admin) user,
# whose password goes in REDISCLI_AUTH so that it never shows up in the process list.
source_cli() { redis-cli -h 127.0.0.1 -p "$source_port" "$@"; }
node_cli() { REDISCLI_AUTH="$admin_password" redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }
cluster_cli() { REDISCLI_AUTH="$admin_password" redis-cli -c -h 127.0.0.1 -p "${node_ports[0]}" "$@"; }

start_source() {
  start_redis source "dbfilename demo.rdb"
  source_port="$port"
  rdb="$work/source/demo.rdb"
}

write_sample_data() {
  echo "== writing sample data into redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on 127.0.0.1:$source_port"
  source_cli <<'CMDS' >/dev/null
SET greeting "hello, slotferry"
SET counter 42
SET {user:1}:name "Ada"
SET session:9f2 token PX 86400000
RPUSH queue:jobs job-1 job-2 job-3
SADD tags:small red green blue
SADD ids 1 2 3 100000
ZADD leaderboard 100 alice 250 bob 175 carol +inf max
HSET user:1 name Ada lang en visits 7
XADD events 1700000000000-0 type login user ada
XADD events 1700000000001-0 type logout user ada
XGROUP CREATE events audit 0
XREADGROUP GROUP audit worker-1 COUNT 1 STREAMS events >
EXPIREAT queue:jobs 4102444800
SELECT 1
SET legacy:db1 "keys outside db 0 are reported per database"
CMDS
  # A big collection, so the dump shows a quicklist / hashtable encoding too.
  source_cli eval "for i=1,2000 do redis.call('RPUSH','queue:big','item:'..i) end return 1" 0 >/dev/null
  source_cli save >/dev/null
}

inspect_rdb() {
  echo
  echo "== ./migrate rdb inspect $rdb"
  ./migrate rdb inspect "$rdb"
  echo
  echo "== ./migrate rdb dump $rdb   (one JSON object per key; long values shortened here)"
  ./migrate rdb dump "$rdb" | cut -c1-160
  echo
  echo "== the same file gzip-compressed, read from standard input"
  gzip -c "$rdb" | ./migrate rdb dump - | wc -l | sed 's/^/keys dumped: /'
}

# Three empty cluster-mode nodes, joined by `redis-cli --cluster create` (16384 slots split in three).
# No replicas: they would add start-up time and show nothing more about loading.
start_cluster() {
  local i
  node_ports=()
  for i in $(seq 1 "$MASTERS"); do
    start_redis "node-$i" "cluster-enabled yes" "cluster-config-file nodes.conf" \
      "requirepass $admin_password" "user slotferry on >$migrator_password $ACL_RULES"
    node_ports+=("$port")
  done
  echo
  echo "== creating a $MASTERS-master Redis Cluster on 127.0.0.1:${node_ports[*]} (ACL user slotferry for the migrator)"
  if ! REDISCLI_AUTH="$admin_password" redis-cli --cluster create "${node_ports[@]/#/127.0.0.1:}" \
    --cluster-replicas 0 --cluster-yes >"$work/cluster-create.log" 2>&1; then
    cat "$work/cluster-create.log" >&2
    return 1
  fi
  await_cluster_ok
}

# `--cluster create` returns once the nodes agree on the slots; wait until every node also says
# cluster_state:ok, so the migrator's first topology read sees a healthy cluster.
await_cluster_ok() {
  local p ok
  for _ in $(seq 1 100); do
    ok=1
    for p in "${node_ports[@]}"; do
      node_cli "$p" cluster info | grep -q '^cluster_state:ok' || ok=0
    done
    ((ok)) && { echo "cluster_state:ok on all $MASTERS nodes"; return 0; }
    sleep 0.1
  done
  echo "demo: the cluster did not reach cluster_state:ok:" >&2
  node_cli "${node_ports[0]}" cluster info >&2
  return 1
}

run_migration() {
  local target="redis://slotferry@127.0.0.1:${node_ports[0]}"
  echo
  echo "== MIGRATE_TARGET_PASSWORD=<slotferry's password> ./migrate run --source rdb:$rdb --target $target"
  # Progress (stderr) and summary (stdout) both shown; --state-dir keeps the run's files in $work.
  MIGRATE_TARGET_PASSWORD="$migrator_password" ./migrate run --source "rdb:$rdb" --target "$target" \
    --state-dir "$work/state" 2>&1
}

# Keys per master and the total against the source's db 0 (db 1's key is skipped by design: a
# cluster has only database 0). A mismatch fails the demo.
show_counts() {
  local p keys slots total=0 expected
  echo
  echo "== keys per master (DBSIZE)"
  for p in "${node_ports[@]}"; do
    keys="$(node_cli "$p" dbsize)"
    slots="$(node_cli "$p" cluster nodes | awk '/myself/ { $1 = $2 = $3 = $4 = $5 = $6 = $7 = $8 = ""; print $0 }' | xargs)"
    printf '127.0.0.1:%-6s slots %-12s %5s keys\n' "$p" "$slots" "$keys"
    total=$((total + keys))
  done
  expected="$(source_cli -n 0 dbsize)"
  echo "total in the cluster: $total; source db 0: $expected (db 1: $(source_cli -n 1 dbsize) key, not loaded: a cluster has only db 0)"
  if ((total != expected)); then
    echo "demo: the cluster holds $total keys, the source's db 0 has $expected" >&2
    return 1
  fi
}

# sample KEY COMMAND [ARG]...: KEY read back through the cluster (redis-cli -c follows MOVED) with
# COMMAND KEY ARG..., its slot, and its TTL in the cluster next to the source's.
sample() {
  local key="$1" command="$2"
  shift 2
  printf '%-14s slot %5s  ttl %10s (source %10s)  %s -> %s\n' "$key" "$(cluster_cli cluster keyslot "$key")" \
    "$(cluster_cli ttl "$key")" "$(source_cli ttl "$key")" "$command $key${*:+ $*}" \
    "$(cluster_cli "$command" "$key" "$@" | paste -sd' ' | cut -c1-70)"
}

show_samples() {
  echo
  echo "== sample keys read back from the cluster with redis-cli -c (ttl -1: no expiry)"
  sample greeting GET
  sample '{user:1}:name' GET
  sample session:9f2 GET
  sample queue:jobs LRANGE 0 -1
  sample queue:big LLEN
  sample leaderboard ZRANGE 0 -1 WITHSCORES
  sample user:1 HGETALL
  sample events XPENDING audit
}

start_source
write_sample_data
inspect_rdb
start_cluster
run_migration
show_counts
show_samples
