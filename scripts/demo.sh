#!/usr/bin/env bash
# Self-contained demo of slotferry's main job, on throwaway servers on free loopback ports:
#   1. a Twemproxy (nutcracker) pool of 3 redis-server backends gets sample data through the proxy;
#   2. a 3-master + 3-replica Redis Cluster with TLS (its own CA) and a least-privilege ACL user
#      `slotferry` starts, like ElastiCache in cluster mode;
#   3. live traffic runs through the proxy (new keys, counters, list pushes, hash fields, expiries)
#      during the whole migration;
#   4. `migrate run --source twemproxy:nutcracker.yml` copies every backend (snapshot, then its
#      stream), showing its progress, until the status file says "ready_for_cutover": true;
#   5. the traffic stops (the cutover moment), the run catches up, and `migrate verify --mode full`
#      compares the target with the union of the backends, key by key (value and TTL), both ways;
#      then SIGTERM, checkpoints, exit 0, `migrate status`, and `migrate finish` (TTLs exact again, the
#      migrator's own keys deleted from the target).
# Everything lives in one temporary directory; the servers are stopped and the directory deleted on exit.
# MIGRATE (optional) is the command that runs the CLI (default: ./migrate of this repository).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/install-deps.sh"
if [[ -z "${MIGRATE:-}" ]]; then
  MIGRATE="$here/../migrate"
fi
nutcracker_bin="$(command -v nutcracker || echo /usr/sbin/nutcracker)"

# The same rule set as RedisClusterFixture.ACL_RULES (docs/testing.md explains each rule).
readonly ACL_RULES='~* resetchannels -@all +@read +@write +@transaction -@dangerous -@scripting +eval +evalsha +eval_ro +evalsha_ro +fcall +fcall_ro +function|load +function|delete +function|restore +restore +sort +info +ping +auth +hello +select +quit +readonly +readwrite +asking +wait +client|setname +cluster|slots +cluster|shards +cluster|nodes +cluster|info'

