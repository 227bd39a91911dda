#!/usr/bin/env python3
# The wallboard page in a real browser: headless Chromium opens it from
# `rtwatch relay` fed by rtwatch-sim and reads the DOM contract (man rtwatch-relay,
# WALLBOARD). One case per run, named by the first argument;
# exit 77 (ctest's skip) only when Chromium is missing.
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import Browser, run_case  # noqa: E402

SECRET = "rtwatch-secret"
# No band and no dwell time: a level follows from the last value alone, so
# it can be judged from /sim/state.
LEVEL_SPECS = ["waiting: yellow >= 1, red >= 2", 'state: yellow == "busy", red == "not_responding"']
RANK = {"none": 0, "green": 1, "yellow": 2, "red": 3}


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Child:
    """A process whose stdout lines are collected as they come."""

    def __init__(self, argv, env=None):
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self.err,
                                     env=dict(os.environ, **(env or {})))
        self.lines = []
        self._cond = threading.Condition()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            with self._cond:
                self.lines.append(line.decode(errors="replace"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def first_line(self, timeout):
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self.lines and self.proc.poll() is None and time.monotonic() < deadline:
                self._cond.wait(max(0.0, deadline - time.monotonic()))
            if not self.lines:
                raise Failure("%s wrote no first line:\n%s" % (self.proc.args[0], self.stderr_text()))
            return self.lines[0]

    def stderr_text(self):
        self.err.seek(0)
        return self.err.read().decode(errors="replace")[-4000:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def http_json(url, body=None):
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"} if body else {})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


class Setup:
    """rtwatch-sim and `rtwatch relay` on loopback, both on port 0."""

    running = []  # for the logs of a failed case

    def __init__(self, args, sim_args, relay_args):
        self.children = []
        Setup.running.append(self)
        sim = self._start([args.sim, "--port", "0"] + sim_args)
        self.sim_url = json.loads(sim.first_line(30))["url"]
        self._relay_argv = [args.rtwatch, "relay", "--api-url", self.sim_url, "--client-id", "rtwatch"] + relay_args
        self.relay_url = self.start_relay("127.0.0.1:0")

    def start_relay(self, listen):
        self.relay = self._start(self._relay_argv + ["--listen", listen], env={"RTWATCH_CLIENT_SECRET": SECRET})
        listening = json.loads(self.relay.first_line(30))
        check(listening.get("type") == "listening", "the relay's first line is not listening: %r" % listening)
        return listening["url"]

    def _start(self, argv, env=None):
        child = Child(argv, env)
        self.children.append(child)
        return child

    def pause(self):
        http_json(self.sim_url + "/sim/fault", json.dumps({"kind": "pause"}).encode())

    def state(self):
        return http_json(self.sim_url + "/sim/state")

    def close(self):
        for child in reversed(self.children):
            child.stop()


def level_of(metric, value):
    if metric == "waiting" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return "red" if value >= 2 else "yellow" if value >= 1 else "green"
    if metric == "state" and isinstance(value, str):
        return "red" if value == "not_responding" else "yellow" if value == "busy" else "green"
    return None


# The wallboard's default fields for queues and skills (the relay's meta
# event); agents show all their metrics.
DEFAULT_FIELDS = ["waiting", "waitDuration", "availableAgents", "serviceLevelPercentile"]
UNITS = {"waitDuration": "s", "talkTime": "s", "serviceLevelPercentile": "%", "waiting": "count",
         "availableAgents": "count", "totalAgents": "count", "answered": "count", "abandoned": "count"}


def expected_tiles(state, selection, fields):
    """ "kind/id" -> {"level": worst, "metrics": {name: text}} as the page must show it."""
    out = {}
    for kind, plural in (("queue", "queues"), ("skill", "skills"), ("agent", "agents")):
        for rid in selection[kind]:
            shown = fields if fields is not None else None if kind == "agent" else DEFAULT_FIELDS
            metrics = {k: v for k, v in state[plural][rid].items() if shown is None or k in shown}
            levels = [level_of(k, v) for k, v in metrics.items()]
            worst = max((l for l in levels if l), key=RANK.get, default="none")
            out[kind + "/" + rid] = {"level": worst,
                                     "metrics": {k: value_text(v, UNITS.get(k, "")) for k, v in metrics.items()}}
    return out


def clock_text(seconds):
    total = int(abs(seconds))
    h, m, s = total // 3600, total // 60 % 60, total % 60
    sign = "-" if seconds < 0 and total > 0 else ""
    return sign + ("%d:%02d:%02d" % (h, m, s) if h else "%d:%02d" % (m, s))


def plain(v, places):
    text = ("%." + str(places) + "f") % v
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def value_text(v, unit=""):
    # rtwatch/core/metric_units.hpp's formats: m:ss, h:mm:ss, %, counts plain.
    if v is None:
        return "\u2014"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)) and unit in ("s", "ms"):
        return clock_text(v / 1000 if unit == "ms" else v)
    if isinstance(v, (int, float)) and unit == "%":
        return plain(v, 1) + "%"
    if isinstance(v, (int, float)) and unit == "count":
        return plain(v, 2)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


READ_DOM = """JSON.stringify({
  header: {upstream: document.getElementById('header').dataset.upstream,
           age: document.getElementById('header').dataset.ageMs},
  tiles: Array.from(document.querySelectorAll('[data-kind][data-id]')).map((t) => ({
    key: t.dataset.kind + '/' + t.dataset.id, level: t.dataset.level, stale: t.dataset.stale,
    metrics: Object.fromEntries(Array.from(t.querySelectorAll('[data-metric]'))
                                  .map((m) => [m.dataset.metric, m.textContent]))}))})"""

def open_wallboard(browser, url):
    browser.navigate(url)
    check(browser.wait_for("document.readyState === 'complete' && !!document.getElementById('header')", 20),
          "the wallboard loads from %s" % url)


def dom_of(browser):
    dom = json.loads(browser.evaluate(READ_DOM))
    dom["by_key"] = {t["key"]: {"level": t["level"], "metrics": t["metrics"]} for t in dom["tiles"]}
    return dom


RELAY_SELECTION = {"queue": ["queue-0001", "queue-0002", "queue-0003"], "skill": ["skill-billing", "skill-sales"],
                   "agent": ["agent-00001", "agent-00002", "agent-00003"]}


def levels_in(state, selection):
    return {v["level"] for v in expected_tiles(state, selection, None).values()}


def wait_for_page(browser, expected, what):
    """Until the tiles are `expected` and the header says connected; the DOM as last read."""
    dom = None

    def settled():
        nonlocal dom
        dom = dom_of(browser)
        return dom["by_key"] == expected and dom["header"]["upstream"] == "connected"

    if not wait_for(settled, 20):
        raise Failure("%s: the page never showed /sim/state:\nexpected %s\nshown    %s\nheader %s" %
                      (what, json.dumps(expected, sort_keys=True), json.dumps(dom["by_key"], sort_keys=True),
                       dom["header"]))
    check(len(dom["tiles"]) == len(expected), "%s: one tile per resource: %d tiles" % (what, len(dom["tiles"])))
    check(all(t["stale"] == "false" for t in dom["tiles"]), "%s: no tile is stale while connected (header %s)" %
          (what, dom["header"]))
    check(re.fullmatch(r"\d+", dom["header"]["age"] or ""), "%s: data-age-ms is a count of ms: %r" %
          (what, dom["header"]["age"]))
    return dom


def case_dom(args):
    """One tile per selected resource with the values of /sim/state and the configured levels."""
    setup = None
    try:
        selection_args = sum((["--" + kind, ",".join(ids)] for kind, ids in RELAY_SELECTION.items()), [])
        setup = Setup(args, ["--seed", "11", "--queues", "4", "--skills", "2", "--agents", "6", "--speed", "60",
                             "--rate", "200"],
                      selection_args + sum((["--level", s] for s in LEVEL_SPECS), []))
        # Let the model run until the selection shows more than green (the
        # levels are then worth checking), then freeze the ground truth.
        wait_until(lambda: len(levels_in(setup.state(), RELAY_SELECTION)) >= 3, 30,
                   "the simulator's model never gave the selection three levels")
        setup.pause()
        state = setup.state()
        narrowed = {"queue": ["queue-0001", "queue-0002"], "skill": ["skill-billing"],
                    "agent": ["agent-00001", "agent-00002"]}
        fields = ["waiting", "availableAgents", "state", "talkTime"]
        query = "queueId=%s&skillId=%s&agentId=%s&agentId=%s&fields=%s" % (
            ",".join(narrowed["queue"]), narrowed["skill"][0], narrowed["agent"][0], narrowed["agent"][1],
            ",".join(fields))
        with Browser(args.chromium) as browser:
            browser.open_page()
            # The page's query narrows what it asks /events for.
            open_wallboard(browser, setup.relay_url + "/?" + query + "#token=wallboard-test-token")
            dom = wait_for_page(browser, expected_tiles(state, narrowed, fields), "narrowed by the URL")
            # No new data (the model is paused), and the age goes on ticking.
            age = int(dom["header"]["age"])
            check(wait_for(lambda: int(dom_of(browser)["header"]["age"] or 0) >= age + 1000, 5),
                  "data-age-ms ticks while no data comes")
            # The token went to the cookie and out of the address bar, never into a URL.
            where = json.loads(browser.evaluate("JSON.stringify({hash: location.hash, cookie: document.cookie})"))
            requests = browser.requests()
            check(where["hash"] == "", "the fragment is gone from the address bar: %r" % where["hash"])
            check("rtwatch_viewer_token=wallboard-test-token" in where["cookie"], "the token is in the cookie")
            check(not any("wallboard-test-token" in u for u in requests), "no request URL carries the token")
            events = [urllib.parse.urlsplit(u) for u in requests if u.startswith(setup.relay_url + "/events")]
            # The ids narrow /events; fields only choose what the tiles show.
            passed = [p for p in urllib.parse.parse_qsl(query) if p[0] != "fields"]
            check(events and all(urllib.parse.parse_qsl(e.query) == passed for e in events),
                  "the page's ids reach /events as they are: %s" % requests)
            # Without a query: everything the relay selects.
            open_wallboard(browser, setup.relay_url + "/")
            wait_for_page(browser, expected_tiles(state, RELAY_SELECTION, None), "the relay's selection")
            requests = browser.requests()
            check(all(u.startswith(setup.relay_url + "/") for u in requests),
                  "every request goes to the relay: %s" % requests)
            os.makedirs(os.path.dirname(os.path.abspath(args.screenshot)), exist_ok=True)
            browser.screenshot(args.screenshot)
            print("screenshot: %s" % args.screenshot)
            errors = browser.console_errors()
            check(not errors, "the page logged errors: %s" % errors)
            # The relay goes away: the page says so instead of showing old numbers as live.
            setup.relay.stop()
            check(wait_for(lambda: dom_of(browser)["header"]["upstream"] == "reconnecting", 10),
                  "the header says reconnecting after the relay stopped")
            check(wait_for(lambda: all(t["stale"] == "true" for t in dom_of(browser)["tiles"]), 5),
                  "every tile turns grey (stale) while reconnecting")
            # A new relay where the old one was (another epoch): the page finds it by itself.
            setup.start_relay(setup.relay_url.split("//", 1)[1])
            wait_for_page(browser, expected_tiles(state, RELAY_SELECTION, None), "after the relay came back")
            # Connected, but nothing new for longer than staleAfter: grey, though the header says connected.
            open_wallboard(browser, setup.relay_url + "/?staleAfter=1s")
            check(wait_for(lambda: (lambda d: d["tiles"] and d["header"]["upstream"] == "connected" and
                                    all(t["stale"] == "true" for t in d["tiles"]))(dom_of(browser)), 10),
                  "tiles turn stale after staleAfter without data")
    finally:
        if setup:
            setup.close()


def case_token(args):
    """With --viewer-token-file, the page connects on the token of its #token= link, and says why it cannot without."""
    setup = None
    token_dir = tempfile.mkdtemp(prefix="rtwatch-wallboard-")
    try:
        token_file = os.path.join(token_dir, "viewer.token")
        with open(token_file, "w") as f:
            f.write("s3cr3t-viewer/token+=\n")
        setup = Setup(args, ["--seed", "5", "--queues", "2", "--skills", "1", "--agents", "1"],
                      ["--queue", "queue-0001,queue-0002", "--viewer-token-file", token_file])
        with Browser(args.chromium) as browser:
            browser.open_page()
            open_wallboard(browser, setup.relay_url + "/")
            check(wait_for(lambda: "401" in browser.evaluate("document.getElementById('note').textContent"), 10),
                  "without the token the header shows the relay's 401")
            check(dom_of(browser)["tiles"] == [], "and no tile")
            def shows(n):
                return wait_for(lambda: (lambda d: len(d["tiles"]) == n and d["header"]["upstream"] == "connected")(
                    dom_of(browser)), 20)

            # Added to the open page's address, the token connects it at once.
            open_wallboard(browser, setup.relay_url + "/#token=s3cr3t-viewer/token+=")
            check(shows(2), "with the token the page connects and shows the two queues")
            check(browser.evaluate("document.getElementById('note').textContent") == "", "and the note is gone")
            check(browser.evaluate("location.hash") == "", "the token left the address bar")
            # A fresh load of a #token= link: the cookie is set before the first connection.
            browser.clear_cookies()
            browser.navigate("about:blank")
            open_wallboard(browser, setup.relay_url + "/?queueId=queue-0001#token=s3cr3t-viewer/token+=")
            check(shows(1), "a fresh load of the link connects at once")
            check(not any("s3cr3t" in u for u in browser.requests()), "no request URL carries the token")
    finally:
        if setup:
            setup.close()
        shutil.rmtree(token_dir, ignore_errors=True)


# A MutationObserver callback runs once per task that changed the DOM: one
# paint pass is one batch, and parsing the page is over before it starts.
COUNT_PASSES = """
window.__passes = [];
document.addEventListener('DOMContentLoaded', () => {
  new MutationObserver(() => window.__passes.push(performance.now()))
    .observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
});
"""


def case_paint_rate(args):
    """1,000 tiles and fast updates: at most one DOM pass a second, many records per pass, no freeze."""
    setup = None
    try:
        setup = Setup(args, ["--seed", "3", "--queues", "1000", "--skills", "1", "--agents", "1", "--speed", "60",
                             "--rate", "1000", "--redundant-ratio", "0"],
                      ["--fields", "waiting,availableAgents,waitDuration,answered"] +
                      ["--level", LEVEL_SPECS[0]])
        with Browser(args.chromium) as browser:
            browser.open_page(COUNT_PASSES)
            open_wallboard(browser, setup.relay_url + "/")
            check(wait_for(lambda: browser.evaluate("document.querySelectorAll('.tile[data-kind=queue]').length")
                           >= 1000, 30), "the page shows 1,000 queue tiles")
            start = browser.evaluate("JSON.stringify([window.__passes.length, rtwatchWallboard.stats.records])")
            start_passes, start_records = json.loads(start)
            check(wait_for(lambda: browser.evaluate("window.__passes.length") >= start_passes + 6, 30),
                  "the page goes on painting")
            took = time.monotonic()
            stats = json.loads(browser.evaluate(
                "JSON.stringify({passes: window.__passes, stats: rtwatchWallboard.stats})"))
            took = time.monotonic() - took
            passes = stats["passes"][start_passes:]
            gaps = [round(b - a) for a, b in zip(passes, passes[1:])]
            records = stats["stats"]["records"] - start_records
            print("passes %d apart by %s ms; %d records; longest pass %.1f ms" %
                  (len(passes), gaps, records, stats["stats"]["max_paint_ms"]))
            # The page keeps 1000 ms; a little less allows for the clock's granularity.
            check(all(g >= 950 for g in gaps), "DOM passes at least a second apart: %s" % gaps)
            check(records >= 20 * len(gaps), "many records per pass (%d records, %d passes)" % (records, len(gaps)))
            check(took < 2.0, "the page answers while busy (%.2f s)" % took)
            check(stats["stats"]["max_paint_ms"] < 1000, "no pass takes a second")
    finally:
        if setup:
            setup.close()


def case_self_contained(args):
    """Nothing in the page, its script or its style names another host or loads anything but /events."""
    page = ""
    folder = os.path.dirname(os.path.abspath(args.page))
    for name in ("wallboard.html", "wallboard.css", "wallboard.js", "wallboard_view.js", "wallboard_paint.js"):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            page += f.read()
    # The SVG namespace is a name, not an address anything is fetched from.
    page = page.replace('"http://www.w3.org/2000/svg"', '"svg-namespace"')
    check(not re.search(r"https?://", page, re.I), "the page names no http(s) URL")
    check(not re.search(r"""(src|href|action)\s*=\s*["']?\s*//""", page, re.I), "no protocol-relative URL")
    loaded = re.findall(r"<(?:script|link|img|iframe|object|embed)[^>]*\s(?:src|href)\s*=\s*[\"']?([^\"' >]+)", page, re.I)
    check(loaded == ["/wallboard.css", "/wallboard_view.js", "/wallboard_paint.js", "/wallboard.js"],
          "the page loads its own style and scripts and nothing else: %s" % loaded)
    check("<script>" not in page and "<style" not in page and " style=" not in page and "onload=" not in page,
          "no inline script or style (the CSP forbids them)")
    check(not re.search(r"@import|(?<![\w-])url\(\s*['\"]?(?!data:)", page, re.I), "the style loads nothing")
    check(re.search(r"default-src 'self'", page) and "unsafe-inline" not in page,
          "its Content-Security-Policy keeps everything to its origin, without unsafe-inline")
    # The build embeds it as char bytes: the rest of Unicode goes in as entities and escapes.
    check(all(ord(c) < 0x80 for c in page), "the page is ASCII")
    check("new EventSource(" in page and '"/events' in page, "it reads /events")


def wait_until(pred, timeout, message):
    check(wait_for(pred, timeout), message)


def wait_for(pred, timeout):
    """Polls `pred` until it holds or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        if pred():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


CASES = {"dom": case_dom, "paint-rate": case_paint_rate, "self-contained": case_self_contained, "token": case_token}


def child_logs():
    """Every started child's stderr, for a failed case's report."""
    return [(" ".join(child.proc.args[:2]), child.stderr_text()) for setup in Setup.running
            for child in setup.children]


def main():
    return run_case(CASES, Failure, child_logs, options=[("--page", None), ("--screenshot", "wallboard.png")],
                    without_browser={"self-contained"})


if __name__ == "__main__":
    sys.exit(main())
