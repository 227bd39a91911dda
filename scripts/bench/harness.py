#!/usr/bin/env python3
"""The rtwatch benchmark: rtwatch and three peers on the same flat-out
rtwatch-sim stream, side by side, checked to produce the same records;
the "limit" (scripts/bench/limit.cpp, the simplest C++ consumer that writes
the same records) and rtwatch replaying a capture of that stream, against
the limit reading the same capture; then rtwatch's added latency at a
steady rate, and the stage microbenchmarks. Called by scripts/bench.sh,
which builds and installs.

Events/s = data events on the stream (the snapshot plus the flat-out events)
divided by the wall time from starting the tool to its last line written.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.request

import latency
import measure
import report
import verify

HERE = os.path.dirname(os.path.abspath(__file__))
SIM_CORE, TOOL_CORE = (0, 1) if os.cpu_count() and os.cpu_count() >= 2 else (None, None)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build-dir", required=True, help="where bin rtwatch, rtwatch-sim, microbench live")
    p.add_argument("--out-dir", required=True, help="scratch folder for outputs and results")
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1,
                   help="unmeasured runs per tool and variant before the measured ones (as hyperfine --warmup)")
    p.add_argument("--variants", default="base,all-changed,50k", help="comma list of base, all-changed, 50k")
    p.add_argument("--tools", default="rtwatch,limit,rtwatch replay,limit replay,curl|jq,node,python")
    p.add_argument("--node-dir", help="folder with node_modules/eventsource (no Node column without it)")
    p.add_argument("--latency-seconds", type=float, default=10, help="0 skips the latency measurement")
    p.add_argument("--microbench", action="store_true", help="run rtwatch-microbench too")
    p.add_argument("--verify-all", action="store_true", help="compare every run's records, not only the first")
    return p.parse_args()


VARIANTS = {
    "base": {"label": "1,000 queues, 10% changed", "queues": 1000, "changed": 0.1},
    "all-changed": {"label": "1,000 queues, 100% changed", "queues": 1000, "changed": 1.0},
    "50k": {"label": "50,000 queues, 10% changed", "queues": 50_000, "changed": 0.1},
}


def find_binary(build_dir, name):
    for sub in ("cmd/" + name, "bin", "", "tests/bench"):
        path = os.path.join(build_dir, sub, name)
        if os.access(path, os.X_OK) and os.path.isfile(path):
            return path
    sys.exit(f"bench: {name} not found under {build_dir}: build it first (scripts/bench.sh builds it)")


def pinned(argv, core):
    return argv if core is None else ["taskset", "-c", str(core)] + argv


class Sim:
    """rtwatch-sim on port 0; the first stdout line tells the URL."""

    def __init__(self, binary, extra_args):
        argv = pinned([binary, "--port", "0", "--seed", "1"] + extra_args, SIM_CORE)
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.stderr.read()
            sys.exit(f"bench: rtwatch-sim did not start ({' '.join(argv)}): {err.strip()}")
        info = json.loads(line)
        self.url, self.port = info["url"], info["port"]

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=30) as r:
            return json.loads(r.read())

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def tool_commands(args, bins):
    """tool name -> (argv with {URL} and {OUT}, uses a GNU time stage file)."""
    tools = {
        "rtwatch": ([bins["rtwatch"], "--api-url", "{URL}", "--client-id", "rtwatch", "-o", "{OUT}", "-q"], False),
        "curl|jq": (["bash", os.path.join(HERE, "peer_curl_jq.sh"), "{URL}", "{OUT}"], True),
        "python": ([sys.executable, os.path.join(HERE, "peer_python.py"), "{URL}", "{OUT}"], False),
    }
    if args.node_dir:
        script = os.path.join(args.node_dir, "peer_node.mjs")
        shutil.copy(os.path.join(HERE, "peer_node.mjs"), script)  # ESM resolves packages next to the script
        tools["node"] = (["node", script, "{URL}", "{OUT}"], False)
    if "limit" in bins:
        tools["limit"] = ([bins["limit"], "{URL}", "{OUT}"], False)
        tools["limit replay"] = ([bins["limit"], "--file", "{CAPTURE}", "{OUT}"], False)
    tools["rtwatch replay"] = ([bins["rtwatch"], "replay", "{CAPTURE}", "-o", "{OUT}", "-q"], False)
    wanted = args.tools.split(",")
    for name in wanted:
        if name not in tools:
            print(f"bench: note: no {name} column ({'Node/eventsource not installed' if name == 'node' else 'unknown tool'})")
    return {name: tools[name] for name in wanted if name in tools}


class ToolFailed(Exception):
    """A peer that did not finish the stream or wrote other records: it is
    reported as failed and left out of the variant's remaining runs."""


