#!/usr/bin/env bash
# big-key.sh
#
# Big-key benchmark: proves and measures "big keys stream in bounded chunks (a 10-million-member
# zset loads with < 100 MB heap)". See bench/README.md.
#
#   1. bench/out/big-key.rdb (generated or reused): ONE sorted set of 10,000,000 members
#      (16-24 byte members; varied double scores: 40 % integers, 30 % 3-decimal and 10 %
#      full-precision fractions, 10 % huge (+-5e14), 10 % tiny (down to 1e-21), one +inf and one
#      -inf) with an absolute TTL 24 h after generation, plus a 2,000,000-element list, a 2,000,000-field hash and a 2,000,000-member
#      set. Written by a throwaway redis-server (fed through `redis-cli --pipe` by the python3
#      generator below, variadic commands of 1000 elements), then SAVE. Every element and score
#      is a pure function of (seed, index), so the check can recompute any of them.
#   2. A 3-master Redis Cluster on free 127.0.0.1 ports (no replicas).
#   3. JAVA_OPTS="-Xmx100m -XX:+UseParallelGC -Xlog:gc:file=LOG" ./migrate run --source rdb:RDB
#        --target redis://127.0.0.1:PORT --state-dir TMP/state
#      The default --big-value-bytes (8 MiB) sends all four keys on the chunked rewrite path.
#      Measured: wall time, elements/s, peak RSS (/proc VmHWM/VmRSS), heap after/before GC from
#      the GC log, and each key's own load window (its length polled on its master).
#      Then `migrate finish` (not timed): expiries exact again, the migrator's own keys gone.
#   4. Checks on the cluster: 4 keys, types, ZCARD/LLEN/HLEN/SCARD, the zset's PEXPIRETIME (and
#      no TTL on the others), ZSCORE of SAMPLE random members equal to the generated score (exact
#      double), the lowest/highest member, and SAMPLE random list elements (LINDEX), hash fields
#      (HGET) and set members (SMISMEMBER).
#   5. Report on stdout (also bench/out/big-key-STAMP.txt) and one JSON line appended to
#      bench/out/big-key.results. Exit 1 when `migrate run` fails or a check fails.
#
# Environment:
#   ZSET_MEMBERS=N   members of the zset (default 10000000)
#   LIST_LEN=N       elements of the list (default 2000000)
#   HASH_FIELDS=N    fields of the hash (default 2000000)
#   SET_MEMBERS=N    members of the set (default 2000000)
#   SEED=N           generator seed (default 42)
#   SAMPLE=N         random elements checked per key (default 1000)
#   XMX=100m         heap limit; JAVA_OPTS default "-Xmx$XMX -XX:+UseParallelGC -Xlog:gc:file=LOG"
#   JAVA_OPTS="..."  replaces those options entirely (then add -Xlog:gc:file=... yourself to get
#                    the heap numbers)
#   MIGRATE_BIN      launcher (default ./migrate); MIGRATE_ARGS="..." adds options to `migrate run`
#   OURS_TIMEOUT=S   kill `migrate run` after S seconds (default 600)
#   FORCE=1          regenerate the RDB even if it could be reused
#   KEEP=1           leave the cluster running at the end (ports and PIDs printed)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
cd "$ROOT"
LOG_TAG=big-key
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"

ZSET_MEMBERS="${ZSET_MEMBERS:-10000000}"
LIST_LEN="${LIST_LEN:-2000000}"
HASH_FIELDS="${HASH_FIELDS:-2000000}"
SET_MEMBERS="${SET_MEMBERS:-2000000}"
SEED="${SEED:-42}"
SAMPLE="${SAMPLE:-1000}"
XMX="${XMX:-100m}"
MIGRATE_BIN="${MIGRATE_BIN:-./migrate}"
MIGRATE_ARGS="${MIGRATE_ARGS:-}"
OURS_TIMEOUT="${OURS_TIMEOUT:-600}"
FORCE="${FORCE:-0}"
KEEP="${KEEP:-0}"
GEN_VERSION=2            # bump when the generator's data changes
TTL_MS=86400000          # the zset expires 24 h after generation (absolute)
MIN_TTL_LEFT_MS=3600000  # reuse the RDB only while the zset's expiry is >= 1 h away

for v in ZSET_MEMBERS LIST_LEN HASH_FIELDS SET_MEMBERS SAMPLE OURS_TIMEOUT; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'"
done
[[ "$SEED" =~ ^[0-9]+$ ]] || die "SEED must be a non-negative integer"
need_tools redis-server redis-cli python3 awk stat

if [ "$ZSET_MEMBERS/$LIST_LEN/$HASH_FIELDS/$SET_MEMBERS/$SEED" = "10000000/2000000/2000000/2000000/42" ]; then
  RDB="bench/out/big-key.rdb"
else
  RDB="bench/out/big-key-$ZSET_MEMBERS-$LIST_LEN-$HASH_FIELDS-$SET_MEMBERS-s$SEED.rdb"
