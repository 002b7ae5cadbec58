#!/usr/bin/env bash
# gen-rdb.sh [OUT_FILE] [TARGET_MB]
#
# Builds a benchmark RDB file of at least TARGET_MB MiB (default 1100 MiB,
# i.e. 1100*1048576 bytes) with a realistic mix of Redis types and encodings,
# saved by a real local redis-server.  See bench/README.md.
#
#   OUT_FILE   default: bench/out/bench.rdb (relative paths are relative to
#              the current directory)
#   TARGET_MB  default: 1100 (MiB)
#
# Environment:
#   FORCE=1    regenerate even if OUT_FILE exists and is big enough
#   VERIFY=1   run redis-check-rdb on the result
#   SEED=N     generator seed (default 42)
#
# The data is fed through `redis-cli --pipe` from a python3 (stdlib only)
# RESP generator embedded below.  The server runs on a free 127.0.0.1 port in
# a temp dir next to OUT_FILE (same filesystem, so the final mv is a rename),
# with --save "" --appendonly no, and is always shut down (trap).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
LOG_TAG=gen-rdb
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"

OUT_FILE="${1:-$ROOT/bench/out/bench.rdb}"
TARGET_MB="${2:-1100}"
SEED="${SEED:-42}"
FORCE="${FORCE:-0}"
VERIFY="${VERIFY:-0}"

if ! [[ "$TARGET_MB" =~ ^[0-9]+$ ]] || [ "$TARGET_MB" -lt 1 ]; then
  echo "gen-rdb: TARGET_MB must be a positive integer (MiB), got '$TARGET_MB'" >&2
  exit 2
fi
TARGET_BYTES=$((TARGET_MB * 1048576))

human() { awk -v b="$1" 'BEGIN { printf "%.1f MiB (%.1f MB)", b/1048576, b/1e6 }'; }

need_tools redis-server redis-cli python3 awk stat

mkdir -p "$(dirname "$OUT_FILE")"
OUT_FILE="$(cd "$(dirname "$OUT_FILE")" && pwd)/$(basename "$OUT_FILE")"
INFO_FILE="$OUT_FILE.info"

# ---------------------------------------------------------------- reuse
if [ "$FORCE" != "1" ] && [ -f "$OUT_FILE" ]; then
  have=$(fsize "$OUT_FILE")
  if [ "$have" -ge "$TARGET_BYTES" ]; then
    echo "Reusing existing $OUT_FILE: $have bytes = $(human "$have") >= target ${TARGET_MB} MiB (FORCE=1 regenerates)"
    if [ -f "$INFO_FILE" ]; then
      echo "--- $INFO_FILE"
      cat "$INFO_FILE"
    fi
    exit 0
  fi
  log "existing $OUT_FILE is only $(human "$have") < ${TARGET_MB} MiB: regenerating"
fi

T0=$(now)

# ---------------------------------------------------------------- server
TMPD="$(mktemp -d "$(dirname "$OUT_FILE")/.gen-rdb.XXXXXX")"
SRV_PID=""
PORT=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  redis_stop "$PORT" "$SRV_PID"
  rm -rf "$TMPD"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_server() {  # --databases 16: the fixed part writes keys into db 1 and 3
  redis_start_free "$TMPD" --dbfilename dump.rdb --save "" --appendonly no --rdbcompression yes \
    --rdbchecksum yes --databases 16
  SRV_PID=$REDIS_PID
  PORT=$REDIS_PORT
}

rcli() { redis-cli -h 127.0.0.1 -p "$PORT" "$@"; }

# ---------------------------------------------------------------- generator
# python3 stdlib only; writes RESP to stdout.
#   gen.py fixed  SEED SCALE          big collections, streams, some keys in db 1
#   gen.py filler SEED START COUNT    COUNT mixed keys, ids START..START+COUNT-1
IFS= read -r -d '' GEN_PY <<'PY' || true
import sys, random, base64

mode = sys.argv[1]
seed = int(sys.argv[2])
rng = random.Random(seed * 1000003 + (int(sys.argv[3]) if mode == "filler" else 7))
out = sys.stdout.buffer
_buf = []
_n = 0

