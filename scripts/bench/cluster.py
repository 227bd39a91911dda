#!/usr/bin/env python3
"""The scale-out benchmark (scripts/bench.sh --cluster).

1. Delivery, for each V of --viewers: rtwatch-sim (1,000 queues, ~1,000
   changes/s) feeds one relay with V viewers of every change; then three
   relays of one tenant on a loopback nats-server (JetStream), V viewers on
   each. Delay from the simulator's send time (the record's source_ts) to the
   viewer's read, p50/p99 per relay, split into hops: upstream -> holder and
   holder -> broker (bench-stream-hops reads the stream: the holder's "ts"
   and the broker's stored time of each message), upstream -> relay read
   (the served record's "ts" is when that relay read it from the broker) and
   relay -> viewer (bench-viewers); broker -> relay read is what the relay's
   read adds to the first two (medians: approximate). CPU per relay, and per
   delivered event (CPU time over the events its viewers read). The machine's
   load average is recorded with each run: it is shared, and what else runs
   moves these numbers.
2. Fail-over: three relays with --lease-ttl 1s; the holder is killed with
   SIGKILL ten times (a relay is started again after each kill), and the time
   from the kill to another relay's rtwatch_upstream_holder 1, and to records
   flowing again through a surviving relay, is measured.

Everything runs on one machine: on 2 cores the three relays, their viewers,
the simulator and nats-server share the CPU, so the cluster's latency is an
upper bound of what separate machines would see.
"""
import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from relay import (SIM_LOAD, Viewers, binary, cpu_s, first_line, free_port, http_get, load_average, metric,
                   print_table, run_relay_delivery, sim_fault, start_sim, started, stop, wait_until)

NATS_SERVER = "/usr/sbin/nats-server"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build-dir", required=True)
    p.add_argument("--out-dir", required=True)
    p.add_argument("--viewers", default="100,300,1000", help="comma list: viewers of every change, per relay")
    p.add_argument("--seconds", type=float, default=10, help="measured window per delivery run")
    p.add_argument("--warmup", type=float, default=3, help="unmeasured seconds first")
    p.add_argument("--kills", type=int, default=10, help="fail-overs measured")
    return p.parse_args()


def start_nats(tmp):
    port = free_port()
    nats = started(subprocess.Popen([NATS_SERVER, "-js", "-a", "127.0.0.1", "-p", str(port), "-sd",
                                     os.path.join(tmp, "nats")], stdout=subprocess.DEVNULL,
                                    stderr=open(os.path.join(tmp, "nats.log"), "w")))
    wait_until("nats-server", lambda: nats_answers(port), proc=nats)
    return nats, f"nats://127.0.0.1:{port}"


def nats_answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            return s.recv(4).startswith(b"INFO")
    except OSError:
        return False


def start_member(bins, sim_url, broker, tenant, max_viewers, ttl="1s"):
    env = dict(os.environ, RTWATCH_CLIENT_SECRET="rtwatch-secret")
    relay = started(subprocess.Popen([bins["rtwatch"], "relay", "--listen", "127.0.0.1:0", "--max-viewers",
                                      str(max_viewers), "--api-url", sim_url, "--client-id", "rtwatch",
                                      "--broker", broker, "--tenant", tenant, "--lease-ttl", ttl],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env))
    port = int(first_line(relay, "rtwatch relay")["url"].rsplit(":", 1)[1])
    return relay, port


def holders(ports):
    return [p for p in ports if metric(p, "rtwatch_upstream_holder") == 1]