fi
INFO_FILE="$RDB.info"
TOTAL_ELEMS=$((ZSET_MEMBERS + LIST_LEN + HASH_FIELDS + SET_MEMBERS))

mkdir -p bench/out
LOGDIR="$ROOT/bench/out/big-key-logs"
mkdir -p "$LOGDIR"
rm -f "$LOGDIR"/* 2>/dev/null || true
STAMP=$(date +%Y%m%d-%H%M%S)
REPORT="$ROOT/bench/out/big-key-$STAMP.txt"
RESULTS="$ROOT/bench/out/big-key.results"
GC_LOG="$LOGDIR/gc.log"
JOPTS="${JAVA_OPTS:--Xmx$XMX -XX:+UseParallelGC -Xlog:gc:file=$GC_LOG}"
TMPD="$(mktemp -d "$ROOT/bench/out/.big-key.XXXXXX")"
NODE_PORTS=(); NODE_PIDS=(); MASTER_PORTS=(); REPLICA_PORTS=(); GEN_PORT=""; GEN_PID=""; CUR_PID=""; WATCH_PID=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  {
    [ -z "$CUR_PID" ] || stop_tree "$CUR_PID"
    [ -z "$WATCH_PID" ] || stop_pid "$WATCH_PID"
    redis_stop "$GEN_PORT" "$GEN_PID"
    if [ "$KEEP" = 1 ] && [ ${#NODE_PIDS[@]} -gt 0 ]; then
      echo "KEEP=1: cluster left running: ports ${NODE_PORTS[*]}, pids ${NODE_PIDS[*]}, dir $TMPD" >&2
    else
      cluster_stop "$TMPD" "$LOGDIR"
      rm -rf "$TMPD"
    fi
  } >/dev/null 2>&1
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


# ---------------------------------------------------------------- python3 helper (stdlib only)
#   gen   SEED Z L H S EXPIRE_MS       RESP for redis-cli --pipe (stdout)
#   check SEED Z L H S EXPIRE_MS SAMPLE cluster|standalone PORT
#                                      the checks; one line per check, then a JSON line; exit 1 on FAIL
#   watch Z L H S cluster|standalone PORT
#                                      every 0.25 s: "epoch_ms zcard llen hlen scard" (until killed)
IFS= read -r -d '' PY <<'PY' || true
import json, random, socket, sys, time

M64 = (1 << 64) - 1
KEYS = {"zset": b"bigkey:zset", "list": b"bigkey:list", "hash": b"bigkey:hash", "set": b"bigkey:set"}
SALT = {"zset": 1, "list": 2, "hash": 3, "set": 4}

def mix(x):  # splitmix64 finalizer
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)

INF = float("inf")

class Gen:
    def __init__(self, seed, nz):
        self.base = {k: mix(seed * 1000003 + s) for k, s in SALT.items()}
        self.half = nz // 2

    def h(self, kind, j):
        return mix(self.base[kind] ^ j)

    def zmember(self, j, h):
        # 16..24 bytes, distinct by the index prefix
        return b"m%08d:%s" % (j, (b"%014x" % (h >> 8))[: 6 + (h & 0xFF) % 9])

    def zscore(self, j, h):
        """(float, bytes for ZADD) of member j. Most scores ascend with j (80 %: integers,
        3-decimal and full-precision fractions around (j - nz/2) * 1000), which lets the generating
        server append to its skiplist instead of inserting at random places (3x faster); 20 % are
        huge (+-5e14) or tiny (< 0.1, down to 1e-21) and land anywhere. In the RDB, and for the
        loader, the members are in score order anyway."""
        if j == 0:
            return INF, b"inf"
        if j == 1:
            return -INF, b"-inf"
        sel = (h >> 2) % 10
        r = h >> 11                      # 53 random bits
        if sel < 4:                      # integer
            v = (j - self.half) * 1000 + r % 1000
            return float(v), b"%d" % v
        if sel < 7:                      # 3 decimals
            v = (j - self.half) * 1000 + (r % 1000000) / 1000
        elif sel == 7:                   # full precision
            v = (j - self.half) * 1000 + r / 9007199254740992.0 * 1000
        elif sel == 8:                   # huge
            v = (r / 9007199254740992.0 - 0.5) * 1e15
        else:                            # tiny
            v = (r / 9007199254740992.0) * 10.0 ** -((h >> 6) % 20 + 1)
        return v, repr(v).encode()

    def litem(self, j):
        h = self.h("list", j)
        return b"e%d:%s" % (j, (b"%016x%016x" % (h, mix(h)))[: 4 + h % 29])

    def hfield(self, j):
        return b"f:%d" % j

    def hvalue(self, j):
        h = self.h("hash", j)
        if h % 4 == 0:
            return b"%d" % (h >> 20)
        return (b"%016x%016x" % (h, mix(h)))[: 2 + (h >> 8) % 31]

    def smember(self, j):
        h = self.h("set", j)
        return b"s:%d:%x" % (j, h >> (40 + h % 8))

def bulk(a):
    return b"$%d\r\n%s\r\n" % (len(a), a)

def gen(seed, nz, nl, nh, ns, expire_ms):
    g = Gen(seed, nz)
    out = sys.stdout.buffer
    buf, size = [], 0

    def put(b):
        nonlocal buf, size
        buf.append(b)
        size += len(b)
        if size > (4 << 20):
            out.write(b"".join(buf))
            buf, size = [], 0

    for kind, cmd, n, per in (("zset", b"ZADD", nz, 2), ("list", b"RPUSH", nl, 1),
                              ("hash", b"HSET", nh, 2), ("set", b"SADD", ns, 1)):
        key = KEYS[kind]
        for start in range(0, n, 1000):
            end = min(n, start + 1000)
            parts = [b"*%d\r\n" % (2 + per * (end - start)), bulk(cmd), bulk(key)]
            if kind == "zset":
                for j in range(start, end):
                    h = g.h("zset", j)
                    m = g.zmember(j, h)
                    s = g.zscore(j, h)[1]
                    parts.append(b"$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(s), s, len(m), m))
            elif kind == "list":
                for j in range(start, end):
                    e = g.litem(j)
                    parts.append(b"$%d\r\n%s\r\n" % (len(e), e))
            elif kind == "hash":
                for j in range(start, end):
                    f, v = g.hfield(j), g.hvalue(j)
                    parts.append(b"$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(f), f, len(v), v))
            else:
                for j in range(start, end):
                    m = g.smember(j)
                    parts.append(b"$%d\r\n%s\r\n" % (len(m), m))
            put(b"".join(parts))
        if kind == "zset":
            put(b"*3\r\n" + bulk(b"PEXPIREAT") + bulk(key) + bulk(b"%d" % expire_ms))
    out.write(b"".join(buf))
    out.flush()

# ---- a small pipelining RESP2 client
class ReplyError(Exception):
    pass

class Conn:
    def __init__(self, port, host="127.0.0.1"):
        self.port = port
        self.sock = socket.create_connection((host, port), timeout=60)
        self.f = self.sock.makefile("rb", buffering=1 << 16)

    def send(self, cmds):
        data = []
        for c in cmds:
            data.append(b"*%d\r\n" % len(c))
            for a in c:
                a = a if isinstance(a, bytes) else str(a).encode()
                data.append(bulk(a))
        self.sock.sendall(b"".join(data))

    def read(self):
        line = self.f.readline()
        if not line:
            raise ConnectionError("connection to %d closed" % self.port)
        t, rest = line[:1], line[1:-2]
        if t == b"+":
            return rest
        if t == b"-":
            return ReplyError(rest.decode(errors="replace"))
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            d = self.f.read(n + 2)
            return d[:-2]
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise ConnectionError("bad reply line %r" % line)

    def pipeline(self, cmds):
        res = []
        for i in range(0, len(cmds), 500):
            part = cmds[i:i + 500]
            self.send(part)
            res.extend(self.read() for _ in part)
        return res

    def call(self, *args):
        r = self.pipeline([list(args)])[0]
        if isinstance(r, ReplyError):
            raise r
        return r

class Router:
    """standalone: one port; cluster: the master of a key's slot (CLUSTER SLOTS)"""
    def __init__(self, mode, port):
        self.mode = mode
        self.conns = {}
        self.first = self.conn(port)
        self.ranges = []
        if mode == "cluster":
            for r in self.first.call("CLUSTER", "SLOTS"):
                self.ranges.append((r[0], r[1], r[2][1]))
            self.masters = sorted({p for _, _, p in self.ranges})
        else:
            self.masters = [port]

    def conn(self, port):
        if port not in self.conns:
            self.conns[port] = Conn(port)
        return self.conns[port]

    def for_key(self, key):
        if self.mode != "cluster":
            return self.first
        slot = self.first.call("CLUSTER", "KEYSLOT", key)
        for lo, hi, p in self.ranges:
            if lo <= slot <= hi:
                return self.conn(p)
        raise RuntimeError("no master for slot %d" % slot)

def check(seed, nz, nl, nh, ns, expire_ms, sample, mode, port):
    g = Gen(seed, nz)
    rt = Router(mode, port)
    rng = random.Random(seed * 7919 + 17)
    results = []   # (name, ok, detail)

    def rec(name, ok, detail):
        results.append((name, bool(ok), detail))
        print("  %-34s %-4s %s" % (name, "OK" if ok else "FAIL", detail), flush=True)

    c = {k: rt.for_key(key) for k, key in KEYS.items()}
    dbsize = sum(rt.conn(p).call("DBSIZE") for p in rt.masters)
    rec("keys in db 0 (all masters)", dbsize == 4, "%d (expected 4)" % dbsize)
    types = {k: c[k].call("TYPE", key).decode() for k, key in KEYS.items()}
    rec("types", all(types[k] == k for k in KEYS), " ".join("%s=%s" % (KEYS[k].decode(), types[k]) for k in KEYS))
    enc = {k: (c[k].call("OBJECT", "ENCODING", key) or b"-").decode() for k, key in KEYS.items()}
    for kind, cmd, want in (("zset", "ZCARD", nz), ("list", "LLEN", nl), ("hash", "HLEN", nh), ("set", "SCARD", ns)):
        got = c[kind].call(cmd, KEYS[kind])
        rec("%s %s" % (cmd, KEYS[kind].decode()), got == want,
            "%d (expected %d; %s on :%d)" % (got, want, enc[kind], c[kind].port))
    got = c["zset"].call("PEXPIRETIME", KEYS["zset"])
    rec("PEXPIRETIME bigkey:zset", got == expire_ms, "%d (expected %d, %s UTC)" % (
        got, expire_ms, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(expire_ms / 1000))))
    others = {k: c[k].call("PEXPIRETIME", KEYS[k]) for k in ("list", "hash", "set")}
    rec("no TTL on list/hash/set", all(v == -1 for v in others.values()),
        " ".join("%s=%d" % (k, v) for k, v in others.items()))

    # ZSCORE of random members: exact double equality
    idx = sorted(rng.sample(range(nz), min(sample, nz)))
    want = {}
    for j in idx:
        h = g.h("zset", j)
        want[j] = (g.zmember(j, h), g.zscore(j, h))
    replies = c["zset"].pipeline([["ZSCORE", KEYS["zset"], want[j][0]] for j in idx])
    bad = []
    kinds = {"int": 0, "frac": 0, "inf": 0}
    for j, r in zip(idx, replies):
        m, (v, s) = want[j]
        ok = isinstance(r, bytes) and float(r) == v
        if not ok:
            bad.append("%s: got %r, expected %s" % (m.decode(), r, s.decode()))
        kinds["inf" if v in (float("inf"), float("-inf")) else "int" if v == int(v) else "frac"] += 1
    rec("ZSCORE of %d random members" % len(idx), not bad,
        "%d equal (%d integer, %d non-integer, %d inf scores)%s" % (
            len(idx) - len(bad), kinds["int"], kinds["frac"], kinds["inf"], ("; " + "; ".join(bad[:3])) if bad else ""))
    if nz >= 2:
        lo = c["zset"].call("ZRANGE", KEYS["zset"], 0, 0, "WITHSCORES")
        hi = c["zset"].call("ZRANGE", KEYS["zset"], -1, -1, "WITHSCORES")
        m1, m0 = g.zmember(1, g.h("zset", 1)), g.zmember(0, g.h("zset", 0))
        ok = lo == [m1, b"-inf"] and hi == [m0, b"inf"]
        rec("lowest/highest member", ok, "%r / %r" % (lo, hi))

    idx = sorted(rng.sample(range(nl), min(sample, nl)))
    replies = c["list"].pipeline([["LINDEX", KEYS["list"], j] for j in idx])
    bad = [(j, r) for j, r in zip(idx, replies) if r != g.litem(j)]
    rec("LINDEX of %d random positions" % len(idx), not bad,
        "%d equal%s" % (len(idx) - len(bad), ("; first bad: index %d got %r" % bad[0]) if bad else ""))

    idx = sorted(rng.sample(range(nh), min(sample, nh)))
    replies = c["hash"].pipeline([["HGET", KEYS["hash"], g.hfield(j)] for j in idx])
    bad = [(j, r) for j, r in zip(idx, replies) if r != g.hvalue(j)]
    rec("HGET of %d random fields" % len(idx), not bad,
        "%d equal%s" % (len(idx) - len(bad), ("; first bad: field %d got %r" % bad[0]) if bad else ""))

    idx = sorted(rng.sample(range(ns), min(sample, ns)))
    r = c["set"].call("SMISMEMBER", KEYS["set"], *[g.smember(j) for j in idx])
    rec("SMISMEMBER of %d random members" % len(idx), isinstance(r, list) and all(x == 1 for x in r),
        "%d of %d present" % (sum(1 for x in r if x == 1), len(idx)))

    ok = all(x[1] for x in results)
    print(json.dumps({"verify": "OK" if ok else "FAIL", "checks": len(results),
                      "failed": [x[0] for x in results if not x[1]], "encodings": enc,
                      "ports": {k: c[k].port for k in KEYS}}), flush=True)
    return 0 if ok else 1

def watch(mode, port):
    rt = Router(mode, port)
    cmds = (("zset", "ZCARD"), ("list", "LLEN"), ("hash", "HLEN"), ("set", "SCARD"))
    c = {k: rt.for_key(KEYS[k]) for k, _ in cmds}
    while True:
        vals = [c[k].call(cmd, KEYS[k]) for k, cmd in cmds]
        print(int(time.time() * 1000), *vals, flush=True)
        time.sleep(0.25)

if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "gen":
        gen(*(int(x) for x in a[1:7]))
    elif a[0] == "check":
        sys.exit(check(*(int(x) for x in a[1:8]), a[8], int(a[9])))
    elif a[0] == "watch":
        watch(a[1], int(a[2]))
    else:
        sys.exit("unknown mode " + a[0])
PY

# ================================================================ 1. the RDB
rdb_reusable() {
  [ "$FORCE" != 1 ] && [ -f "$RDB" ] && [ -f "$INFO_FILE" ] || return 1
  [ "$(info_param gen_version)" = "$GEN_VERSION" ] && [ "$(info_param seed)" = "$SEED" ] &&
    [ "$(info_param zset)" = "$ZSET_MEMBERS" ] && [ "$(info_param list)" = "$LIST_LEN" ] &&
    [ "$(info_param hash)" = "$HASH_FIELDS" ] && [ "$(info_param set)" = "$SET_MEMBERS" ] &&
    [ "$(info_param rdb_bytes)" = "$(fsize "$RDB")" ] || {
    log "$RDB does not match the parameters (or gen_version $GEN_VERSION): regenerating"; return 1; }
  local left
  left=$(( $(info_param expire_ms) - $(now_ms) ))
  if [ "$left" -lt "$MIN_TTL_LEFT_MS" ]; then
    log "the zset in $RDB expires in $((left / 60000)) min (< 60): regenerating"
    return 1
  fi
}

generate_rdb() {
  local gtmp="$TMPD/gen" t0 t1 base expire summary want_cmds size used
  t0=$(now)
  base=$(now_ms)
  expire=$((base + TTL_MS))
  mkdir -p "$gtmp"
  gen_server_start "$gtmp"
  log "generating: zset $ZSET_MEMBERS, list $LIST_LEN, hash $HASH_FIELDS, set $SET_MEMBERS (seed $SEED) into redis-server pid $GEN_PID on 127.0.0.1:$GEN_PORT ..."
  if ! bg_wait "$LOGDIR/gen-pipe.log" - bash -c 'set -o pipefail; python3 -c "$1" gen "${@:2:6}" |
                      redis-cli -h 127.0.0.1 -p "$8" --pipe' _ \
       "$PY" "$SEED" "$ZSET_MEMBERS" "$LIST_LEN" "$HASH_FIELDS" "$SET_MEMBERS" "$expire" "$GEN_PORT"; then
    tail -20 "$LOGDIR/gen-pipe.log" >&2; die "generation failed (redis-cli --pipe)"
  fi
  # one command per 1000 elements (rounded up, per key) plus the PEXPIREAT
  want_cmds=$(( (ZSET_MEMBERS + 999) / 1000 + (LIST_LEN + 999) / 1000 + (HASH_FIELDS + 999) / 1000 + (SET_MEMBERS + 999) / 1000 + 1 ))
  summary=$(grep -E 'errors: [0-9]+, replies: [0-9]+' "$LOGDIR/gen-pipe.log" | tail -1 || true)
  [ "$summary" = "errors: 0, replies: $want_cmds" ] ||
    die "generation: redis-cli --pipe says '${summary:-nothing}', expected 'errors: 0, replies: $want_cmds' (see $LOGDIR/gen-pipe.log)"
  t1=$(since "$t0")
  log "loaded in $t1 s; checking the source against the generator ..."
  # the same checks as on the cluster: proves the generator recomputes exactly what the server holds
  if ! bg_wait "$LOGDIR/check-source.txt" - python3 -c "$PY" check "$SEED" "$ZSET_MEMBERS" "$LIST_LEN" \
       "$HASH_FIELDS" "$SET_MEMBERS" "$expire" "$SAMPLE" standalone "$GEN_PORT"; then
    cat "$LOGDIR/check-source.txt" >&2; die "the generated source does not pass the checks"
  fi
  used=$(ncli "$GEN_PORT" INFO memory | tr -d '\r' | sed -n 's/^used_memory_human://p')
  gen_server_save "$gtmp" "$RDB"
  size=$(fsize "$RDB")
  T_GEN=$(since "$t0")
  {
    echo "file:      $RDB ($size bytes = $(fmt "$(calc "print $size / 1e6")") MB)"
    echo "keys:      bigkey:zset $ZSET_MEMBERS members (PEXPIREAT $expire = $(date -u -d "@$((expire / 1000))" +%Y-%m-%dT%H:%M:%SZ)),"
    echo "           bigkey:list $LIST_LEN elements, bigkey:hash $HASH_FIELDS fields, bigkey:set $SET_MEMBERS members"
    echo "encodings: $(grep -o '"encodings": {[^}]*}' "$LOGDIR/check-source.txt" | sed 's/"encodings": //')"
    echo "generated: $(date -u +%Y-%m-%dT%H:%M:%SZ) in $T_GEN s (load $t1 s) by $(redis-server --version | cut -d' ' -f1-3), used_memory $used, seed $SEED"
    echo "params: gen_version=$GEN_VERSION seed=$SEED zset=$ZSET_MEMBERS list=$LIST_LEN hash=$HASH_FIELDS set=$SET_MEMBERS base_ms=$base expire_ms=$expire rdb_bytes=$size"
  } >"$INFO_FILE"
  rm -rf "$gtmp"
  log "generated $RDB ($size bytes) in $T_GEN s"
}

# ================================================================ main
T_BEGIN=$(now)
TIME_START=$(date -u +%Y-%m-%dT%H:%M:%SZ)
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)
need_launcher "$MIGRATE_BIN" "$LOGDIR/launcher.err"

T_GEN=""
if rdb_reusable; then log "reusing $RDB (FORCE=1 regenerates)"; else generate_rdb; fi
EXPIRE_MS=$(info_param expire_ms)
RDB_BYTES=$(fsize "$RDB")
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- 2. cluster (bench/lib/common.sh)
cluster_start "$TMPD" 3 0 "$LOGDIR/cluster-create.log"

# ---------------------------------------------------------------- 3. migrate run
mkdir -p "$TMPD/state"
# shellcheck disable=SC2206  # MIGRATE_ARGS is a list on purpose
CMD=("$MIGRATE_BIN" run --source "rdb:$RDB" --target "redis://127.0.0.1:${MASTER_PORTS[0]}"
     --state-dir "$TMPD/state" $MIGRATE_ARGS)
CMD_SHOWN="JAVA_OPTS=\"$JOPTS\" ${CMD[*]}"
rm -f "$GC_LOG"
cat "$RDB" >/dev/null   # page cache
python3 -u -c "$PY" watch cluster "${MASTER_PORTS[0]}" >"$LOGDIR/watch.txt" 2>"$LOGDIR/watch.err" &
WATCH_PID=$!
log "$CMD_SHOWN"
T0_MS=$(now_ms)
T0=$(now)
JAVA_OPTS="$JOPTS" "${CMD[@]}" >"$LOGDIR/ours.out" 2>"$LOGDIR/ours.err" &
CUR_PID=$!
wait_peak_rss "$CUR_PID" "$OURS_TIMEOUT"
CUR_PID=""
SECS=$(calc "printf \"%.2f\", $(now) - $T0")
sleep 0.5   # a last length sample after the end
stop_pid "$WATCH_PID"; WATCH_PID=""
OURS_RC=$WAIT_RC
log "migrate run: exit $OURS_RC after $SECS s"

HWM_MIB=$(calc "printf \"%.1f\", $PEAK_HWM_KB / 1024")
RSS_MIB=$(calc "printf \"%.1f\", $PEAK_RSS_KB / 1024")
EPS=$(calc "printf \"%.0f\", $TOTAL_ELEMS / $SECS")
SUMMARY=$(grep . "$LOGDIR/ours.out" | tail -1 || true)
JVM_SEEN=""
[ "$PEAK_PROC" = java ] && JVM_SEEN=$(awk '{ for (i = 2; i <= NF && $i != "-jar"; i++) printf "%s%s", (i > 2 ? " " : ""), $i }' <<<"$PEAK_CMDLINE")

# heap from the GC log, in MiB: "GC(n) Pause Young (Allocation Failure) 30M->2M(98M) 3.4ms".
# After any GC: the heap still in use (with ParallelGC it includes old-generation garbage that only
# a full GC frees); after a full GC: the live data, the real footprint.
read -r GC_N GC_FULL HEAP_AFTER HEAP_LIVE HEAP_BEFORE HEAP_COMMITTED < <(
  awk 'function mib(s,  n, u) { n = s + 0; u = substr(s, length(s), 1)
         return u == "G" ? n * 1024 : u == "M" ? n : u == "K" ? n / 1024 : n / 1048576 }
       match($0, /[0-9]+[BKMG]->[0-9]+[BKMG]\([0-9]+[BKMG]\)/) {
         s = substr($0, RSTART, RLENGTH); split(s, a, /->|\(|\)/)
         n++; b = mib(a[1]); x = mib(a[2]); c = mib(a[3])
         if ($0 ~ /Pause Full/) { f++; if (x > ml) ml = x }
         if (x > ma) ma = x; if (b > mb) mb = b; if (c > mc) mc = c }
       END { printf "%d %d %.1f %s %.1f %.1f\n", n, f, ma, (f ? sprintf("%.1f", ml) : "-"), mb, mc }' "$GC_LOG" 2>/dev/null ||
  echo "0 0 - - - -")
[ -s "$GC_LOG" ] || { HEAP_AFTER=""; HEAP_LIVE=""; HEAP_BEFORE=""; HEAP_COMMITTED=""; }
[ "$HEAP_LIVE" != "-" ] || HEAP_LIVE=""

# each key's own load window, from the lengths polled on its master
KEY_TIMES=$(awk -v t0="$T0_MS" -v z="$ZSET_MEMBERS" -v l="$LIST_LEN" -v h="$HASH_FIELDS" -v s="$SET_MEMBERS" '
  BEGIN { want[2] = z; want[3] = l; want[4] = h; want[5] = s
          name[2] = "bigkey:zset"; name[3] = "bigkey:list"; name[4] = "bigkey:hash"; name[5] = "bigkey:set" }
  NF == 5 { for (i = 2; i <= 5; i++) {
              if ($i > 0 && !(i in first)) first[i] = $1
              if ($i > max[i]) max[i] = $i
              if ($i >= want[i] && !(i in done)) done[i] = $1 } }
  END { for (i = 2; i <= 5; i++) {
          if (!(i in first)) { printf "  %-12s %10d  never seen: not loaded\n", name[i], want[i]; continue }
          if (!(i in done)) { printf "  %-12s %10d  %7.2f  INCOMPLETE: at most %d seen\n", name[i], want[i],
                                     (first[i] - t0) / 1000, max[i]; continue }
          d = (done[i] - first[i]) / 1000
          printf "  %-12s %10d  %7.2f %7.2f %7.2f  %10s\n", name[i], want[i], (first[i] - t0) / 1000,
                 (done[i] - t0) / 1000, d, (d > 0 ? sprintf("%.0f", want[i] / d) : "-") } }' "$LOGDIR/watch.txt")
ZSET_EPS=$(awk '$1 == "bigkey:zset" && NF == 6 && $6 ~ /^[0-9]+$/ { print $6 }' <<<"$KEY_TIMES")

# The run leaves each expiry a --ttl-grace later and records the grace in a key of its own;
# `migrate finish` (what an operator runs after the cutover, outside the clock) makes them exact
# and removes that key, so the checks below see the source's data and nothing else.
if [ "$OURS_RC" = 0 ]; then
  "$MIGRATE_BIN" finish --state-dir "$TMPD/state" --target "redis://127.0.0.1:${MASTER_PORTS[0]}" \
    >"$LOGDIR/finish.out" 2>&1 || log "migrate finish failed: $(tail -3 "$LOGDIR/finish.out")"
fi

# ---------------------------------------------------------------- 4. checks
# `migrate run` failed: a non-zero exit, or exit 0 with a summary that says its worker stopped
RUN_FAIL=""
if [ "$OURS_RC" != 0 ]; then
  RUN_FAIL="migrate run exited $OURS_RC$([ "$OURS_RC" = 124 ] && echo " (killed after OURS_TIMEOUT=${OURS_TIMEOUT}s)")"
elif [[ "$SUMMARY" == *" - stopped" ]]; then
  RUN_FAIL="migrate run exited 0, but its summary says the worker stopped"
fi
FAIL_REASONS=()
[ -z "$RUN_FAIL" ] || FAIL_REASONS+=("$RUN_FAIL")
if grep -q 'OutOfMemoryError' "$LOGDIR/ours.err" "$LOGDIR/ours.out" 2>/dev/null; then
  FAIL_REASONS+=("OutOfMemoryError in its output")
fi
if ! grep -q ', 4 rewritten)' <<<"$SUMMARY"; then
  FAIL_REASONS+=("the summary does not say all 4 keys took the chunked rewrite path")
fi
# the data checks run in any case: after a failure they show how far each key got
CHECK_RC=0
bg_wait "$LOGDIR/check-cluster.txt" - python3 -c "$PY" check "$SEED" "$ZSET_MEMBERS" "$LIST_LEN" \
  "$HASH_FIELDS" "$SET_MEMBERS" "$EXPIRE_MS" "$SAMPLE" cluster "${MASTER_PORTS[0]}" || CHECK_RC=$?
CHECK_OUT=$(grep -v '^{' "$LOGDIR/check-cluster.txt" || true)
[ "$CHECK_RC" = 0 ] || FAIL_REASONS+=("data check failed")
VERIFY=OK
[ ${#FAIL_REASONS[@]} = 0 ] || VERIFY=FAIL

# ---------------------------------------------------------------- 5. report
{
  echo "== big-key benchmark  $TIME_START  (repo: $ROOT, rev $REV)"
  machine_lines | sed "s/^load: .*/load:     $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end (1\/5\/15 min)/"
  echo "rdb:      $RDB ($RDB_BYTES bytes; $([ -n "$T_GEN" ] && echo "generated in $T_GEN s" || echo "reused, generated $(( ($(now_ms) - $(info_param base_ms)) / 60000 )) min ago"))"
  sed -n 's/^\(keys\|encodings\|generated\):/          &/p; s/^ \{11\}\(bigkey\)/          \1/p' "$INFO_FILE"
  echo "cluster:  3 masters, 127.0.0.1:${MASTER_PORTS[*]} (no replicas); cluster setup $T_CLUSTER s"
  echo "command:  $CMD_SHOWN"
  [ -n "$JVM_SEEN" ] && echo "jvm:      $JVM_SEEN (from the java process' command line)"
  echo "summary:  ${SUMMARY:-(none)}"
  if [ -n "$RUN_FAIL" ]; then
    echo "FAILED:   $RUN_FAIL, after $SECS s; last lines of stderr ($LOGDIR/ours.err):"
    tail -25 "$LOGDIR/ours.err" | sed 's/^/  | /'
    if [ -s "$GC_LOG" ]; then echo "  last GC log lines ($GC_LOG):"; tail -5 "$GC_LOG" | sed 's/^/  | /'; fi
  fi
  echo
  echo "per key (seconds from the start of migrate run; from its length polled every 0.25 s on its master):"
  echo "  key            elements    first    done    span   elements/s"
  echo "$KEY_TIMES"
  echo
  echo "results:"
  printf '  %-30s %s\n' "heap limit" "$(grep -o -- '-Xmx[^ ]*' <<<"$JOPTS" | tail -1 || echo "none given") (JAVA_OPTS)"
  if [ -n "$HEAP_AFTER" ]; then
    printf '  %-30s %s\n' "max heap used after GC" "$HEAP_AFTER MiB (any GC; $GC_N GCs, $GC_FULL of them full)"
    printf '  %-30s %s\n' "max live heap (after full GC)" "$([ -n "$HEAP_LIVE" ] && echo "$HEAP_LIVE MiB" || echo "- (no full GC)")"
    printf '  %-30s %s\n' "max heap before GC / committed" "$HEAP_BEFORE MiB / $HEAP_COMMITTED MiB"
  else
    printf '  %-30s %s\n' "max heap used after GC" "- (no GC log: JAVA_OPTS without -Xlog:gc:file=...)"
  fi
  printf '  %-30s %s\n' "peak RSS" "$HWM_MIB MiB (VmHWM of ${PEAK_PROC:--}; max VmRSS seen over the tree $RSS_MIB MiB)"
  printf '  %-30s %s\n' "time" "$SECS s (whole process, JVM start included)"
  if [ -z "$RUN_FAIL" ]; then
    printf '  %-30s %s\n' "elements/s" "$EPS ($TOTAL_ELEMS elements of 4 keys / wall time); zset alone: ${ZSET_EPS:--} members/s"
  else
    printf '  %-30s %s\n' "elements/s" "- (the run failed)"
  fi
  printf '  %-30s %s\n' "migrate run exit" "$OURS_RC"
  if [ -n "$CHECK_OUT" ]; then echo; echo "checks on the cluster:"; echo "$CHECK_OUT"; fi
  echo
  echo "verification: $VERIFY$([ ${#FAIL_REASONS[@]} = 0 ] || { printf ' ('; printf '%s; ' "${FAIL_REASONS[@]}" | sed 's/; $//'; printf ')'; })"
  echo "logs: $LOGDIR (ours.out/.err, gc.log, watch.txt, check-*.txt); total $(since "$T_BEGIN") s"
} | tee "$REPORT"

