#!/usr/bin/env python3
"""Paced writers and a status sampler for bench/lag.sh (python3 stdlib only).

  saturate --port P --conns N --seconds S --keys K --seed X
           N writer processes, each pipelining batches of 100 as fast as the source answers,
           for S seconds. Prints {"writes_per_s": ...}: what the source (and these writers)
           accept on their own, the ceiling the steps are a share of.
  check    --source P --slots FILE --keys K --sample M
           Compares M indices (every K/M-th) of each kind between the source and the cluster:
           type, value, TTL presence. Prints a JSON summary; exit 1 on any difference.
  step     --port P --conns N --rate R --seconds S --keys K --seed X --status FILE
           N writer processes, together R writes/s, each paced every millisecond (a writer
           that falls behind catches up in batches of up to 1,000); meanwhile the status file
           of a running `migrate run` is read every 100 ms. Prints a JSON summary: target and
           achieved rate, lag_seconds and lag_bytes p50/p99/max over the step, the mean of the
           last second, whether the lag stayed bounded, and the writers' CPU-seconds. With
           --series FILE, every sample is also written there, one line each: epoch seconds,
           lag_seconds, lag_bytes, the status's own time (to tell a stall of the tool from a
           status file not renewed).

The writes: SET, INCR, HSET and RPUSH in equal shares over K keys of each kind (lag:s:*,
lag:c:*, lag:h:*, lag:l:*), each writer cycling through 10,000 pre-encoded commands drawn
with its own seed. Every reply is one line (+OK or :N); a reply starting with '-' stops the
writer with an error.
"""
import argparse
import json
import multiprocessing as mp
import random
import socket
import sys
import os
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from replay import check_parser, compare  # noqa: E402

POOL = 10_000


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def pool(seed, keys):
    rnd = random.Random(seed)
    cmds = []
    for _ in range(POOL):
        i = rnd.randrange(keys)
        v = b"v%08d" % rnd.randrange(10 ** 8)
        kind = rnd.randrange(4)
        if kind == 0:
            cmds.append(resp(b"SET", b"lag:s:%d" % i, v))
        elif kind == 1:
            cmds.append(resp(b"INCR", b"lag:c:%d" % i))
        elif kind == 2:
            cmds.append(resp(b"HSET", b"lag:h:%d" % i, b"f%d" % rnd.randrange(20), v))
        else:
            cmds.append(resp(b"RPUSH", b"lag:l:%d" % i, v))
    return cmds


class Writer:
    def __init__(self, port, seed, keys):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.cmds = pool(seed, keys)
        self.at = 0
        self.pending = b""

    def send(self, n):
        """sends n commands and waits for their n replies"""
        parts = []
        for _ in range(n):
            parts.append(self.cmds[self.at])
            self.at = (self.at + 1) % POOL
        self.sock.sendall(b"".join(parts))
        lines = 0
        while lines < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("the source closed the connection")
            data = self.pending + chunk
            if data.startswith(b"-") or b"\n-" in data:
                raise RuntimeError("the source answered an error: %r" % data[:200])
            lines += chunk.count(b"\n")
            self.pending = data[data.rfind(b"\n") + 1:]


def run_writer(port, seed, keys, rate, seconds, counter, failed):
    try:
        w = Writer(port, seed, keys)
        t0 = time.monotonic()
        end = t0 + seconds
        sent = 0
        while True:
            now = time.monotonic()
            if now >= end:
                break
            due = (1 << 30) if rate <= 0 else int((now - t0) * rate) - sent
            if due <= 0:
                time.sleep(0.001)
                continue
            n = min(due, 100 if rate <= 0 else 1000)
            w.send(n)
            sent += n
            with counter.get_lock():
                counter.value += n
    except Exception as e:  # reported by the parent, which fails the step
        failed.value = 1
        sys.stderr.write("[lag.py] writer %d: %s\n" % (seed, e))