def flush():
    global _buf, _n
    if _buf:
        out.write(b"".join(_buf))
    _buf = []
    _n = 0

def cmd(*args):
    global _n
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    s = b"".join(parts)
    _buf.append(s)
    _n += len(s)
    if _n > (4 << 20):
        flush()

def cmdv(head, items):
    """variadic command: head = [b"HSET", key], items = flat list of bytes"""
    global _n
    parts = [b"*%d\r\n" % (len(head) + len(items))]
    for a in head:
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    for a in items:
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    s = b"".join(parts)
    _buf.append(s)
    _n += len(s)
    if _n > (4 << 20):
        flush()

# ---- data pools (deterministic) -------------------------------------------
prng = random.Random(seed)
BIN = prng.randbytes(8 << 20)                 # incompressible bytes
B64 = base64.b64encode(BIN[: 3 << 20])        # incompressible printable
WORDS = ("the of and to in is for on that by this with from at be are was as an or "
         "user order item cart price total status active pending shipped delivered "
         "customer account session token email name address city country street "
         "product category description quantity discount currency payment method "
         "created updated deleted timestamp version region cluster shard replica "
         "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod "
         "tempor incididunt ut labore et dolore magna aliqua enim minim veniam").split()
CITIES = ["Berlin", "Paris", "Tokyo", "Lisbon", "Austin", "Oslo", "Lima", "Seoul", "Cairo", "Perth"]
tparts = []
tlen = 0
i = 0
while tlen < (4 << 20):
    if i % 3 == 0:
        s = ('{"id":%d,"name":"%s %s","email":"%s%d@example.com","city":"%s","active":%s,'
             '"score":%.2f,"tags":["%s","%s","%s"]}\n') % (
            prng.randrange(10**7), prng.choice(WORDS).title(), prng.choice(WORDS).title(),
            prng.choice(WORDS), prng.randrange(1000), prng.choice(CITIES),
            prng.choice(["true", "false"]), prng.random() * 1000,
            prng.choice(WORDS), prng.choice(WORDS), prng.choice(WORDS))
    else:
        s = " ".join(prng.choice(WORDS) for _ in range(prng.randint(8, 30))) + ".\n"
    tparts.append(s)
    tlen += len(s)
    i += 1
TEXT = "".join(tparts).encode()
LB, L64, LT = len(BIN), len(B64), len(TEXT)
ri = rng.randint
rr = rng.random

def rbin(n):
    o = rng.randrange(LB - n); return BIN[o:o + n]
def rb64(n):
    o = rng.randrange(L64 - n); return B64[o:o + n]
def rtext(n):
    o = rng.randrange(LT - n); return TEXT[o:o + n]
def rint():
    x = rr()
    if x < 0.5:
        return b"%d" % ri(0, 10000)
    if x < 0.8:
        return b"%d" % ri(-2**31, 2**31 - 1)
    return b"%d" % ri(-2**62, 2**62)

def small_val(lo=3, hi=60):
    x = rr()
    n = ri(lo, hi)
    if x < 0.4:
        return rtext(n)
    if x < 0.6:
        return rb64(n)
    if x < 0.75:
        return rbin(n)
    return rint()

def sval():
    """string value: mostly 50-500 bytes"""
    x = rr()
    if x < 0.38:
        return rbin(ri(50, 500))          # raw, incompressible (LZF fails -> raw)
    if x < 0.50:
        return rb64(ri(50, 500))          # printable, incompressible
    if x < 0.82:
        return rtext(ri(50, 500))         # compressible -> LZF
    if x < 0.92:
        return rint()                     # int encoding
    return rb64(ri(4, 20))                # short strings, never compressed

FAR = b"4102444800000"  # 2100-01-01 (ms): expiry that never triggers

def score():
    return b"%d" % ri(0, 10**6) if rr() < 0.5 else (b"%.3f" % (rr() * 1e6))

