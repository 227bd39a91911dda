#!/usr/bin/env python3
"""The relay benchmark (scripts/bench.sh --relay).

1. Idle: rtwatch relay holds N viewers of one queue each (bench-viewers, one
   epoll process); relay RSS before and after, per viewer.
2. Delivery: rtwatch-sim (1,000 queues, ~1,000 changes/s, none redundant)
   feeds the relay; V viewers of everything read every event. The delay of
   each event is its record's source_ts (the simulator's send time, ms) to
   the viewer's read; p50/p99 over all events of the window; relay CPU.
3. The anchor, in the same run, on the same simulator stream: plain rtwatch
   (the same pipeline, NDJSON on stdout) | bench-nchan-publish, which POSTs
   each record to nginx + nchan (Debian libnginx-mod-nchan) on a loopback
   port; the same V viewers subscribe with eventsource. nginx CPU, and the
   publishing side's (rtwatch + publisher) separately.

The two delivery runs go one after the other, not at once: on 2 cores they
would share the CPU they are measured on.
"""
import argparse
import atexit
import json
import os
import pwd
import resource
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

NCHAN_MODULE = "/usr/lib/nginx/modules/ngx_nchan_module.so"
SIM_LOAD = ["--queues", "1000", "--skills", "1", "--agents", "1", "--rate", "1000", "--speed", "1000",
            "--redundant-ratio", "0"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build-dir", required=True)
    p.add_argument("--out-dir", required=True)
    p.add_argument("--idle", type=int, default=10000, help="idle viewers (0 skips)")
    p.add_argument("--viewers", type=int, default=1000, help="viewers of every change")
    p.add_argument("--seconds", type=float, default=10, help="measured window per delivery run")
    p.add_argument("--warmup", type=float, default=3, help="unmeasured seconds first (snapshots drain)")
    p.add_argument("--no-nchan", action="store_true")
    return p.parse_args()


def binary(build, name):
    for sub in ("cmd/" + name, ""):
        path = os.path.join(build, sub, name)
        if os.access(path, os.X_OK) and os.path.isfile(path):
            return path
    sys.exit(f"bench: {name} not found under {build}: build it first (scripts/bench.sh --relay builds it)")


STARTED = []


def started(proc):
    """Every process started here is stopped at exit, a failed check (sys.exit) included."""
    STARTED.append(proc)
    return proc


atexit.register(lambda: stop(*reversed(STARTED)))


def wait_until(what, check, seconds=30, proc=None):
    """Polls check() until it holds; a deadline, never a fixed sleep."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            sys.exit(f"bench: {what}: the process exited ({proc.returncode})")
        if time.monotonic() > deadline:
            sys.exit(f"bench: {what}: not within {seconds:.0f} s")
        time.sleep(0.05)


def first_line(proc, what, seconds=30):
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    if not sel.select(seconds):
        sys.exit(f"bench: {what}: no output within {seconds} s")
    line = proc.stdout.readline()
    if not line:
        sys.exit(f"bench: {what}: exited ({proc.wait()})")
    return json.loads(line)


def stop(*procs):
    for p in procs:
        if p is not None and p.poll() is None:
            p.terminate()
    for p in procs:
        if p is None:
            continue
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_s(pids):
    total = 0
    for pid in pids:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if int(open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(d))
            except OSError:
                pass
    return out


def http_get(port, path, timeout=30):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, ""
    except OSError:
        return 0, ""


def metrics(port, *names):
    """One /metrics read; None for each when the relay does not answer within
    5 s (its loop is behind): shown as "?", never as 0, and the window
    after it is not pushed back by more."""
    _, text = http_get(port, "/metrics", timeout=5)
    values = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in names:
            values[parts[0]] = float(parts[1])
    return [values.get(n) for n in names]


def metric(port, name):
    return metrics(port, name)[0]


def rate(a, b, seconds):
    return None if a is None or b is None else (b - a) / seconds


def free_port():
    """A loopback port the kernel says is free now; nginx is then checked to
    be the one listening on it (its pid answers, its log has no bind error)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sim(bins, extra):
    sim = started(subprocess.Popen([bins["sim"], "--port", "0", "--seed", "1"] + extra, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True))
    return sim, first_line(sim, "rtwatch-sim")["url"]


def start_relay(bins, sim_url, max_viewers, extra=()):
    env = dict(os.environ, RTWATCH_CLIENT_SECRET="rtwatch-secret")
    relay = started(subprocess.Popen([bins["rtwatch"], "relay", "--listen", "127.0.0.1:0", "--max-viewers",
                                      str(max_viewers), "--api-url", sim_url, "--client-id", "rtwatch", *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env))
    port = int(first_line(relay, "rtwatch relay")["url"].rsplit(":", 1)[1])
    wait_until("relay ready", lambda: http_get(port, "/readyz")[0] == 200, proc=relay)
    return relay, port


class Viewers:
    """bench-viewers: N connections in one process; see scripts/bench/viewers.cpp."""

    def __init__(self, bins, port, path, n, ready=None):
        argv = [bins["viewers"], str(port), path, str(n)] + ([ready] if ready else [])
        self.proc = started(subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
        self.info = first_line(self.proc, f"{n} viewers ready", seconds=150)

    def measure(self, seconds):
        self.proc.stdin.write(f"measure {seconds}\n")
        self.proc.stdin.flush()
        return first_line(self.proc, "viewers' measurement", seconds=seconds + 30)

    def stop(self):
        self.proc.stdin.close()
        stop(self.proc)


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def run_idle(bins, n):
    queues = ",".join(f"queue-{i:04d}" for i in range(1, 101))
    sim, url = start_sim(bins, ["--queues", "100", "--agents", "100"])
    relay, port = start_relay(bins, url, n + 10, ["--queue", queues])
    # The baseline holds the whole state: every selected queue committed.
    wait_until("relay state", lambda: http_get(port, "/state")[1].count('"kind":"queue"') >= 100, proc=relay)
    before = rss_kib(relay.pid)
    viewers = Viewers(bins, port, "/events?queueId=queue-0001", n, "event: ready")
    wait_until("relay counts the viewers", lambda: metric(port, "rtwatch_viewers") == n, proc=relay)
    after = rss_kib(relay.pid)
    held = metric(port, "rtwatch_viewers")
    viewers.stop()
    stop(relay, sim)
    return {"viewers": int(held), "connect_s": viewers.info["connect_s"], "rss_before_kib": before,
            "rss_after_kib": after, "kib_per_viewer": (after - before) / n}


def sim_fault(url, kind):
    req = urllib.request.Request(url + "/sim/fault", data=json.dumps({"kind": kind}).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        if r.status != 200:
            sys.exit(f"bench: rtwatch-sim fault {kind}: {r.status}")


def run_relay_delivery(bins, args):
    sim, url = start_sim(bins, SIM_LOAD)
    relay, port = start_relay(bins, url, args.viewers + 10)
    wait_until("relay state", lambda: http_get(port, "/state")[1].count('"kind":"queue"') >= 1000, proc=relay)
    # The viewers connect with the simulator paused, as nchan's do before
    # anything is published: each snapshot is then one burst, not a race
    # against the live stream to every viewer already there.
    sim_fault(url, "pause")
    viewers = Viewers(bins, port, "/events", args.viewers, "event: ready")
    sim_fault(url, "restore")
    viewers.measure(args.warmup)
    # /metrics is answered by the loop that serves the viewers: read before
    # and after the window, with its own clock, so a slow answer does not
    # stretch the CPU window.
    m0 = time.monotonic()
    rec0, conf0 = metrics(port, "rtwatch_records_total", "rtwatch_viewer_conflated_total")
    cpu0, vcpu0, t0 = cpu_s([relay.pid]), cpu_s([viewers.proc.pid]), time.monotonic()
    result = viewers.measure(args.seconds)
    elapsed = time.monotonic() - t0
    result["server_cpu"] = (cpu_s([relay.pid]) - cpu0) / elapsed
    result["viewers_cpu"] = (cpu_s([viewers.proc.pid]) - vcpu0) / elapsed
    rec1, conf1 = metrics(port, "rtwatch_records_total", "rtwatch_viewer_conflated_total")
    m_elapsed = time.monotonic() - m0
    result["changes_per_s"] = rate(rec0, rec1, m_elapsed)
    result["conflated_per_s"] = rate(conf0, conf1, m_elapsed)
    result["server_rss_kib"] = rss_kib(relay.pid)
    viewers.stop()
    stop(relay, sim)
    return result


NGINX_CONF = """\
# Generated by scripts/bench/relay.py: nchan fanning one channel out to
# eventsource viewers. One worker: the relay serves its viewers from one
# event loop, and the viewers' process needs the other core.
load_module {module};
worker_processes 1;
worker_rlimit_nofile {files};
daemon off;
master_process on;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
user {user};
events {{ worker_connections {files}; use epoll; multi_accept on; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    keepalive_requests 100000000;
    keepalive_timeout 60s;
    server {{
        listen 127.0.0.1:{port};
        # SSE bytes as they are, as the relay sends them (no chunk framing)
        chunked_transfer_encoding off;
        location = /pub {{
            nchan_publisher http;
            nchan_channel_id all;
            nchan_message_buffer_length 1000;
            nchan_message_timeout 30s;
        }}
        location = /sub {{
            nchan_subscriber eventsource;
            nchan_channel_id all;
            nchan_subscriber_first_message newest;
        }}
    }}
}}
"""


def run_nchan_delivery(bins, args, tmp):
    port = free_port()
    files = args.viewers + 256
    with open(os.path.join(tmp, "nginx.conf"), "w") as f:
        f.write(NGINX_CONF.format(module=NCHAN_MODULE, files=files, dir=tmp, port=port,
                                  user=pwd.getpwuid(os.getuid()).pw_name))
    nginx = started(subprocess.Popen([bins["nginx"], "-p", tmp, "-c", os.path.join(tmp, "nginx.conf"), "-e",
                                      os.path.join(tmp, "error.log")], stderr=subprocess.DEVNULL))
    # Ours is the listener when its pid file names it and the port answers as nchan.
    pid_file = os.path.join(tmp, "nginx.pid")
    wait_until("nginx pid", lambda: os.path.exists(pid_file) and open(pid_file).read().strip() == str(nginx.pid),
               proc=nginx)
    wait_until(f"nginx on port {port}", lambda: http_get(port, "/pub")[0] in (200, 404), proc=nginx)
    workers = wait_until("nginx worker", lambda: children(nginx.pid), proc=nginx)
    viewers = Viewers(bins, port, "/sub", args.viewers)

    sim, url = start_sim(bins, SIM_LOAD)
    env = dict(os.environ, RTWATCH_CLIENT_SECRET="rtwatch-secret")
    publisher = started(subprocess.Popen([bins["publish"], str(port), "/pub"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True))
    plain = started(subprocess.Popen([bins["rtwatch"], "--api-url", url, "--client-id", "rtwatch"], stdout=publisher.stdin,
                                     stderr=subprocess.DEVNULL, env=env))
    publisher.stdin.close()
    viewers.measure(args.warmup)
    servers = [nginx.pid] + workers
    cpu0, pub0, plain0 = cpu_s(servers), cpu_s([publisher.pid]), cpu_s([plain.pid])
    vcpu0 = cpu_s([viewers.proc.pid])
    t0 = time.monotonic()
    result = viewers.measure(args.seconds)
    elapsed = time.monotonic() - t0
    result["viewers_cpu"] = (cpu_s([viewers.proc.pid]) - vcpu0) / elapsed
    result["server_cpu"] = (cpu_s(servers) - cpu0) / elapsed
    result["publisher_cpu"] = (cpu_s([publisher.pid]) - pub0) / elapsed
    result["rtwatch_cpu"] = (cpu_s([plain.pid]) - plain0) / elapsed
    result["server_rss_kib"] = sum(rss_kib(p) for p in servers)
    viewers.stop()
    stop(plain, sim)
    published = json.loads(publisher.stdout.readline() or "{}")
    stop(publisher)
    result["publish_failed"] = published.get("failed")
    result["changes_per_s"] = published.get("per_s", 0)  # over the publisher's whole run
    stop(nginx)
    with open(os.path.join(tmp, "error.log")) as f:
        errors = [line for line in f if "[emerg]" in line or "[alert]" in line]
    if errors:
        print("bench: nginx logged:\n" + "".join(errors[:5]), file=sys.stderr)
    return result


def main():
    args = parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    need = max(args.idle, args.viewers) + 256
    if hard < need:
        sys.exit(f"bench: the hard open-files limit ({hard}) is below {need}: raise it (ulimit -Hn, limits.conf)")
    bins = {"sim": binary(args.build_dir, "rtwatch-sim"), "rtwatch": binary(args.build_dir, "rtwatch"),
            "viewers": binary(args.build_dir, "bench-viewers"),
            "publish": binary(args.build_dir, "bench-nchan-publish")}
    nchan = not args.no_nchan
    if nchan:
        bins["nginx"] = shutil.which("nginx") or "/usr/sbin/nginx"
        if not (os.access(bins["nginx"], os.X_OK) and os.path.exists(NCHAN_MODULE)):
            print("bench: note: nginx or libnginx-mod-nchan is not installed (scripts/deps.sh bench): no nchan row",
                  file=sys.stderr)
            nchan = False

    results = {"load_before": load_average(), "cores": os.cpu_count()}
    if args.idle:
        results["idle"] = run_idle(bins, args.idle)
    results["relay"] = run_relay_delivery(bins, args)
    if nchan:
        with tempfile.TemporaryDirectory(prefix="rtwatch-nchan-") as tmp:
            results["nchan"] = run_nchan_delivery(bins, args, tmp)
    results["load_after"] = load_average()
    with open(os.path.join(args.out_dir, "relay.json"), "w") as f:
        json.dump(results, f, indent=2)
    print_report(results, args)


def print_table(table):
    """Rows of cells, the first column left-aligned, the others right-aligned."""
    widths = [max(len(row[c]) for row in table) for c in range(len(table[0]))]
    for row in table:
        print("  " + "  ".join(cell.rjust(w) if c else cell.ljust(w) for c, (cell, w) in enumerate(zip(row, widths))))


def print_report(r, args):
    print(f"\nrtwatch relay benchmark ({r['cores']} cores; load average {r['load_before']} before, "
          f"{r['load_after']} after)")
    checks = []
    if "idle" in r:
        i = r["idle"]
        print(f"idle: {i['viewers']:,} viewers held, all ready in {i['connect_s']:.1f} s; relay RSS "
              f"{i['rss_before_kib'] / 1024:.1f} -> {i['rss_after_kib'] / 1024:.1f} MiB = "
              f"{i['kib_per_viewer']:.2f} KiB per idle viewer")
        checks += [(f"≥ 10,000 idle viewers", i["viewers"] >= 10000),
                   (f"≤ 16 KiB RSS per idle viewer", i["kib_per_viewer"] <= 16)]
    rows = [("rtwatch relay", r["relay"])] + ([("nginx + nchan", r["nchan"])] if "nchan" in r else [])
    print(f"\ndelivery: {args.viewers:,} viewers of 1,000 queues, {args.seconds:.0f} s measured "
          f"(after {args.warmup:.0f} s), delay from the simulator's send time to the viewer's read "
          f"(upstream: to rtwatch's read of it, the part before the relay or the publisher):")
    head = ["", "changes/s in", "events/s read", "p50 ms", "p99 ms", "max ms", "of which upstream p50/p99",
            "server CPU", "publisher CPU", "viewers' CPU"]
    table = [head]
    for name, d in rows:
        pub = f"{100 * d['publisher_cpu']:.0f}% + rtwatch {100 * d['rtwatch_cpu']:.0f}%" if "publisher_cpu" in d else "-"
        changes = "?" if d["changes_per_s"] is None else f"{d['changes_per_s']:,.0f}"
        table.append([name, changes, f"{d['events_per_s']:,.0f}", f"{d['p50_ms']:.1f}",
                      f"{d['p99_ms']:.1f}", f"{d['max_ms']:.0f}",
                      f"{d['upstream_p50_ms']:.1f} / {d['upstream_p99_ms']:.1f}", f"{100 * d['server_cpu']:.0f}%", pub,
                      f"{100 * d['viewers_cpu']:.0f}%"])
    print_table(table)
    rel = r["relay"]
    if rel.get("changes_per_s") is None:
        print("  (the relay did not answer /metrics within 5 s: changes/s in unknown)")
    if rel.get("conflated_per_s"):
        print(f"  (the relay conflated {rel['conflated_per_s']:,.0f} events/s for viewers behind)")
    checks.append((f"p99 ≤ 50 ms at {args.viewers:,} viewers", rel["p99_ms"] <= 50))
    if "nchan" in r:
        n = r["nchan"]
        checks += [("lower p99 than nchan", rel["p99_ms"] < n["p99_ms"]),
                   ("lower server CPU than nchan", rel["server_cpu"] < n["server_cpu"])]
    print("\ntargets (issue 13):")
    for what, ok in checks:
        print(f"  {'met    ' if ok else 'MISSED '} {what}")


if __name__ == "__main__":
    main()
