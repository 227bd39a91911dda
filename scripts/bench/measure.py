"""Runs one benchmark tool against a stream and measures it.

Wall time runs from just before the tool is started (so it includes process
start-up and the token request) to the last modification of its output file,
i.e. the last line written: a tool that idles after the stream ends (rtwatch
waits one reconnect delay before the server's 204) is not charged for it.
CPU time comes from wait4() on the tool's process tree. Peak RSS comes from
GNU time wrapped around the tool: Linux carries a process's peak RSS across
exec, so a tool forked straight from this (Python) harness would report the
harness's own memory. For a shell pipeline each process is wrapped in GNU
time and the peaks are added up, since the processes run side by side.
"""
import os
import subprocess
import threading
import time
from dataclasses import dataclass

@dataclass
class Run:
    tool: str
    wall_s: float
    cpu_s: float
    peak_rss_kib: int
    lines: int
    exit_code: int
    stderr: str


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            n += chunk.count(b"\n")
    return n


def pipeline_rss_kib(stage_file):
    """Adds up the peak RSS of every process that GNU time wrapped."""
    total = 0
    with open(stage_file) as f:
        for line in f:
            fields = line.split()
            if fields and fields[0].isdigit():
                total += int(fields[0])
    return total


def run_tool(tool, argv, out_path, env, core=None, stage_file=None, timeout_s=3600):
    """Starts argv, waits for it, returns a Run. `core` pins it (and its children)."""
    for path in (out_path, stage_file):
        if path:
            open(path, "w").close()
    if core is not None:
        argv = ["taskset", "-c", str(core)] + argv  # taskset execs: same pid
    rss_file = stage_file or out_path + ".rss"
    if not stage_file:
        argv = ["/usr/bin/time", "-f", "%M", "-o", rss_file] + argv
    err_path = out_path + ".stderr"
    with open(err_path, "w") as err:
        start_ns = time.time_ns()
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        killer = threading.Timer(timeout_s, proc.kill)  # a hung tool must not hang the benchmark
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            raise
        finally:
            killer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    end_ns = os.stat(out_path).st_mtime_ns
    rss = pipeline_rss_kib(rss_file)
    with open(err_path) as f:
        stderr = f.read()
    return Run(tool=tool, wall_s=max(end_ns - start_ns, 1) / 1e9, cpu_s=usage.ru_utime + usage.ru_stime,
               peak_rss_kib=rss, lines=count_lines(out_path), exit_code=proc.returncode, stderr=stderr[-2000:])
