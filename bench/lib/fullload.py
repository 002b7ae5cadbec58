#!/usr/bin/env python3
"""Dataset generator and cluster helpers for bench/full-load.sh (python3 stdlib only).

The data set is a deterministic function of (seed, keys, base_ms): every mode below runs the
same generator (`records`), so the RDB made from `gen` and the per-master files made by
`split` hold exactly the same keys, values and absolute expiry times.

  gen    --seed S --keys N --base-ms B [--stats FILE]
         RESP for all keys on stdout (SET [PXAT], HSET, RPUSH, SADD, ZADD, PEXPIREAT), for
         `redis-cli --pipe` into one standalone server. FILE gets the expected counts (JSON).
         With --parts M --parts-dir DIR: into M files DIR/part-J.resp instead, key i in part
         i mod M (disjoint parts of the same data set, for M sources).
  slots  --port P [--out FILE]
         CLUSTER SLOTS of the node on 127.0.0.1:P as lines "start end master_port"; checks
         that all 16384 slots are covered.
  split  --seed S --keys N --base-ms B --slots FILE --out DIR [--restore-from PORT]
         [--wait-replicas R] [--sample K --sample-out FILE]
         One RESP file per master, DIR/native-PORT.resp, each key routed by its hash slot
         (CRC16/XMODEM of the key or its {hash tag}, mod 16384). With --restore-from, also
         DIR/restore-PORT.resp with `RESTORE key ttl payload [ABSTTL]`, the payloads taken with
         DUMP from a standalone server on 127.0.0.1:PORT that holds the data set. With
         --wait-replicas R every file ends with `WAIT R 60000`. Writes DIR/files.txt (one line
         per file: kind port commands bytes keys expires) and prints a JSON summary. --sample writes K deterministic sample keys with their
         expected type, value and expiry to FILE (for `check`).
  check  --slots FILE --sample-in FILE [--ttl-tolerance-ms MS]
         Reads every sample key from the cluster (TYPE, PTTL and the whole value), compares it
         with the expected one, prints a JSON summary; exit 1 on any mismatch.
  keyslot KEY...
         Prints the hash slot of each key (self-test against CLUSTER KEYSLOT).
  params
         Prints "gen_version=V ttl_min_ms=MS ttl_max_ms=MS": what the RDB reuse check needs.
"""
import argparse
import binascii
import base64
import json
import os
import random
import socket
import sys
import time

GEN_VERSION = 1          # bump when the data set changes (the .info records it)
ID_PRIME = 10_000_019    # key ids: i -> (i * ID_MULT + seed) mod ID_PRIME is a bijection
ID_MULT = 7_368_787
HOUR_MS = 3_600_000
TTL_MIN_MS = 6 * HOUR_MS  # expiries are base_ms + [6 h, 24 h)
TTL_MAX_MS = 24 * HOUR_MS
TTL_SHARE = 0.20


