#!/usr/bin/env python3
"""Command generator and checker for bench/replay.sh (python3 stdlib only; slots, RESP and the
connection come from fullload.py).

  gen    --seed S --commands N --keys K --base-ms B --out FILE [--slots FILE --split-dir DIR]
         N mixed single-key writes over K keys as RESP (FILE, for `redis-cli --pipe` into the
         source), then `SET bench:replay:done 1`. Mix: 35 % SET (a fifth with PX), 15 % INCR,
         15 % HSET, 10 % RPUSH, 10 % SADD, 8 % ZADD, 4 % PEXPIREAT, 3 % DEL. Relative PX is written
         as absolute PXAT in the split files (what the replay sends). With --slots, the same
         commands pre-split by hash slot, one file per master: DIR/ceiling-PORT.resp.
  check  --source PORT --slots FILE --keys K --sample M
         Compares M keys (every K/M-th) between the source and the cluster: type, value, TTL
         presence. Prints a JSON summary; exit 1 on any difference.
"""
import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fullload import Conn, Sink, key_slot, load_slots, resp  # noqa: E402


def key_of(i):
    return b"r:%d" % i


def commands(seed, n, nkeys, base_ms):
    """yields (argv for the source, argv as the target receives it); deterministic"""
    rnd = random.Random(seed)
    types = {}  # key index -> type written first, so every command is valid for its key
    for _ in range(n):
        i = rnd.randrange(nkeys)
        k = key_of(i)
        t = types.get(i)
        x = rnd.random()
        if t is None:
            t = "string" if x < 0.5 else "hash" if x < 0.65 else "list" if x < 0.8 else "set" if x < 0.9 else "zset"
            types[i] = t
            x = rnd.random()
        if x < 0.03:
            types.pop(i, None)
            yield [b"DEL", k], None
            continue
        if x < 0.07:
            at = b"%d" % (base_ms + 3600_000 + rnd.randrange(3600_000))
            yield [b"PEXPIREAT", k, at], None
            continue
        v = b"v%08d" % rnd.randrange(10 ** 8)
        if t == "string":
            if rnd.random() < 0.3:
                yield [b"INCR", b"c:" + k], None
            elif rnd.random() < 0.2:
                ms = 3600_000 + rnd.randrange(3600_000)
                yield [b"SET", k, v, b"PX", b"%d" % ms], ms
            else:
                yield [b"SET", k, v], None
        elif t == "hash":
            yield [b"HSET", k, b"f%d" % rnd.randrange(20), v], None
        elif t == "list":
            yield [b"RPUSH", k, v], None
        elif t == "set":
            yield [b"SADD", k, b"m%d" % rnd.randrange(50)], None
        else:
            yield [b"ZADD", k, b"%d" % rnd.randrange(1000), b"m%d" % rnd.randrange(50)], None


def cmd_gen(a):
    table, ports = load_slots(a.slots) if a.slots else (None, [])
    src = Sink(open(a.out, "wb"))
    splits = [Sink(open(os.path.join(a.split_dir, "ceiling-%d.resp" % p), "wb")) for p in ports]
    count = 0
    for argv, px in commands(a.seed, a.commands, a.keys, a.base_ms):
        src.add(resp(argv))
        if table is not None:
            target = argv
            if px is not None:  # as the replay sends it: absolute
                target = argv[:3] + [b"PXAT", b"%d" % (a.base_ms + px)]
            splits[table[key_slot(argv[1])]].add(resp(target))
        count += 1
    done = [b"SET", b"bench:replay:done", b"1"]
    src.add(resp(done))
    if table is not None:
        splits[table[key_slot(done[1])]].add(resp(done))
    for s in [src] + splits:
        s.flush()
        s.f.close()
    print(json.dumps({"commands": count + 1, "files": len(splits) + 1}))


def value(c, k, t):
    if t == "string":
        return c.call("GET", k)
    if t == "hash":
        h = c.call("HGETALL", k)
        return sorted(zip(h[0::2], h[1::2]))
    if t == "list":
        return c.call("LRANGE", k, 0, -1)
    if t == "set":
        return sorted(c.call("SMEMBERS", k))
    if t == "zset":
        return c.call("ZRANGE", k, 0, -1, "WITHSCORES")
    return None


def compare(source_port, slots_file, keys):
    """Compares each key of `keys` between the source and the cluster (type, value, TTL presence);
    prints a JSON summary and returns 1 on any difference."""
    table, ports = load_slots(slots_file)
    src = Conn(source_port)
    nodes = {p: Conn(p) for p in ports}
    checked, diffs = 0, []
    for k in keys:
        dst = nodes[ports[table[key_slot(k)]]]
        st, dt = src.call("TYPE", k), dst.call("TYPE", k)
        ok = st == dt and value(src, k, st) == value(dst, k, dt)
        ok = ok and (src.call("PTTL", k) >= 0) == (dst.call("PTTL", k) >= 0)
        checked += 1
        if not ok:
            diffs.append(k.decode())
    print(json.dumps({"checked": checked, "differences": len(diffs), "first": diffs[:5]}))
    return 1 if diffs else 0


def check_parser(sub, fn):
    """the `check` subcommand: --source PORT --slots FILE --keys K --sample M"""
    p = sub.add_parser("check")
    p.add_argument("--source", type=int, required=True)
    p.add_argument("--slots", required=True)
    p.add_argument("--keys", type=int, required=True)
    p.add_argument("--sample", type=int, default=1000)
    p.set_defaults(fn=fn)


def cmd_check(a):
    step = max(1, a.keys // a.sample)
    return compare(a.source, a.slots, (k for i in range(0, a.keys, step) for k in (key_of(i), b"c:" + key_of(i))))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("gen")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--commands", type=int, required=True)
    p.add_argument("--keys", type=int, required=True)
    p.add_argument("--base-ms", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--slots")
    p.add_argument("--split-dir")
    p.set_defaults(fn=cmd_gen)
    check_parser(sub, cmd_check)
    a = ap.parse_args()
    sys.exit(a.fn(a) or 0)


if __name__ == "__main__":
    main()
