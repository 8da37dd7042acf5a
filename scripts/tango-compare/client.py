#!/usr/bin/python3
"""Synchronous read clients for comparing chaoslab with TangoTest on one
machine (see compare.sh and docs/api.md, "Against TangoTest").

  client.py tango   DEV       --attrs a,b,... [--tcp] [--procs N] [--seconds S] --server-pid PID
  client.py chaoslab ADDR     --attrs dev/a,... [--procs N] [--seconds S] --server-pid PID

tango uses PyTango (DeviceProxy.read_attribute / read_attributes; --tcp
forces TCP instead of omniORB's Unix socket). chaoslab speaks the framed
protocol (docs/api.md) in plain Python, ADDR being host:port or
unix:@abstract-name, so both servers face a client of the same language.
Each of --procs processes runs one blocking loop; the figures are all calls
per second and the server's CPU (utime+stime from /proc/PID/stat) per call.
Prints one JSON line.
"""
import argparse
import json
import multiprocessing as mp
import os
import socket
import struct
import sys
import time

CLK = os.sysconf("SC_CLK_TCK")
MAGIC = b"\xffCLB"
KIND_READ, KIND_OK = 2, 0x80


def server_cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def tango_call(dev, attrs, tcp):
    if tcp:
        os.environ["ORBclientTransportRule"] = "* tcp"
    import tango  # imported here: the chaoslab client must not need PyTango

    proxy = tango.DeviceProxy(dev)
    if len(attrs) == 1:
        return lambda: proxy.read_attribute(attrs[0])
    return lambda: proxy.read_attributes(attrs)


def chaoslab_call(addr, names):
    if addr.startswith("unix:"):
        path = addr[len("unix:"):]
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect("\0" + path[1:] if path.startswith("@") else path)
    else:
        host, port = addr.rsplit(":", 1)
        s = socket.create_connection((host, int(port)))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(MAGIC)
    # A ReadRequest: field 1 (names), length-delimited.
    payload = b"".join(b"\x0a" + bytes([len(n)]) + n.encode() for n in names)
    frame = struct.pack(">IBI", 5 + len(payload), KIND_READ, 1) + payload

    def call():
        s.sendall(frame)
        (n,) = struct.unpack(">I", s.recv(4, socket.MSG_WAITALL))
        body = s.recv(n, socket.MSG_WAITALL)
        if len(body) != n or body[0] != KIND_OK:
            raise SystemExit("chaoslab: bad or error reply (kind %#x)" % (body[:1] or b"\0")[0])

    return call


def worker(args, ready, start, stop, counts):
    if args.target == "tango":
        call = tango_call(args.where, args.attrs, args.tcp)
    else:
        call = chaoslab_call(args.where, args.attrs)
    warm = time.perf_counter() + args.warmup
    while time.perf_counter() < warm:
        call()
    ready.release()
    start.wait()
    # stop is checked every 20 calls: a worker may count up to 20 calls
    # made after the window closed (under 1 % of a 3-s run).
    n = 0
    while not stop.is_set():
        for _ in range(20):
            call()
        n += 20
    counts.put(n)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("target", choices=["tango", "chaoslab"])
    p.add_argument("where", help="tango: device name; chaoslab: host:port or unix:@name")
    p.add_argument("--attrs", required=True, help="comma-separated attribute names")
    p.add_argument("--server-pid", type=int, required=True)
    p.add_argument("--procs", type=int, default=1)
    p.add_argument("--seconds", type=float, default=3)
    p.add_argument("--warmup", type=float, default=1)
    p.add_argument("--tcp", action="store_true", help="tango: force TCP (chaoslab: give host:port)")
    args = p.parse_args()
    args.attrs = args.attrs.split(",")
    ready, start, stop, counts = mp.Semaphore(0), mp.Event(), mp.Event(), mp.Queue()
    procs = [mp.Process(target=worker, args=(args, ready, start, stop, counts)) for _ in range(args.procs)]
    for pr in procs:
        pr.start()
    for _ in procs:
        ready.acquire()
    c0, t0 = server_cpu(args.server_pid), time.perf_counter()
    start.set()
    time.sleep(args.seconds)
    stop.set()
    c1, t1 = server_cpu(args.server_pid), time.perf_counter()
    n = sum(counts.get() for _ in procs)
    for pr in procs:
        pr.join()
    if args.target == "tango":
        transport = "tcp" if args.tcp else "unix"  # omniORB's default on one host
    else:
        transport = "unix" if args.where.startswith("unix:") else "tcp"
    json.dump({"target": args.target, "transport": transport,
               "attrs": len(args.attrs), "procs": args.procs, "calls_per_s": round(n / (t1 - t0)),
               "server_cpu_us_per_call": round((c1 - c0) * 1e6 / n, 1)}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