def run_cluster_delivery(bins, args, tmp):
    nats, broker = start_nats(tmp)
    sim, url = start_sim(bins, SIM_LOAD)
    members = [start_member(bins, url, broker, "bench", args.viewers + 10) for _ in range(3)]
    ports = [p for _, p in members]
    wait_until("a holder", lambda: len(holders(ports)) == 1, seconds=30)
    for r, p in members:
        wait_until("relay state", lambda: http_get(p, "/state")[1].count('"kind":"queue"') >= 1000, proc=r)
    sim_fault(url, "pause")
    viewers = [Viewers(bins, p, "/events", args.viewers, "event: ready") for p in ports]
    sim_fault(url, "restore")
    hops = subprocess.Popen([bins["hops"], broker, "rtwatch_bench", str(args.warmup), str(args.seconds)],
                            stdout=subprocess.PIPE, text=True)
    for v in viewers:
        v.proc.stdin.write(f"measure {args.warmup}\n")
        v.proc.stdin.flush()
    for v in viewers:
        first_line(v.proc, "viewers' warm-up", seconds=args.warmup + 30)
    pids = [r.pid for r, _ in members]
    cpu0 = [cpu_s([p]) for p in pids]
    ncpu0, t0 = cpu_s([nats.pid]), time.monotonic()
    for v in viewers:
        v.proc.stdin.write(f"measure {args.seconds}\n")
        v.proc.stdin.flush()
    results = [first_line(v.proc, "viewers' measurement", seconds=args.seconds + 30) for v in viewers]
    elapsed = time.monotonic() - t0
    holder = holders(ports)
    for res, pid, c0, port in zip(results, pids, cpu0, ports):
        res["server_cpu"] = (cpu_s([pid]) - c0) / elapsed
        res["holder"] = port in holder
    nats_cpu = (cpu_s([nats.pid]) - ncpu0) / elapsed
    hop = first_line(hops, "the stream's reader", seconds=args.seconds + 30)
    hops.wait()
    for v in viewers:
        v.stop()
    stop(*[r for r, _ in members], sim, nats)
    return {"relays": results, "nats_cpu": nats_cpu, "hops": hop}


def run_failover(bins, args, tmp):
    nats, broker = start_nats(tmp)
    sim, url = start_sim(bins, SIM_LOAD)
    members = [start_member(bins, url, broker, "failover", 10) for _ in range(3)]
    times = []
    for kill in range(args.kills):
        ports = [p for _, p in members]
        wait_until("a holder", lambda: len(holders(ports)) == 1, seconds=30)
        holder_port = holders(ports)[0]
        victim = next(m for m in members if m[1] == holder_port)
        survivors = [m for m in members if m is not victim]
        # the survivors have read the stream and compete
        for r, p in survivors:
            wait_until("relay state", lambda: http_get(p, "/state")[1].count('"kind":"queue"') >= 1000, proc=r)
        t0 = time.monotonic()
        victim[0].kill()
        victim[0].wait()
        survivor_ports = [p for _, p in survivors]
        wait_until("a new holder", lambda: len(holders(survivor_ports)) == 1, seconds=30)
        t_holder = time.monotonic() - t0
        watch = survivor_ports[0]
        base = metric(watch, "rtwatch_records_total")
        wait_until("records again", lambda: (metric(watch, "rtwatch_records_total") or 0) > (base or 0), seconds=30)
        t_records = time.monotonic() - t0
        times.append({"holder_ms": 1000 * t_holder, "records_ms": 1000 * t_records})
        print(f"bench: fail-over {kill + 1}/{args.kills}: new holder after {1000 * t_holder:.0f} ms, "
              f"records again after {1000 * t_records:.0f} ms", file=sys.stderr)
        members = survivors + [start_member(bins, url, broker, "failover", 10)]
    streams = http_get(int(url.rsplit(":", 1)[1]), "/sim/stats")[1]
    stop(*[r for r, _ in members], sim, nats)
    return {"kills": times, "sim_stats": streams}


def main():
    args = parse_args()
    counts = [int(v) for v in args.viewers.split(",")]
    if not os.access(NATS_SERVER, os.X_OK):
        sys.exit("bench: nats-server is not installed (scripts/deps.sh installs it)")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < 3 * max(counts) + 256:
        sys.exit(f"bench: the hard open-files limit ({hard}) is below {3 * max(counts) + 256}: raise it")
    bins = {"sim": binary(args.build_dir, "rtwatch-sim"), "rtwatch": binary(args.build_dir, "rtwatch"),
            "viewers": binary(args.build_dir, "bench-viewers"), "hops": binary(args.build_dir, "bench-stream-hops")}
    r = {"cores": os.cpu_count(), "runs": []}
    for n in counts:
        run_args = argparse.Namespace(viewers=n, seconds=args.seconds, warmup=args.warmup)
        run = {"viewers": n, "load_single": load_average()}
        run["single"] = run_relay_delivery(bins, run_args)
        run["load_cluster"] = load_average()
        with tempfile.TemporaryDirectory(prefix="rtwatch-cluster-") as tmp:
            run["cluster"] = run_cluster_delivery(bins, run_args, tmp)
        r["runs"].append(run)
        report_run(run, args)
    if args.kills > 0:
        r["load_failover"] = load_average()
        with tempfile.TemporaryDirectory(prefix="rtwatch-failover-") as tmp:
            r["failover"] = run_failover(bins, args, tmp)
        report_failover(r)
    with open(os.path.join(args.out_dir, "cluster.json"), "w") as f:
        json.dump(r, f, indent=2)


