#!/usr/bin/env bash
# Self-contained demo: starts a throwaway redis-server on a free loopback port, writes sample data of
# every type (strings, lists, sets, sorted sets, hashes, streams, TTLs, two databases), saves it, and
# runs `migrate rdb inspect` and `migrate rdb dump` on the RDB file. Cleans up after itself.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/install-deps.sh"

work="$(mktemp -d -t slotferry-demo.XXXXXX)"
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
  || shuf -i 20000-60000 -n 1)"
redis-server --bind 127.0.0.1 --port "$port" --dir "$work" --dbfilename demo.rdb --save "" --appendonly no \
  --logfile "$work/redis.log" &
pid=$!
cli() { redis-cli -h 127.0.0.1 -p "$port" "$@"; }
for _ in $(seq 1 100); do
  cli ping >/dev/null 2>&1 && break
  sleep 0.1
done
cli ping >/dev/null || { echo "demo: redis-server did not start:" >&2; cat "$work/redis.log" >&2; exit 1; }

echo "== writing sample data into redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on 127.0.0.1:$port"
cli <<'CMDS' >/dev/null
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
cli eval "for i=1,2000 do redis.call('RPUSH','queue:big','item:'..i) end return 1" 0 >/dev/null
cli save >/dev/null
rdb="$work/demo.rdb"

echo
echo "== ./migrate rdb inspect $rdb"
./migrate rdb inspect "$rdb"
echo
echo "== ./migrate rdb dump $rdb   (one JSON object per key; long values shortened here)"
./migrate rdb dump "$rdb" | cut -c1-160
echo
echo "== the same file gzip-compressed, read from standard input"
gzip -c "$rdb" | ./migrate rdb dump - | wc -l | sed 's/^/keys dumped: /'