# ---- key writers -----------------------------------------------------------
def w_hash(key, n, vlo=3, vhi=60):
    items = []
    for j in range(n):
        items.append(b"f%d" % j if rr() < 0.5 else b"%s:%d" % (rtext(ri(3, 12)), j))
        items.append(small_val(vlo, vhi))
        if len(items) >= 1000:
            cmdv([b"HSET", key], items); items = []
    if items:
        cmdv([b"HSET", key], items)

def w_list(key, n):
    items = []
    for j in range(n):
        items.append(small_val(3, 100))
        if len(items) >= 1000:
            cmdv([b"RPUSH", key], items); items = []
    if items:
        cmdv([b"RPUSH", key], items)

def w_set(key, n, ints=False):
    items = []
    base = ri(0, 10**6)
    for j in range(n):
        if ints:
            items.append(b"%d" % (base + j * ri(1, 50)))
        else:
            items.append(b"m:%d:%s" % (j, rb64(ri(4, 30))))
        if len(items) >= 1000:
            cmdv([b"SADD", key], items); items = []
    if items:
        cmdv([b"SADD", key], items)

def w_zset(key, n):
    items = []
    for j in range(n):
        items.append(score())
        items.append(b"player:%d:%s" % (j, rtext(ri(2, 24))))
        if len(items) >= 1000:
            cmdv([b"ZADD", key], items); items = []
    if items:
        cmdv([b"ZADD", key], items)