def ms(v):
    return "-" if v is None or v < 0 else f"{v:.1f}"


def cpu_per_event_us(d):
    return 1e6 * d["server_cpu"] / d["events_per_s"] if d["events_per_s"] else float("nan")


def report_run(run, args):
    n, s, c = run["viewers"], run["single"], run["cluster"]
    h = c["hops"]
    print(f"\n{n:,} viewers per relay ({os.cpu_count()} cores, one shared machine; load average "
          f"{run['load_single']} before the single relay, {run['load_cluster']} before the cluster), "
          f"1,000 queues at ~1,000 changes/s, {args.seconds:.0f} s measured; ms, p50 / p99:")
    table = [["", "events/s read", "delay", "upstream -> holder", "holder -> broker", "broker -> relay read",
              "relay -> viewer", "relay CPU", "CPU us/event"]]
    table.append(["one relay", f"{s['events_per_s']:,.0f}", f"{ms(s['p50_ms'])} / {ms(s['p99_ms'])}",
                  f"{ms(s['upstream_p50_ms'])} / {ms(s['upstream_p99_ms'])}", "", "",
                  f"{ms(s.get('relay_p50_ms'))} / {ms(s.get('relay_p99_ms'))}", f"{100 * s['server_cpu']:.0f}%",
                  f"{cpu_per_event_us(s):.2f}"])
    up, hb = h["upstream_holder_p50_ms"], h["holder_broker_p50_ms"]
    for i, d in enumerate(c["relays"]):
        read = d["upstream_p50_ms"] - up - hb
        table.append([f"cluster relay {i + 1}{' (holder)' if d['holder'] else ''}", f"{d['events_per_s']:,.0f}",
                      f"{ms(d['p50_ms'])} / {ms(d['p99_ms'])}",
                      f"{ms(up)} / {ms(h['upstream_holder_p99_ms'])}", f"{ms(hb)} / {ms(h['holder_broker_p99_ms'])}",
                      f"~{ms(read)}", f"{ms(d.get('relay_p50_ms'))} / {ms(d.get('relay_p99_ms'))}",
                      f"{100 * d['server_cpu']:.0f}%", f"{cpu_per_event_us(d):.2f}"])
    print_table(table)
    worst = max(d["p99_ms"] for d in c["relays"])
    added = max(d["p50_ms"] for d in c["relays"]) - s["p50_ms"]
    if s["p99_ms"] <= 0:  # the single relay's viewers read nothing in the window: no comparison
        comparison = "one relay: no samples, no comparison"
    else:
        comparison = (f"the broker adds {added:.1f} ms at p50 (slowest cluster relay - one relay); worst cluster "
                      f"p99 / one relay's p99: {worst / s['p99_ms']:.2f}")
    print(f"  {comparison}; nats-server CPU {100 * c['nats_cpu']:.0f}%; "
          f"a plain reader of the stream: broker -> read {ms(h['broker_reader_p50_ms'])} / "
          f"{ms(h['broker_reader_p99_ms'])} ms over {h['messages']:,} messages")
    sys.stdout.flush()


def report_failover(r):
    kills = r["failover"]["kills"]
    h = [k["holder_ms"] for k in kills]
    rec = [k["records_ms"] for k in kills]
    print(f"\nfail-over over {len(kills)} kill -9 of the holder (--lease-ttl 1s; load average {r['load_failover']} "
          f"before): new holder median {statistics.median(h):.0f} ms, max {max(h):.0f} ms; records flowing again "
          f"median {statistics.median(rec):.0f} ms, max {max(rec):.0f} ms")


if __name__ == "__main__":
    main()