def start_writers(a, rate_each):
    counter = mp.Value("q", 0)
    failed = mp.Value("i", 0)
    procs = [mp.Process(target=run_writer, args=(a.port, a.seed * 1000 + j, a.keys, rate_each, a.seconds, counter, failed))
             for j in range(a.conns)]
    for p in procs:
        p.start()
    return procs, counter, failed


def join(procs, failed):
    for p in procs:
        p.join()
    if failed.value:
        sys.exit(1)


def cmd_saturate(a):
    procs, counter, failed = start_writers(a, 0)
    t0 = time.monotonic()
    join(procs, failed)
    print(json.dumps({"writes_per_s": round(counter.value / (time.monotonic() - t0)), "conns": a.conns}))


def pct(values, q):
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, int(q * (len(s) - 1) + 0.5))]


def read_status(path):
    try:
        with open(path) as f:
            st = json.load(f)
    except (OSError, ValueError):  # replaced between open and read, or not written yet
        return None
    ws = st.get("workers") or []
    if not ws:
        return None
    return max(w["lag_seconds"] for w in ws), sum(max(0, w["lag_bytes"]) for w in ws), st.get("time", "")


def cmd_step(a):
    procs, counter, failed = start_writers(a, a.rate / a.conns)
    t0 = time.monotonic()
    secs, byts, tail_s, tail_b = [], [], [], []
    series = open(a.series, "w") if a.series else None
    while any(p.is_alive() for p in procs):
        s = read_status(a.status)
        if s is not None:
            if series:
                series.write("%.3f %.3f %d %s\n" % (time.time(), s[0], s[1], s[2]))
            secs.append(s[0])
            byts.append(s[1])
            if time.monotonic() - t0 >= a.seconds - 1:
                tail_s.append(s[0])
                tail_b.append(s[1])
        time.sleep(0.1)
    elapsed = time.monotonic() - t0
    if series:
        series.close()
    join(procs, failed)
    writers = os.times()  # the writers, joined: their CPU is this process's children's
    achieved = counter.value / elapsed
    tail_mean_s = sum(tail_s) / len(tail_s) if tail_s else None
    out = {
        "rate_target": round(a.rate), "rate_achieved": round(achieved), "samples": len(secs),
        "lag_s_p50": pct(secs, 0.5), "lag_s_p99": pct(secs, 0.99), "lag_s_max": max(secs) if secs else None,
        "lag_bytes_p50": pct(byts, 0.5), "lag_bytes_p99": pct(byts, 0.99), "lag_bytes_max": max(byts) if byts else None,
        "lag_s_last_second": tail_mean_s,
        "lag_bytes_last_second": round(sum(tail_b) / len(tail_b)) if tail_b else None,
        "writers_cpu_s": round(writers.children_user + writers.children_system, 2),
    }
    # bounded: the lag at the end of the step is under a second and the writers kept their pace
    out["bounded"] = bool(secs) and tail_mean_s is not None and tail_mean_s < 1.0 and achieved >= 0.9 * a.rate
    out["writer_kept_pace"] = achieved >= 0.9 * a.rate
    print(json.dumps(out))


def cmd_check(a):
    step = max(1, a.keys // a.sample)
    return compare(a.source, a.slots, (b"lag:%s:%d" % (kind, i) for i in range(0, a.keys, step)
                                       for kind in (b"s", b"c", b"h", b"l")))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name, fn in (("saturate", cmd_saturate), ("step", cmd_step)):
        p = sub.add_parser(name)
        p.add_argument("--port", type=int, required=True)
        p.add_argument("--conns", type=int, required=True)
        p.add_argument("--seconds", type=float, required=True)
        p.add_argument("--keys", type=int, required=True)
        p.add_argument("--seed", type=int, required=True)
        if name == "step":
            p.add_argument("--rate", type=float, required=True)
            p.add_argument("--status", required=True)
            p.add_argument("--series", help="write every status sample to this file")
        p.set_defaults(fn=fn)
    check_parser(sub, cmd_check)
    a = ap.parse_args()
    sys.exit(a.fn(a) or 0)


if __name__ == "__main__":
    main()
