#!/usr/bin/env python3
"""Idle viewers held by rtwatch relay: RSS per viewer and time to connect.

usage: relay_idle.py BUILD_DIR [N]   (default N = 10000)

Starts rtwatch-sim and rtwatch relay on port 0, opens N /events streams of
one queue each, waits for every `ready`, and prints the relay's RSS before
and after, per viewer, and its CPU time. Not a pass/fail test.
"""
import json, os, resource, selectors, socket, subprocess, sys, time

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0

def cpu_s(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def main():
    build = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < n + 64:
        sys.exit(f"the hard open-files limit ({hard}) is below {n + 64}: raise it (ulimit -Hn)")
    sim = subprocess.Popen([f"{build}/cmd/rtwatch-sim/rtwatch-sim", "--queues", "100", "--agents", "100"],
                           stdout=subprocess.PIPE, text=True)
    sim_url = json.loads(sim.stdout.readline())["url"]
    env = dict(os.environ, RTWATCH_CLIENT_SECRET="rtwatch-secret")
    relay = subprocess.Popen([f"{build}/cmd/rtwatch/rtwatch", "relay", "--listen", "127.0.0.1:0",
                              "--max-viewers", str(n + 10), "--api-url", sim_url, "--client-id", "rtwatch",
                              "--queue", ",".join(f"queue-{i:04d}" for i in range(1, 101))],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    port = int(json.loads(relay.stdout.readline())["url"].rsplit(":", 1)[1])
    time.sleep(1.0)  # the first snapshot, so the baseline holds the state
    before, cpu_before = rss_kib(relay.pid), cpu_s(relay.pid)
    sel = selectors.DefaultSelector()
    socks, pending = [], {}
    start = time.monotonic()
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(f"GET /events?queueId=queue-{i % 100 + 1:04d} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        s.setblocking(False)
        socks.append(s)
        pending[s] = b""
        sel.register(s, selectors.EVENT_READ)
        # drain as we go so the relay never waits on us
        for key, _ in sel.select(0):
            pending[key.fileobj] += key.fileobj.recv(65536)
            if b"event: ready" in pending[key.fileobj]:
                sel.unregister(key.fileobj)
    while sel.get_map():
        for key, _ in sel.select(5):
            pending[key.fileobj] += key.fileobj.recv(65536)
            if b"event: ready" in pending[key.fileobj]:
                sel.unregister(key.fileobj)
    connected = time.monotonic() - start
    time.sleep(1.0)
    after, cpu_after = rss_kib(relay.pid), cpu_s(relay.pid)
    print(f"viewers {n}: all ready in {connected:.2f}s; relay RSS {before} KiB -> {after} KiB, "
          f"{(after - before) / n:.2f} KiB per idle viewer; relay CPU {cpu_after - cpu_before:.2f}s")
    for s in socks:
        s.close()
    relay.terminate(); sim.terminate()
    relay.wait(); sim.wait()

if __name__ == "__main__":
    main()