nul() { [ -n "$1" ] && echo "$1" || echo null; }
printf '{"time":"%s","rev":"%s","zset_members":%d,"list_len":%d,"hash_fields":%d,"set_members":%d,"elements":%d,"seed":%d,"rdb_bytes":%d,"nproc":%d,"load_start":"%s","load_end":"%s","java_opts":"%s","migrate_args":"%s","exit":%d,"seconds":%s,"elements_per_s":%s,"zset_members_per_s":%s,"max_heap_after_gc_mib":%s,"max_live_after_full_gc_mib":%s,"max_heap_before_gc_mib":%s,"gcs":%d,"full_gcs":%d,"peak_rss_mib":%s,"max_rss_sum_mib":%s,"verify":"%s","fail":"%s","summary":"%s"}\n' \
  "$TIME_START" "$REV" "$ZSET_MEMBERS" "$LIST_LEN" "$HASH_FIELDS" "$SET_MEMBERS" "$TOTAL_ELEMS" "$SEED" "$RDB_BYTES" \
  "$(nproc)" "$LOAD_START" "$(cut -d' ' -f1-3 /proc/loadavg)" "${JOPTS//\"/\\\"}" "${MIGRATE_ARGS//\"/\\\"}" "$OURS_RC" "$SECS" "$([ -z "$RUN_FAIL" ] && echo "$EPS" || echo null)" "$(nul "$ZSET_EPS")" \
  "$(nul "$HEAP_AFTER")" "$(nul "$HEAP_LIVE")" "$(nul "$HEAP_BEFORE")" "${GC_N:-0}" "${GC_FULL:-0}" "$HWM_MIB" "$RSS_MIB" "$VERIFY" \
  "$(printf '%s; ' "${FAIL_REASONS[@]}" | sed 's/; $//; s/"/\\"/g')" "${SUMMARY//\"/\\\"}" >>"$RESULTS"

[ "$VERIFY" = OK ] || exit 1
