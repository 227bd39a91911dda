"""Added latency: from the moment an event's bytes leave the simulator to
the moment rtwatch's line for it is readable on rtwatch's stdout.

A forwarding proxy sits between rtwatch-sim and rtwatch. When it forwards a
chunk of the stream it notes, for each event id completed in the chunk, a
monotonic timestamp; when rtwatch's stdout yields a line it looks the line's
event_id up. Both stamps come from one clock in one process (ns
resolution), so the sim's millisecond `timestamp` field plays no part. The
figure includes one extra loopback hop and the proxy's own reaction time,
so it overstates rtwatch's share slightly, never understates it.
"""
import math
import re
import selectors
import socket
import subprocess
import time

ID_LINE = re.compile(rb"(?:^|\n)id: ?(\d+)\r?\n")
EVENT_ID = re.compile(rb'"event_id":"(\d+)"')


class Proxy:
    """A TCP proxy on 127.0.0.1:0 to `upstream_port`, stamping event ids."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.listener, selectors.EVENT_READ, ("accept", None))
        self.sent_at = {}  # event id -> monotonic ns when forwarded
        self.tails = {}    # upstream socket -> unscanned end of the stream

    def _accept(self):
        client, _ = self.listener.accept()
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        for s in (client, upstream):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.setblocking(True)
        self.tails[upstream] = b""
        self.sel.register(client, selectors.EVENT_READ, ("pipe", upstream))
        self.sel.register(upstream, selectors.EVENT_READ, ("pipe", client))

    def _pipe(self, src, dst):
        try:
            data = src.recv(1 << 16)
        except OSError:
            data = b""
        if not data:
            for s in (src, dst):
                self.sel.unregister(s)
                s.close()
                self.tails.pop(s, None)
            return
        dst.sendall(data)
        if src in self.tails:
            now = time.monotonic_ns()
            text = self.tails[src] + data
            end = text.rfind(b"\n")
            for m in ID_LINE.finditer(text, 0, end + 1):
                self.sent_at.setdefault(int(m.group(1)), now)
            self.tails[src] = text[max(end, 0):][-256:]

    def poll(self, timeout):
        for key, _ in self.sel.select(timeout):
            kind, peer = key.data
            if kind == "accept":
                self._accept()
            elif kind == "pipe":
                self._pipe(key.fileobj, peer)
            else:
                peer(key.fileobj)


def measure(rtwatch_argv, sim_port, seconds, warmup_s, env, core=None):
    """Runs rtwatch through the proxy for `seconds`; returns (latencies in ns
    after the warm-up, data events forwarded per second)."""
    proxy = Proxy(sim_port)
    argv = [a.replace("{URL}", f"http://127.0.0.1:{proxy.port}") for a in rtwatch_argv]
    if core is not None:
        argv = ["taskset", "-c", str(core)] + argv
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
    latencies, pending = [], [b""]
    start = time.monotonic()

    def on_output(pipe):
        now = time.monotonic_ns()
        data = pipe.read(1 << 16) if hasattr(pipe, "read") else b""
        if not data:
            proxy.sel.unregister(pipe)
            return
        text = pending[0] + data
        lines = text.split(b"\n")
        pending[0] = lines.pop()
        if time.monotonic() - start < warmup_s:
            return
        for line in lines:
            m = EVENT_ID.search(line)
            if m and int(m.group(1)) in proxy.sent_at:
                latencies.append(now - proxy.sent_at[int(m.group(1))])

    proxy.sel.register(proc.stdout, selectors.EVENT_READ, ("output", on_output))
    while time.monotonic() - start < seconds and proc.poll() is None:
        proxy.poll(0.05)
    elapsed = time.monotonic() - start
    proc.terminate()
    proc.wait(timeout=10)
    return latencies, len(proxy.sent_at) / elapsed


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    rank = math.ceil(p / 100 * len(sorted_values))  # nearest-rank definition
    return sorted_values[min(len(sorted_values), max(rank, 1)) - 1]