def w_stream(key, n, groups):
    base = 1700000000000
    for j in range(n):
        ev = [b"event", rng.choice([b"click", b"view", b"buy", b"login"]),
              b"user", b"%d" % ri(1, 10**6)]
        if rr() < 0.5:
            ev += [b"payload", rtext(ri(20, 200))]
        if rr() < 0.2:
            ev += [b"blob", rbin(ri(8, 64))]
        cmdv([b"XADD", key, b"%d-%d" % (base + j // 3, j % 3)], ev)
    # a few deleted entries
    for j in range(0, n, max(1, n // 50)):
        cmd(b"XDEL", key, b"%d-%d" % (base + j // 3, j % 3))
    for g in range(groups):
        gname = b"group-%d" % g
        cmd(b"XGROUP", b"CREATE", key, gname, b"0")
        for c in range(3):
            cmd(b"XREADGROUP", b"GROUP", gname, b"consumer-%d" % c, b"COUNT", b"200",
                b"STREAMS", key, b">")
        cmd(b"XACK", key, gname, b"%d-0" % base, b"%d-0" % (base + 1), b"%d-0" % (base + 2))

def filler(start, count):
    for k in range(start, start + count):
        x = rr()
        if x < 0.82:
            key = b"%s:%d" % (rng.choice((b"cache:obj", b"session", b"page", b"counter", b"blob")), k)
            v = sval()
            if rr() < 0.10:
                cmd(b"SET", key, v, b"PXAT", FAR)
            else:
                cmd(b"SET", key, v)
            continue
        if x < 0.88:
            key = b"user:%d" % k
            w_hash(key, ri(10, 100))                       # listpack
        elif x < 0.91:
            key = b"queue:%d" % k
            w_list(key, ri(10, 100))                       # quicklist, 1 node
        elif x < 0.925:
            key = b"ids:%d" % k
            w_set(key, ri(10, 100), ints=True)             # intset
        elif x < 0.94:
            key = b"tags:%d" % k
            w_set(key, ri(10, 100))                        # hashtable (7.0)
        elif x < 0.996:
            key = b"rank:%d" % k
            w_zset(key, ri(10, 100))                       # listpack
        else:
            # medium collections: past listpack/intset limits
            y = rr()
            key = b"med:%d" % k
            n = ri(200, 2000)
            if y < 0.3:
                w_hash(key, n)                             # hashtable
            elif y < 0.5:
                w_set(key, n, ints=rr() < 0.3)             # hashtable
            elif y < 0.8:
                w_zset(key, n)                             # skiplist
            else:
                w_list(key, n)                             # quicklist
        if rr() < 0.10:
            cmd(b"PEXPIREAT", key, FAR)

if mode == "fixed":
    scale = float(sys.argv[3])
    def sz(lo, hi, floor):
        return max(floor, int(ri(lo, hi) * scale))
    for i in range(12):
        w_hash(b"big:hash:%d" % i, sz(10000, 100000, 600), 3, 80)
    for i in range(8):
        w_set(b"big:set:%d" % i, sz(10000, 100000, 600))
    for i in range(2):
        w_set(b"big:intset-overflow:%d" % i, sz(10000, 50000, 600), ints=True)
    for i in range(8):
        w_zset(b"big:zset:%d" % i, sz(10000, 100000, 600))
    for i in range(4):
        w_list(b"big:list:%d" % i, sz(100000, 250000, 2000))
    for i in range(4):
        w_stream(b"stream:%d" % i, sz(10000, 40000, 500), i % 3)
    # some keys in other databases (SELECTDB opcodes)
    cmd(b"SELECT", b"1")
    filler(10**9, max(500, int(30000 * scale)))
    cmd(b"SELECT", b"3")
    filler(2 * 10**9, max(100, int(5000 * scale)))
    cmd(b"SELECT", b"0")
elif mode == "filler":
    start, count = int(sys.argv[3]), int(sys.argv[4])
    step = max(1, count // 10)
    for s in range(start, start + count, step):
        filler(s, min(step, start + count - s))
        flush()
        if count >= 500000:
            sys.stderr.write("[gen-rdb]   generated %d/%d keys\n" % (s - start + min(step, start + count - s), count))
            sys.stderr.flush()
else:
    raise SystemExit("unknown mode " + mode)
flush()
out.flush()
PY

# feed one generator run through redis-cli --pipe, check for errors
feed() {
  local what="$1"; shift
  local t1 plog="$TMPD/pipe.log"
  t1=$(date +%s.%N)
  # run in the background and `wait`, so that a TERM/INT trap fires at once
  # (the cleanup then shuts the server down, which ends the pipeline too)
  ( set -o pipefail; python3 -c "$GEN_PY" "$@" | rcli --pipe ) >"$plog" 2>&1 &
  if ! wait $!; then
    tail -20 "$plog" >&2
    die "redis-cli --pipe failed while loading $what"
  fi
  local summary
  summary=$(grep -E 'errors: [0-9]+, replies: [0-9]+' "$plog" | tail -1 || true)
  case "$summary" in
    *"errors: 0,"*) ;;
    *) tail -20 "$plog" >&2; die "errors while loading $what: ${summary:-no summary}";;
  esac
  log "loaded $what: ${summary#*errors: 0, } in $(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s"
}

save_size() {
  local r
  rcli SAVE >"$TMPD/save.out" 2>&1 &
  wait $! || true
  r=$(cat "$TMPD/save.out")
  [ "$r" = "OK" ] || die "SAVE failed: $r"
  fsize "$TMPD/dump.rdb"
}

# ---------------------------------------------------------------- main
log "target: >= ${TARGET_MB} MiB ($TARGET_BYTES bytes) -> $OUT_FILE"
start_server
log "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') pid $SRV_PID on 127.0.0.1:$PORT, dir $TMPD"

SCALE=$(awk -v t="$TARGET_MB" 'BEGIN { s = t / 1100; if (s > 1) s = 1; printf "%.4f", s }')
CAL_KEYS=$(awk -v s="$SCALE" 'BEGIN { n = int(200000 * s); if (n < 2000) n = 2000; print n }')

# 1) fixed part: big collections, streams, keys in db 1 and 3
feed "fixed part (big hashes/sets/zsets/lists, streams, db1/db3 keys; scale $SCALE)" fixed "$SEED" "$SCALE"
SIZE=$(save_size)
log "after fixed part: RDB $(human "$SIZE")"

# 2) calibration batch: measure RDB bytes per filler key
NEXT_ID=0
if [ "$SIZE" -lt "$TARGET_BYTES" ]; then
  feed "calibration batch of $CAL_KEYS keys" filler "$SEED" "$NEXT_ID" "$CAL_KEYS"
  NEXT_ID=$((NEXT_ID + CAL_KEYS))
  SIZE2=$(save_size)
  BPK=$(awk -v a="$SIZE" -v b="$SIZE2" -v n="$CAL_KEYS" 'BEGIN { printf "%.3f", (b - a) / n }')
  SIZE=$SIZE2
  log "after calibration: RDB $(human "$SIZE"); $BPK RDB bytes per filler key"
fi

# 3) fill up to the target (+3% margin), top up until big enough
round=0
while [ "$SIZE" -lt "$TARGET_BYTES" ]; do
  round=$((round + 1))
  [ "$round" -le 5 ] || die "still below target after 5 top-up rounds"
  N=$(awk -v t="$TARGET_BYTES" -v s="$SIZE" -v b="$BPK" -v r="$round" \
      'BEGIN { m = (r == 1) ? 1.03 : 1.05; n = int((t - s) / b * m) + 1000; print n }')
  feed "batch $round: $N keys" filler "$SEED" "$NEXT_ID" "$N"
  NEXT_ID=$((NEXT_ID + N))
  log "SAVE ..."
  SIZE=$(save_size)
  log "after batch $round: RDB $(human "$SIZE")"
done

# ---------------------------------------------------------------- report
KEYSPACE=$(rcli INFO keyspace | tr -d '\r' | grep '^db')
TOTAL_KEYS=$(printf '%s\n' "$KEYSPACE" | sed -n 's/.*keys=\([0-9]*\).*/\1/p' | awk '{s+=$1} END {print s+0}')
TOTAL_EXPIRES=$(printf '%s\n' "$KEYSPACE" | sed -n 's/.*expires=\([0-9]*\).*/\1/p' | awk '{s+=$1} END {print s+0}')
USED_MEM=$(rcli INFO memory | tr -d '\r' | sed -n 's/^used_memory_human://p')

# exact composition: server-side Lua scan (type/encoding -> keys, elements|bytes)
COMPOSITION=""
for db in $(printf '%s\n' "$KEYSPACE" | sed -n 's/^db\([0-9]*\):.*/\1/p'); do
  COMPOSITION+=$(rcli -n "$db" EVAL "$COMPOSITION_LUA" 0 | sed "s/^/db$db /")$'\n'
done
COMP_TABLE=$(printf '%s' "$COMPOSITION" | awk '
  NF == 4 { k[$2] += $3; e[$2] += $4; tk += $3 }
  END {
    printf "  %-20s %10s %7s %14s\n", "type/encoding", "keys", "%keys", "elems|bytes"
    for (id in k) printf "  %-20s %10d %6.2f%% %14d\n", id, k[id], 100 * k[id] / tk, e[id]
  }' | { IFS= read -r hdr; echo "$hdr"; sort -k1,1; })

mv -f "$TMPD/dump.rdb" "$OUT_FILE"
FINAL=$(fsize "$OUT_FILE")
ELAPSED=$(since "$T0")

{
  echo "file:        $OUT_FILE"
  echo "size:        $FINAL bytes = $(human "$FINAL") (target >= ${TARGET_MB} MiB)"
  echo "keys:        $TOTAL_KEYS (with TTL: $TOTAL_EXPIRES)"
  echo "keyspace:    $(printf '%s' "$KEYSPACE" | tr '\n' ' ')"
  echo "used_memory: $USED_MEM"
  echo "generated:   $(date -u +%Y-%m-%dT%H:%M:%SZ) in ${ELAPSED}s by $(redis-server --version | cut -d' ' -f1-3), seed $SEED, rdbcompression yes"
  echo "composition (elems|bytes = collection elements, or string bytes for strings;"
  echo "             streams count entries; 'string/int' bytes are digits):"
  echo "$COMP_TABLE"
} > "$INFO_FILE"
cat "$INFO_FILE"

if [ "$VERIFY" = "1" ]; then
  command -v redis-check-rdb >/dev/null 2>&1 || die "redis-check-rdb not found"
  log "VERIFY=1: redis-check-rdb $OUT_FILE ..."
  redis-check-rdb "$OUT_FILE" | tail -8
fi
log "done in $(since "$T0")s"