def run_once(name, spec, url, out_dir, env, capture=None):
    argv, staged = spec
    out = os.path.join(out_dir, name.replace("|", "_").replace(" ", "_") + ".ndjson")
    stage_file = out + ".stages" if staged else None
    run_env = dict(env)
    if staged:
        run_env["STAGE"] = f"/usr/bin/time -a -o {stage_file} -f %M"
    argv = [a.replace("{URL}", url).replace("{OUT}", out).replace("{CAPTURE}", capture or "") for a in argv]
    run = measure.run_tool(name, argv, out, run_env, core=TOOL_CORE, stage_file=stage_file)
    if run.exit_code != 0:
        raise ToolFailed(f"exited with {run.exit_code}: {run.stderr.strip()[-300:]}")
    return run, out


def keep(path, suffix):
    kept = path + suffix
    os.replace(path, kept)
    return kept


def check_records(first_outputs, sim, variant_name, failed):
    """Every tool's first-run records against rtwatch's, and rtwatch's last
    record per resource against the simulator's ground truth."""
    ref = first_outputs["rtwatch"]
    for name, path in first_outputs.items():
        if name == "rtwatch" or name in failed:
            continue
        problem = verify.compare(ref, path)
        if problem:
            failed[name] = f"records differ from rtwatch's: {problem}"
            print(f"  {name} FAILED: {failed[name]}")
    truth = ground_truth(sim)
    if truth is not None:
        mine = verify.last_state(ref)
        wrong = [k for k, v in truth.items() if mine.get(k) != v]
        if wrong:
            sys.exit(f"bench: {variant_name}: rtwatch's last record differs from /sim/state for {len(wrong)} "
                     f"resources, e.g. {wrong[0]}: {mine.get(wrong[0])} vs {truth[wrong[0]]}")
        print(f"  checked: last record per resource = /sim/state for all {len(truth)} resources")


