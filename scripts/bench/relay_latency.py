#!/usr/bin/env python3
"""Delivery delay through rtwatch relay under load.

usage: relay_latency.py BUILD_DIR [VIEWERS] [SECONDS]   (default 1000 viewers, 10 s)

rtwatch-sim (1,000 queues, 1,000 events/s, none redundant) feeds one relay;
VIEWERS /events streams of every queue read as fast as this one Python
process can. For the newest record of each read, the delay from its "ts"
(when the relay read it from the upstream) to the read here is sampled:
p50/p99 of the samples, records delivered, conflated, and the relay's CPU.
Python reading is the slower side here: the numbers bound the relay's
delay from above. Not a pass/fail test.
"""
import datetime, json, os, resource, selectors, socket, subprocess, sys, time

def cpu_s(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def metric(port, name):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(f"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    for line in data.decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0

def main():
    build = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 10
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    sim = subprocess.Popen([f"{build}/cmd/rtwatch-sim/rtwatch-sim", "--queues", "1000", "--skills", "1", "--agents", "1",
                            "--rate", "1000", "--speed", "1000", "--redundant-ratio", "0"],
                           stdout=subprocess.PIPE, text=True)
    sim_url = json.loads(sim.stdout.readline())["url"]
    env = dict(os.environ, RTWATCH_CLIENT_SECRET="rtwatch-secret")
    relay = subprocess.Popen([f"{build}/cmd/rtwatch/rtwatch", "relay", "--listen", "127.0.0.1:0", "--max-viewers",
                              str(n + 10), "--api-url", sim_url, "--client-id", "rtwatch"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    port = int(json.loads(relay.stdout.readline())["url"].rsplit(":", 1)[1])
    time.sleep(1.0)
    sel = selectors.DefaultSelector()
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(f"GET /events HTTP/1.1\r\n"
                  f"Host: 127.0.0.1:{port}\r\n\r\n".encode())
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, [b""])
    time.sleep(1.0)
    cpu0, records0, conflated0 = cpu_s(relay.pid), metric(port, "rtwatch_records_total"), \
        metric(port, "rtwatch_viewer_conflated_total")
    delays, delivered = [], 0
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        for key, _ in sel.select(0.1):
            data = key.fileobj.recv(1 << 20)
            now = time.time()
            delivered += data.count(b"\nevent: metrics\n")
            tail = data.rfind(b'"ts":"')
            if tail >= 0 and tail + 30 <= len(data):
                ts = data[tail + 6:tail + 30].decode()
                t = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
                delays.append((now - t.timestamp()) * 1000)
    cpu = cpu_s(relay.pid) - cpu0
    records = metric(port, "rtwatch_records_total") - records0
    conflated = metric(port, "rtwatch_viewer_conflated_total") - conflated0
    delays.sort()
    p = lambda q: delays[min(len(delays) - 1, int(q * len(delays)))] if delays else float("nan")
    print(f"viewers {n}, {seconds:.0f}s: {records / seconds:.0f} changes/s into the relay, "
          f"{delivered / seconds:.0f} events/s read by all viewers ({conflated / seconds:.0f}/s conflated); "
          f"sampled delay p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms ({len(delays)} samples); "
          f"relay CPU {100 * cpu / seconds:.0f}% of a core")
    relay.terminate(); sim.terminate()
    relay.wait(); sim.wait()

if __name__ == "__main__":
    main()