# mktemp -d makes the directory 0700: node configs and keys in it hold secrets.
work="$(mktemp -d -t slotferry-demo.XXXXXX)"
pids=()
cleanup() {
  local pid
  rm -f "$work/traffic.on"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

admin_password="$(openssl rand -hex 24)"
migrator_password="$(openssl rand -hex 24)"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A random free port whose cluster bus port (port + 10000) is free too, below the ephemeral range.
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

# await_port PORT PID NAME LOG: waits until PORT accepts connections, or the process died.
await_port() {
  for _ in $(seq 1 100); do
    listening "$1" && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  echo "demo: $3 did not start:" >&2
  cat "$4" >&2
  return 1
}

# start_redis NAME [CONFIG LINE]...: redis-server in $work/NAME on a free port; sets $port. The TLS
# nodes listen on their port with TLS only (port 0 turns plain TCP off).
start_redis() {
  local name="$1" dir="$work/$1" pid
  shift
  mkdir -p "$dir"
  port="$(free_port)"
  printf '%s\n' "bind 127.0.0.1" "dir \"$dir\"" "logfile \"$dir/redis.log\"" 'save ""' "appendonly no" "$@" >"$dir/redis.conf"
  sed -i "s/@PORT@/$port/g" "$dir/redis.conf"
  redis-server "$dir/redis.conf" &
  pid=$!
  pids+=("$pid")
  await_port "$port" "$pid" "redis-server $name" "$dir/redis.log"
}

make_certificates() {
  local t="$work/tls"
  mkdir -p "$t"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=slotferry demo CA" \
    -keyout "$t/ca.key" -out "$t/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$t/node.key" -out "$t/node.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$t/san.ext"
  openssl x509 -req -in "$t/node.csr" -CA "$t/ca.crt" -CAkey "$t/ca.key" -CAcreateserial -days 1 \
    -extfile "$t/san.ext" -out "$t/node.crt" 2>/dev/null
  chmod 600 "$t"/*.key
}

start_source() {
  local i
  backend_ports=()
  for i in 0 1 2; do
    start_redis "backend-$i" "port @PORT@"
    backend_ports+=("$port")
  done
  proxy_port="$(free_port)"
  {
    echo "alpha:"
    echo "  listen: 127.0.0.1:$proxy_port"
    echo "  hash: fnv1a_64"
    echo "  distribution: ketama"
    echo "  redis: true"
    echo "  auto_eject_hosts: false"
    echo "  servers:"
    for i in 0 1 2; do echo "   - 127.0.0.1:${backend_ports[$i]}:1 shard$i"; done
  } >"$work/nutcracker.yml"
  "$nutcracker_bin" -c "$work/nutcracker.yml" -s "$(free_port)" -a 127.0.0.1 -o "$work/nutcracker.log" &
  pids+=("$!")
  await_port "$proxy_port" "$!" nutcracker "$work/nutcracker.log"
  echo "== Twemproxy on 127.0.0.1:$proxy_port, pool alpha: backends 127.0.0.1:${backend_ports[*]}"
}

proxy_cli() { redis-cli -h 127.0.0.1 -p "$proxy_port" "$@"; }
node_cli() { REDISCLI_AUTH="$admin_password" redis-cli --tls --cacert "$work/tls/ca.crt" -h 127.0.0.1 -p "$1" "${@:2}"; }

write_sample_data() {
  local i
  echo "== writing sample data through the proxy"
  {
    for i in $(seq 1 300); do
      echo "SET user:$i:name name-$i"
      echo "HSET user:$i lang en visits $i"
      echo "RPUSH queue:$((i % 20)) job-$i"
      echo "SADD tags:$((i % 30)) t$i"
      echo "ZADD board:$((i % 10)) $i player-$i"
      echo "SET session:$i token-$i PX 86400000"
    done
  } | proxy_cli >/dev/null
}

start_cluster() {
  local i tls
  make_certificates
  tls=("tls-cert-file $work/tls/node.crt" "tls-key-file $work/tls/node.key" "tls-ca-cert-file $work/tls/ca.crt"
    "tls-auth-clients no" "tls-cluster yes" "tls-replication yes")
  node_ports=()
  for i in 1 2 3 4 5 6; do
    start_redis "node-$i" "port 0" "tls-port @PORT@" "${tls[@]}" "cluster-enabled yes" "cluster-config-file nodes.conf" \
      "requirepass $admin_password" "masterauth $admin_password" "user slotferry on >$migrator_password $ACL_RULES"
    node_ports+=("$port")
  done
  echo "== creating a 3-master + 3-replica Redis Cluster with TLS on 127.0.0.1:${node_ports[*]} (ACL user slotferry)"
  if ! REDISCLI_AUTH="$admin_password" redis-cli --tls --cacert "$work/tls/ca.crt" --cluster create \
    "${node_ports[@]/#/127.0.0.1:}" --cluster-replicas 1 --cluster-yes >"$work/cluster-create.log" 2>&1; then
    cat "$work/cluster-create.log" >&2
    return 1
  fi
  for _ in $(seq 1 200); do
    local ok=1 p
    for p in "${node_ports[@]}"; do
      node_cli "$p" cluster info | grep -q '^cluster_state:ok' || ok=0
    done
    ((ok)) && return 0
    sleep 0.1
  done
  echo "demo: the cluster did not reach cluster_state:ok" >&2
  return 1
}

# Live traffic through the proxy until $work/traffic.on is removed.
traffic() {
  local i=0
  while [[ -e "$work/traffic.on" ]]; do
    printf '%s\n' "SET live:$i v$i" "INCR counter:$((i % 10))" "RPUSH feed:$((i % 7)) e$i" \
      "HSET user:$((i % 300 + 1)) seen $i" "PEXPIRE live:$i 600000" | proxy_cli >/dev/null || true
    i=$((i + 1))
    sleep 0.01
  done
}

status_has() { [[ -f "$work/status.json" ]] && grep -q "$1" "$work/status.json"; }

# await_status PATTERN WHAT: waits (showing the run's progress lines) until the status file matches.
await_status() {
  local n=0
  until status_has "$1"; do
    if ! kill -0 "$migrate_pid" 2>/dev/null; then
      echo "demo: migrate run exited:" >&2
      cat "$work/migrate.log" >&2
      return 1
    fi
    if ((n % 4 == 0)); then
      show_progress
    fi
    n=$((n + 1))
    ((n < 600)) || { echo "demo: $2 did not happen in 5 minutes" >&2; return 1; }
    sleep 0.5
  done
  show_progress
}

# The run's last progress block (one line per backend and the readiness line).
show_progress() {
  { grep -E '^(twemproxy:|READY|not ready)' "$work/migrate.log" || true; } | tail -n 4 | sed 's/^/   | /'
}

run_migration() {
  local target="rediss://slotferry@127.0.0.1:${node_ports[0]}"
  echo
  echo "== MIGRATE_TARGET_PASSWORD=<slotferry's password> migrate run --source twemproxy:$work/nutcracker.yml \\"
  echo "     --target $target --target-cacert ca.crt --status-file status.json   (live traffic runs meanwhile)"
  MIGRATE_TARGET_PASSWORD="$migrator_password" $MIGRATE run --source "twemproxy:$work/nutcracker.yml" --target "$target" \
    --target-cacert "$work/tls/ca.crt" --state-dir "$work/state" --status-file "$work/status.json" >"$work/migrate.log" 2>&1 &
  migrate_pid=$!
  pids+=("$migrate_pid")
  await_status '"ready_for_cutover" : true' "ready for cutover"
  echo "== ready_for_cutover is true while traffic still runs: the copy is less than a second behind"
}

cutover() {
  echo
  echo "== cutover: the traffic stops; waiting until every backend's lag is 0"
  rm -f "$work/traffic.on"
  wait "$traffic_pid" 2>/dev/null || true
  sleep 2
  await_status '"ready_for_cutover" : true' "ready after the traffic stopped"
}

# Every key of the backends against the cluster, both directions: type, value, TTL.
compare() {
  local code=0
  echo
  echo "== migrate verify --mode full --source twemproxy:nutcracker.yml --target ...   (every key, value and TTL)"
  MIGRATE_TARGET_PASSWORD="$migrator_password" $MIGRATE verify --mode full --source "twemproxy:$work/nutcracker.yml" \
    --target "rediss://slotferry@127.0.0.1:${node_ports[0]}" --target-cacert "$work/tls/ca.crt" \
    --report "$work/verify.json" 2>&1 | sed 's/^/   | /' || code=$?
  # sed ends the pipeline: take verify's own exit status
  code="${PIPESTATUS[0]}"
  if ((code != 0)); then
    echo "demo: migrate verify found differences (exit $code)" >&2
    return 1
  fi
  echo "verify exit code 0: the cluster equals the union of the backends"
}

stop_migration() {
  local code
  echo
  echo "== SIGTERM to migrate run: drain, checkpoint, exit 0"
  kill -TERM "$migrate_pid"
  code=0
  wait "$migrate_pid" || code=$?
  { grep -E '^twemproxy:.*(loaded|stopped)' "$work/migrate.log" || true; } | sed 's/^/   | /'
  echo "exit code: $code"
  echo
  echo "== migrate status --state-dir (what a restart would resume from)"
  $MIGRATE status --state-dir "$work/state" | sed 's/^/   | /'
  ((code == 0)) || return 1
  echo
  echo "== migrate finish --state-dir ... --target ...   (exact TTLs again, the migrator's own keys deleted)"
  local out
  code=0
  out=$(MIGRATE_TARGET_PASSWORD="$migrator_password" $MIGRATE finish --state-dir "$work/state" \
    --target "rediss://slotferry@127.0.0.1:${node_ports[0]}" --target-cacert "$work/tls/ca.crt" 2>&1) || code=$?
  printf '%s\n' "$out" | sed 's/^/   | /'
  echo "exit code: $code"
  ((code == 0))
}

start_source
write_sample_data
start_cluster
touch "$work/traffic.on"
traffic &
traffic_pid=$!
pids+=("$traffic_pid")
run_migration
cutover
compare
stop_migration