# --------------------------------------------------------------------------- generator
def records(seed, n, base_ms):
    """Yields (i, key, type, data, expire_ms) for i in 0..n-1; expire_ms 0 = no TTL.

    data: str -> bytes; hash -> [(field, value)]; list -> [elem]; set -> [member];
    zset -> [(score_bytes, member)].
    Mix: 70 % strings of 20-200 bytes; 9 % hashes of 5-20 fields, 7 % lists of 5-20
    elements, 7 % sets of 5-20 members (half integers -> intset, half strings), 7 % zsets
    of 5-20 members; 20 % of all keys expire at base_ms + 6..24 h.
    """
    if n > ID_PRIME:
        raise SystemExit("at most %d keys" % ID_PRIME)
    prng = random.Random(seed)
    words = ("the of and to in is for on that by this with from at be are was as an or "
             "user order item cart price total status active pending shipped delivered "
             "customer account session token email name address city country street "
             "product category description quantity discount currency payment method "
             "created updated deleted timestamp version region cluster shard replica "
             "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod").split()
    cities = ["Berlin", "Paris", "Tokyo", "Lisbon", "Austin", "Oslo", "Lima", "Seoul", "Cairo"]
    parts, size = [], 0
    while size < (1 << 20):
        s = ('{"id":%d,"name":"%s %s","email":"%s%d@example.com","city":"%s","active":%s,'
             '"score":%.2f,"tags":["%s","%s"],"created":%d}' % (
                 prng.randrange(10 ** 7), prng.choice(words).title(), prng.choice(words).title(),
                 prng.choice(words), prng.randrange(1000), prng.choice(cities),
                 prng.choice(["true", "false"]), prng.random() * 1000, prng.choice(words),
                 prng.choice(words), 1600000000 + prng.randrange(10 ** 8)))
        parts.append(s)
        size += len(s)
    JSON = "".join(parts).encode()
    parts, size = [], 0
    while size < (1 << 20):
        s = " ".join(prng.choice(words) for _ in range(prng.randint(5, 25))) + ". "
        parts.append(s)
        size += len(s)
    TEXT = "".join(parts).encode()
    B64 = base64.b64encode(prng.randbytes(3 << 18))           # 1 MiB, incompressible
    FIELDS = [w.encode() for w in ("name", "email", "city", "country", "street", "zip", "phone",
                                   "lang", "theme", "tz", "plan", "status", "created", "updated",
                                   "last_login", "visits", "score", "level", "avatar", "referrer",
                                   "currency", "newsletter", "notify_email", "notify_sms")]
    TAGS = [b"tag:" + w.encode() for w in sorted(set(words))]
    LJ, LT, LB = len(JSON), len(TEXT), len(B64)

    rng = random.Random(seed * 1000003 + GEN_VERSION)
    r, ri, rr = rng.random, rng.randint, rng.randrange

    def jslice(k):
        o = rr(LJ - k)
        return JSON[o:o + k]

    def tslice(k):
        o = rr(LT - k)
        return TEXT[o:o + k]

    def bslice(k):
        o = rr(LB - k)
        return B64[o:o + k]

    def small():
        x = r()
        if x < 0.35:
            return b"%d" % rr(100000)
        if x < 0.75:
            return tslice(ri(3, 30))
        return bslice(ri(8, 40))

    for i in range(n):
        kid = (i * ID_MULT + seed) % ID_PRIME
        x = r()
        if x < 0.70:
            t = "string"
            y = r()
            if y < 0.40:
                key, data = b"user:%d:profile" % kid, jslice(ri(60, 200))
            elif y < 0.65:
                key, data = b"session:%d" % kid, bslice(ri(20, 64))
            elif y < 0.85:
                key, data = b"cache:page:%d" % kid, tslice(ri(40, 200))
            else:
                key, data = b"product:%d:name" % kid, tslice(ri(20, 40))
        elif x < 0.79:
            t, key = "hash", b"user:%d:settings" % kid
            data = [(f, small()) for f in rng.sample(FIELDS, ri(5, 20))]
        elif x < 0.86:
            t, key = "list", b"queue:%d:events" % kid
            data = [jslice(ri(10, 60)) for _ in range(ri(5, 20))]
        elif x < 0.93:
            t = "set"
            if r() < 0.5:
                key = b"group:%d:members" % kid
                base = rr(10 ** 6)
                data = []
                for _ in range(ri(5, 20)):
                    base += ri(1, 50)
                    data.append(b"%d" % base)
            else:
                key = b"article:%d:tags" % kid
                data = rng.sample(TAGS, ri(5, 20))
        else:
            t, key = "zset", b"leaderboard:%d" % kid
            base = rr(10 ** 6)
            data = [((b"%d" % rr(100000)) if r() < 0.5 else (b"%.2f" % (r() * 1000)),
                     b"player:%d" % (base + j)) for j in range(ri(5, 20))]
        exp = base_ms + rr(TTL_MIN_MS, TTL_MAX_MS) if r() < TTL_SHARE else 0
        yield i, key, t, data, exp