def ground_truth(sim):
    """(kind, id) -> metrics from GET /sim/state ({"queues": {id: metrics}, "skills": ..., "agents": ...})."""
    state = sim.get("/sim/state")
    truth = {}
    for kind in ("queue", "skill", "agent"):
        for rid, metrics in state.get(kind + "s", {}).items():
            truth[(kind, rid)] = metrics
    return truth or None


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def run_variant(key, args, bins, tools, env):
    v = VARIANTS[key]
    print(f"\n== {v['label']}: {args.events:,} flat-out events, {args.runs} runs per tool "
          f"(load average {load_average()}: the machine may be shared)")
    sim = Sim(bins["rtwatch-sim"], ["--flat-out", str(args.events), "--changed-ratio", str(v["changed"]),
                                   "--queues", str(v["queues"]), "--skills", "1", "--agents", "1", "--retry", "0"])
    events = args.events + len(ground_truth(sim))  # the snapshot names every resource once
    capture = record_capture(bins, sim, args.out_dir, key, env)
    runs = {name: [] for name in tools}
    first, failed = {}, {}
    try:
        # The first run in a fresh setting is slower (cold caches, new files),
        # and rotation would always hand it to the same tool: not counted.
        for i in range(args.warmup):
            for name in (n for n in tools if n not in failed):
                try:
                    run_once(name, tools[name], sim.url, args.out_dir, env, capture)
                except ToolFailed as e:
                    if name == "rtwatch":
                        sys.exit(f"bench: rtwatch {e}")
                    failed[name] = str(e)
                    print(f"  warm-up {name:8} FAILED: {e}")
        for i in range(args.runs):
            order = list(tools)[i % len(tools):] + list(tools)[:i % len(tools)]  # rotate: no tool always first
            for name in (n for n in order if n not in failed):
                try:
                    run, out = run_once(name, tools[name], sim.url, args.out_dir, env, capture)
                except ToolFailed as e:
                    if name == "rtwatch":
                        sys.exit(f"bench: rtwatch {e}")
                    failed[name] = str(e)
                    print(f"  run {i + 1} {name:8} FAILED: {e}")
                    continue
                runs[name].append(run)
                print(f"  run {i + 1} {name:8} {events / run.wall_s:>12,.0f} events/s  {run.wall_s:7.3f} s wall  "
                      f"{run.cpu_s:7.3f} s CPU  {run.peak_rss_kib / 1024:6.1f} MiB  {run.lines:,} lines", flush=True)
                if i == 0 or args.verify_all:
                    first[name] = keep(out, f".{key}.run{i + 1}")
            expected = runs["rtwatch"][0].lines
            for name, r in runs.items():
                if name not in failed and r[-1].lines != expected:
                    if name == "rtwatch":
                        sys.exit(f"bench: rtwatch wrote {r[-1].lines} records, {expected} in run 1")
                    failed[name] = f"wrote {r[-1].lines:,} records, rtwatch {expected:,}"
                    print(f"  {name} FAILED: {failed[name]}")
            if i == 0 or args.verify_all:
                check_records(first, sim, v["label"], failed)
    finally:
        sim.stop()
    summary = {name: {"failed": failed[name]} if name in failed else report.summarize(r, events)
               for name, r in runs.items()}
    result = {"label": v["label"], "events": events, "summary": summary}
    print_variant(result)
    return result


def record_capture(bins, sim, out_dir, key, env):
    """The variant's stream as raw SSE bytes (rtwatch --record), for the replay rows."""
    path = os.path.join(out_dir, f"capture.{key}.sse")
    if os.path.exists(path):
        os.remove(path)
    subprocess.run([bins["rtwatch"], "--api-url", sim.url, "--client-id", "rtwatch", "-o", "/dev/null", "-q",
                    "--record", path], env=env, check=True, stdin=subprocess.DEVNULL)
    return path


def run_latency(args, bins, env):
    rate = 10_000
    print(f"\n== added latency: rtwatch-sim --rate {rate}, no throttle, {args.latency_seconds:g} s")
    clients = {"rtwatch": [bins["rtwatch"], "--api-url", "{URL}", "--client-id", "rtwatch", "-q"],
               "null client": [sys.executable, os.path.join(HERE, "null_client.py"), "{URL}"]}
    out = {}
    for name, argv in clients.items():
        # --rate is a cap: a busy, fast-running contact center is needed to reach it.
        sim = Sim(bins["rtwatch-sim"], ["--rate", str(rate), "--speed", "100", "--queues", "1000", "--skills", "20",
                                       "--agents", "2000"])
        try:
            values, achieved = latency.measure(argv, sim.port, args.latency_seconds, warmup_s=2, env=env,
                                               core=TOOL_CORE)
        finally:
            sim.stop()
        out[name] = latency_summary(name, values, achieved, rate)
    return out


def latency_summary(name, values, achieved, rate):
    values.sort()
    result = {"records": len(values), "rate": rate, "achieved_rate": achieved}
    for p in (50, 99, 99.9, 100):
        result[f"p{p:g}_ms"] = latency.percentile(values, p) / 1e6
    print(f"  {name}: {achieved:,.0f} data events/s forwarded; {len(values):,} records: p50 {result['p50_ms']:.3f} ms, p99 {result['p99_ms']:.3f} ms, "
          f"p99.9 {result['p99.9_ms']:.3f} ms, max {result['p100_ms']:.3f} ms")
    return result


def run_microbench(bins, out_dir):
    out = os.path.join(out_dir, "microbench.json")
    subprocess.run(pinned([bins["rtwatch-microbench"], "--benchmark_format=console",
                           f"--benchmark_out={out}", "--benchmark_out_format=json"], TOOL_CORE), check=True)
    with open(out) as f:
        return json.load(f)


def main():
    # Ctrl-C or a kill ends the runs through the `finally`s: no stray simulator.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = parse_args()
    if SIM_CORE is not None:
        os.sched_setaffinity(0, {SIM_CORE})  # the harness stays off the tools' core
    os.makedirs(args.out_dir, exist_ok=True)
    bins = {n: find_binary(args.build_dir, n) for n in ("rtwatch", "rtwatch-sim")}
    limit = os.path.join(args.build_dir, "bench-limit")
    if os.access(limit, os.X_OK):
        bins["limit"] = limit
    else:
        print("bench: note: no limit rows (bench-limit not built: scripts/bench.sh builds it)")
    env = dict(os.environ, RTWATCH_CLIENT_ID="rtwatch", RTWATCH_CLIENT_SECRET="rtwatch-secret")
    tools = tool_commands(args, bins)
    results = {"variants": {}, "pinning": {"sim": SIM_CORE, "tools": TOOL_CORE}}
    for key in filter(None, args.variants.split(",")):
        results["variants"][key] = run_variant(key, args, bins, tools, env)
        save(results, args.out_dir)
    if args.latency_seconds > 0:
        results["latency"] = run_latency(args, bins, env)
    if args.microbench:
        bins["rtwatch-microbench"] = find_binary(args.build_dir, "rtwatch-microbench")
        results["microbench"] = run_microbench(bins, args.out_dir)
    print_summary(results)
    save(results, args.out_dir)
    # A peer that wrote other records than rtwatch makes the comparison void: say so in the exit status.
    failed = [f"{key}: {name}: {s['failed']}" for key, v in results["variants"].items()
              for name, s in v["summary"].items() if "failed" in s]
    if failed:
        sys.exit("bench: failed:\n  " + "\n  ".join(failed))


def save(results, out_dir):
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=1)


def print_variant(v):
    table = report.rows(v["summary"])
    print(f"\n{v['label']} ({v['events']:,} data events, tools on one core):\n{report.text_table(table)}", flush=True)
    for line in report.limit_ratios(v["summary"]):
        print("  " + line)


def print_summary(results):
    md = []
    for v in results["variants"].values():
        table = report.rows(v["summary"])
        print(f"\n{v['label']} ({v['events']:,} data events, tools on one core):\n{report.text_table(table)}")
        ratios = report.limit_ratios(v["summary"])
        for line in ratios:
            print("  " + line)
        md.append(f"**{v['label']}** ({v['events']:,} data events)\n\n{report.markdown_table(table)}\n"
                  + "".join(f"\n- {line}" for line in ratios) + ("\n" if ratios else ""))
    for name, l in results.get("latency", {}).items():
        line = (f"Latency ({name}) at {l['achieved_rate']:,.0f} events/s, no throttle ({l['records']:,} records): "
                f"p50 {l['p50_ms']:.3f} ms, p99 {l['p99_ms']:.3f} ms, p99.9 {l['p99.9_ms']:.3f} ms")
        print("\n" + line)
        md.append(line + "\n")
    if "microbench" in results:
        rows = report.microbench_rows(results["microbench"])
        print("\nStage microbenchmarks:\n" + report.text_table_plain(rows, ["benchmark", "bytes", "items"]))
    results["markdown"] = "\n".join(md)


if __name__ == "__main__":
    main()