# --------------------------------------------------------------------------- RESP
def resp(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n" % len(a))
        out.append(a)
        out.append(b"\r\n")
    return b"".join(out)


def native_cmds(key, t, data, exp):
    """the natural commands that create the key; returns a list of RESP-encoded commands"""
    if t == "string":
        if exp:
            return [resp([b"SET", key, data, b"PXAT", b"%d" % exp])]
        return [resp([b"SET", key, data])]
    if t == "hash":
        args = [b"HSET", key]
        for f, v in data:
            args.append(f)
            args.append(v)
    elif t == "list":
        args = [b"RPUSH", key] + data
    elif t == "set":
        args = [b"SADD", key] + data
    else:
        args = [b"ZADD", key]
        for s, m in data:
            args.append(s)
            args.append(m)
    c = [resp(args)]
    if exp:
        c.append(resp([b"PEXPIREAT", key, b"%d" % exp]))
    return c


class RespError(Exception):
    pass


class Conn:
    def __init__(self, port, host="127.0.0.1", timeout=120):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.f = self.sock.makefile("rb", buffering=1 << 20)

    def send(self, encoded):
        self.sock.sendall(encoded if isinstance(encoded, bytes) else b"".join(encoded))

    def read(self):
        line = self.f.readline()
        if not line:
            raise ConnectionError("connection closed")
        t, rest = line[:1], line[1:-2]
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            d = self.f.read(n + 2)
            return d[:-2]
        if t == b":":
            return int(rest)
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return RespError(rest.decode(errors="replace"))
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise ConnectionError("unexpected reply %r" % line[:40])

    def call(self, *args):
        self.send(resp([a if isinstance(a, bytes) else str(a).encode() for a in args]))
        v = self.read()
        if isinstance(v, RespError):
            raise v
        return v

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# --------------------------------------------------------------------------- slots
def key_slot(key):
    s = key.find(b"{")
    if s >= 0:
        e = key.find(b"}", s + 1)
        if e > s + 1:
            key = key[s + 1:e]
    return binascii.crc_hqx(key, 0) & 16383


def load_slots(path):
    """-> (slot -> index into ports, ports)"""
    ports, table = [], [None] * 16384
    for line in open(path):
        p = line.split()
        if len(p) < 3:
            continue
        a, b, port = int(p[0]), int(p[1]), int(p[2])
        if port not in ports:
            ports.append(port)
        idx = ports.index(port)
        for s in range(a, b + 1):
            table[s] = idx
    missing = sum(1 for x in table if x is None)
    if missing:
        raise SystemExit("slot map %s leaves %d slots uncovered" % (path, missing))
    return table, ports


def cmd_slots(a):
    c = Conn(a.port)
    rows = []
    for entry in c.call("CLUSTER", "SLOTS"):
        rows.append((entry[0], entry[1], entry[2][1]))
    c.close()
    rows.sort()
    covered = sum(b - a_ + 1 for a_, b, _ in rows)
    if covered != 16384:
        raise SystemExit("CLUSTER SLOTS covers %d of 16384 slots" % covered)
    text = "".join("%d %d %d\n" % r for r in rows)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


# --------------------------------------------------------------------------- gen
class Sink:
    """buffered binary writer"""
    def __init__(self, f):
        self.f, self.buf, self.n = f, [], 0

    def add(self, b):
        self.buf.append(b)
        self.n += len(b)
        if self.n >= (4 << 20):
            self.flush()

    def flush(self):
        if self.buf:
            self.f.write(b"".join(self.buf))
        self.buf, self.n = [], 0


def new_stats():
    return {"keys": 0, "expires": 0, "string": 0, "hash": 0, "list": 0, "set": 0, "zset": 0,
            "elements": 0, "commands": 0}


def count(st, t, data, exp, ncmds):
    st["keys"] += 1
    st[t] += 1
    st["elements"] += 1 if t == "string" else len(data)
    st["expires"] += 1 if exp else 0
    st["commands"] += ncmds


def cmd_gen(a):
    if a.parts_dir:  # key i goes to DIR/part-(i mod parts).resp
        outs = [Sink(open(os.path.join(a.parts_dir, "part-%d.resp" % j), "wb")) for j in range(a.parts)]
    else:
        outs = [Sink(sys.stdout.buffer)]
    st = new_stats()
    step = max(1, a.keys // 10)
    for i, key, t, data, exp in records(a.seed, a.keys, a.base_ms):
        cs = native_cmds(key, t, data, exp)
        out = outs[i % len(outs)]
        for c in cs:
            out.add(c)
        count(st, t, data, exp, len(cs))
        if a.keys >= 200000 and (i + 1) % step == 0:
            sys.stderr.write("[fullload.py] generated %d/%d keys\n" % (i + 1, a.keys))
            sys.stderr.flush()
    for out in outs:
        out.flush()
        if a.parts_dir:
            out.f.close()
    sys.stdout.buffer.flush()
    st.update(seed=a.seed, base_ms=a.base_ms, gen_version=GEN_VERSION)
    if a.stats:
        with open(a.stats, "w") as f:
            json.dump(st, f)


# --------------------------------------------------------------------------- split
def latin(b):
    return b.decode("latin-1")


def cmd_split(a):
    table, ports = load_slots(a.slots)
    os.makedirs(a.out, exist_ok=True)
    nat = [Sink(open(os.path.join(a.out, "native-%d.resp" % p), "wb")) for p in ports]
    per = [new_stats() for _ in ports]
    rst = src = None
    rcount = [0] * len(ports)
    if a.restore_from:
        rst = [Sink(open(os.path.join(a.out, "restore-%d.resp" % p), "wb")) for p in ports]
        src = Conn(a.restore_from)
    sample_idx = set()
    if a.sample and a.sample_out:
        sample_idx = set(random.Random(a.seed * 7 + 99).sample(range(a.keys), min(a.sample, a.keys)))
    sample = []
    pending = []          # (idx, key, exp) waiting for DUMP

    def drain():
        if not pending:
            return
        src.send([resp([b"DUMP", k]) for _, k, _ in pending])
        for idx, k, exp in pending:
            payload = src.read()
            if not isinstance(payload, bytes):
                raise SystemExit("DUMP %r on the source returned %r" % (k, payload))
            if exp:
                rst[idx].add(resp([b"RESTORE", k, b"%d" % exp, payload, b"ABSTTL"]))
            else:
                rst[idx].add(resp([b"RESTORE", k, b"0", payload]))
            rcount[idx] += 1
        pending.clear()

    for i, key, t, data, exp in records(a.seed, a.keys, a.base_ms):
        idx = table[key_slot(key)]
        cs = native_cmds(key, t, data, exp)
        for c in cs:
            nat[idx].add(c)
        count(per[idx], t, data, exp, len(cs))
        if rst is not None:
            pending.append((idx, key, exp))
            if len(pending) >= 2000:
                drain()
        if i in sample_idx:
            if t == "string":
                v = latin(data)
            elif t == "hash":
                v = {latin(f): latin(x) for f, x in data}
            elif t == "list":
                v = [latin(x) for x in data]
            elif t == "set":
                v = sorted(latin(x) for x in data)
            else:
                v = {latin(m): float(s) for s, m in data}
            sample.append({"key": latin(key), "type": t, "value": v, "expire_ms": exp})
    if rst is not None:
        drain()
        src.close()
    tail = resp([b"WAIT", b"%d" % a.wait_replicas, b"60000"]) if a.wait_replicas else b""
    files = []
    for j, p in enumerate(ports):
        for sinks, kind, ncmd in ((nat, "native", per[j]["commands"]),
                                  (rst, "restore", rcount[j])):
            if sinks is None:
                continue
            if tail:
                sinks[j].add(tail)
                ncmd += 1
            sinks[j].flush()
            sinks[j].f.close()
            path = os.path.join(a.out, "%s-%d.resp" % (kind, p))
            files.append({"kind": kind, "port": p, "file": path, "commands": ncmd,
                          "bytes": os.path.getsize(path), "keys": per[j]["keys"],
                          "expires": per[j]["expires"]})
    total = new_stats()
    for s in per:
        for k in total:
            total[k] += s[k]
    with open(os.path.join(a.out, "files.txt"), "w") as f:
        for d in files:
            f.write("%(kind)s %(port)d %(commands)d %(bytes)d %(keys)d %(expires)d\n" % d)
    if a.sample_out:
        with open(a.sample_out, "w") as f:
            json.dump(sample, f)
    print(json.dumps({"ports": ports, "totals": total, "files": files}))


# --------------------------------------------------------------------------- check
def cmd_check(a):
    table, ports = load_slots(a.slots)
    sample = json.load(open(a.sample_in))
    conns = {p: Conn(p) for p in ports}
    groups = {p: [] for p in ports}
    for s in sample:
        groups[ports[table[key_slot(s["key"].encode("latin-1"))]]].append(s)
    read_cmd = {"string": [b"GET"], "hash": [b"HGETALL"], "list": [b"LRANGE", None, b"0", b"-1"],
                "set": [b"SMEMBERS"], "zset": [b"ZRANGE", None, b"0", b"-1", b"WITHSCORES"]}
    bad, details, drift_max, checked = 0, [], 0, 0
    by_type = {}
    for p, items in groups.items():
        c = conns[p]
        cmds = []
        for s in items:
            k = s["key"].encode("latin-1")
            rc = list(read_cmd[s["type"]])
            if len(rc) == 1:
                rc.append(k)
            else:
                rc[1] = k
            cmds += [resp([b"TYPE", k]), resp([b"PTTL", k]), resp(rc)]
        t_send = int(time.time() * 1000)
        c.send(cmds)
        for s in items:
            typ, pttl, val = c.read(), c.read(), c.read()
            t_now = int(time.time() * 1000)
            checked += 1
            by_type[s["type"]] = by_type.get(s["type"], 0) + 1
            why = []
            if typ != s["type"]:
                why.append("TYPE %r, expected %r" % (typ, s["type"]))
            else:
                if isinstance(val, RespError):
                    why.append("read error %s" % val)
                else:
                    t = s["type"]
                    if t == "string":
                        got = latin(val) if val is not None else None
                    elif t == "hash":
                        got = {latin(val[j]): latin(val[j + 1]) for j in range(0, len(val), 2)}
                    elif t == "list":
                        got = [latin(x) for x in val]
                    elif t == "set":
                        got = sorted(latin(x) for x in val)
                    else:
                        got = {latin(val[j]): float(val[j + 1]) for j in range(0, len(val), 2)}
                    if got != s["value"]:
                        why.append("value differs")
            exp = s["expire_ms"]
            if not isinstance(pttl, int):
                why.append("PTTL %r" % (pttl,))
            elif exp == 0 and pttl != -1:
                why.append("PTTL %d, expected -1 (no TTL)" % pttl)
            elif exp and pttl <= 0:
                why.append("PTTL %d, expected a TTL (expire at %d)" % (pttl, exp))
            elif exp:
                # the absolute expiry the server holds is within [t_send + pttl, t_now + pttl]
                lo, hi = t_send + pttl - 1, t_now + pttl + 1
                d = 0 if lo <= exp <= hi else min(abs(exp - lo), abs(exp - hi))
                drift_max = max(drift_max, d)
                if d > a.ttl_tolerance_ms:
                    why.append("expiry off by %d ms (PTTL %d, expected expire at %d)" % (d, pttl, exp))
            if why:
                bad += 1
                if len(details) < 10:
                    details.append("%s (%s): %s" % (s["key"], s["type"], "; ".join(why)))
    for c in conns.values():
        c.close()
    print(json.dumps({"checked": checked, "mismatches": bad, "by_type": by_type,
                      "max_expiry_drift_ms": drift_max, "details": details}))
    sys.exit(1 if bad or checked != len(sample) else 0)


def cmd_params(a):
    print("gen_version=%d ttl_min_ms=%d ttl_max_ms=%d" % (GEN_VERSION, TTL_MIN_MS, TTL_MAX_MS))


def cmd_keyslot(a):
    for k in a.key:
        print(key_slot(k.encode()))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)

    def data_args(p):
        p.add_argument("--seed", type=int, required=True)
        p.add_argument("--keys", type=int, required=True)
        p.add_argument("--base-ms", type=int, required=True)

    p = sub.add_parser("gen")
    data_args(p)
    p.add_argument("--stats")
    p.add_argument("--parts", type=int, default=1)
    p.add_argument("--parts-dir")
    p.set_defaults(fn=cmd_gen)
    p = sub.add_parser("slots")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out")
    p.set_defaults(fn=cmd_slots)
    p = sub.add_parser("split")
    data_args(p)
    p.add_argument("--slots", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--restore-from", type=int)
    p.add_argument("--wait-replicas", type=int, default=0)
    p.add_argument("--sample", type=int, default=0)
    p.add_argument("--sample-out")
    p.set_defaults(fn=cmd_split)
    p = sub.add_parser("check")
    p.add_argument("--slots", required=True)
    p.add_argument("--sample-in", required=True)
    p.add_argument("--ttl-tolerance-ms", type=int, default=60000)
    p.set_defaults(fn=cmd_check)
    p = sub.add_parser("keyslot")
    p.add_argument("key", nargs="+")
    p.set_defaults(fn=cmd_keyslot)
    p = sub.add_parser("params")
    p.set_defaults(fn=cmd_params)
    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
