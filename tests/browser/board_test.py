#!/usr/bin/env python3
# The wallboard as a supervisor's screen, in headless Chromium: it fits
# 1920x1080 and 1280x720 (or rotates pages that cover every tile), its
# texts are /sim/state formatted with units and names, its totals add up,
# every text keeps 4.5:1 contrast, and its sparklines are the relay's points.
# One case per run; exit 77 only when Chromium is missing.
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.request

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import Browser, run_case  # noqa: E402
from wallboard_test import (Failure, Setup, check, child_logs, open_wallboard, value_text, wait_for,  # noqa: E402
                            UNITS)

NAMES = ["Billing", "Sales", "Support", "Returns", "Claims", "Onboarding", "Retention", "Payments", "Technical",
         "VIP", "Shipping", "Accounts, EMEA"]
LEVELS = ["waiting: yellow >= 1, red >= 3", "serviceLevelPercentile: yellow < 90, red < 80",
          'state: yellow == "busy"']
SIM = ["--seed", "7", "--queues", "12", "--skills", "4", "--agents", "30", "--speed", "60"]


def names_file(folder):
    path = os.path.join(folder, "names.csv")
    with open(path, "w") as f:
        f.write("kind,id,name\n# queues\n")
        for i, name in enumerate(NAMES):
            f.write('queue,queue-%04d,"%s"\n' % (i + 1, name))
        f.write("agent,agent-00001,Ada Lovelace\n")
    return path


def board_setup(args, folder, extra=()):
    relay = ["--names", names_file(folder), "--trend-step", "1s"] + sum((["--level", s] for s in LEVELS), [])
    return Setup(args, SIM, relay + list(extra))


def count_shown(browser):
    return browser.evaluate("document.querySelectorAll('[data-kind][data-id]').length")


GEOMETRY = """JSON.stringify({
  page: +document.body.dataset.page, pages: +document.body.dataset.pages,
  width: innerWidth, height: innerHeight,
  scroll: [document.scrollingElement.scrollWidth, document.scrollingElement.scrollHeight],
  shown: Array.from(document.querySelectorAll('[data-kind][data-id]')).filter((e) => e.offsetParent)
    .map((e) => { const r = e.getBoundingClientRect();
                  return {key: e.dataset.kind + '/' + e.dataset.id, box: [r.left, r.top, r.right, r.bottom]}; }),
  heroes: Array.from(document.querySelectorAll('[data-hero]')).filter((e) => e.offsetParent)
    .map((e) => parseFloat(getComputedStyle(e).fontSize)),
  labels: Array.from(document.querySelectorAll('.label, .level, .tile-id, th, td'))
    .filter((e) => e.offsetParent && e.textContent).map((e) => parseFloat(getComputedStyle(e).fontSize))})"""


def light_screenshot(browser, setup, folder, size):
    """The same board in ?theme=light, on its first page: wallboard-light-WxH.png."""
    open_wallboard(browser, setup.relay_url + "/?rotate=2&theme=light")
    check(wait_for(lambda: count_shown(browser) == 46, 20), "46 resources on the light page")
    time.sleep(1.5)  # one pass after the snapshot lays the page out
    background = browser.evaluate("getComputedStyle(document.body).backgroundColor")
    check(sum(float(c) for c in re.findall(r"[\d.]+", background)[:3]) > 3 * 200,
          "?theme=light gives a light background: %s" % background)
    pages = int(browser.evaluate("document.body.dataset.pages") or 1)
    wait_for(lambda: browser.evaluate("document.body.dataset.page") == "1", 2.5 * pages)
    path = os.path.join(folder, "wallboard-light-%dx%d.png" % size)
    browser.screenshot(path)
    print("screenshot: %s (%d pages)" % (path, pages))


def case_fit(args):
    """12 queues, 4 skills, 30 agents at 1920x1080 and 1280x720: on screen, readable, every one on some page."""
    folder = tempfile.mkdtemp(prefix="rtwatch-board-")
    setup = None
    try:
        setup = board_setup(args, folder)
        for width, height in ((1920, 1080), (1280, 720)):
            with Browser(args.chromium, width, height) as browser:
                browser.open_page()
                open_wallboard(browser, setup.relay_url + "/?rotate=2")
                check(wait_for(lambda: count_shown(browser) == 46, 20), "46 resources on the page")
                time.sleep(1.5)  # one pass after the snapshot lays the page out
                seen, pages = set(), None
                start = time.monotonic()
                while True:
                    g = json.loads(browser.evaluate(GEOMETRY))
                    pages = g["pages"]
                    what = "%dx%d page %d of %d" % (width, height, g["page"], pages)
                    check(g["scroll"][0] <= width and g["scroll"][1] <= height, "%s: no scrolling: %s" %
                          (what, g["scroll"]))
                    for item in g["shown"]:
                        l, t, r, b = item["box"]
                        check(l >= 0 and t >= 0 and r <= width + 0.5 and b <= height + 0.5,
                              "%s: %s is inside the viewport: %s" % (what, item["key"], item["box"]))
                        seen.add(item["key"])
                    check(g["heroes"] and min(g["heroes"]) >= 28, "%s: hero values >= 28 px: %s" % (what, g["heroes"]))
                    if width == 1920 and len(g["heroes"]) <= 12:
                        check(min(g["heroes"]) >= 48, "%s: up to 12 tiles, heroes >= 48 px: %s" % (what, g["heroes"]))
                    check(min(g["labels"]) >= 16, "%s: every label >= 16 px: %s" % (what, min(g["labels"])))
                    if len(seen) == 46 or time.monotonic() - start > 2.5 * pages + 4:
                        break
                    time.sleep(0.5)
                check(len(seen) == 46, "%dx%d: every tile and agent shown within one turn of %d pages: %d seen" %
                      (width, height, pages, len(seen)))
                if args.screenshot_dir:
                    wait_for(lambda: browser.evaluate("document.body.dataset.page") == "1", 2.5 * pages)
                    os.makedirs(args.screenshot_dir, exist_ok=True)
                    path = os.path.join(args.screenshot_dir, "wallboard-%dx%d.png" % (width, height))
                    browser.screenshot(path)
                    print("screenshot: %s (%d pages)" % (path, pages))
                    if width == 1920:
                        light_screenshot(browser, setup, args.screenshot_dir, (width, height))
                check(not browser.console_errors(), "no errors: %s" % browser.console_errors())
    finally:
        if setup:
            setup.close()
        shutil.rmtree(folder, ignore_errors=True)


READ_VALUES = """JSON.stringify({
  tiles: Array.from(document.querySelectorAll('[data-kind][data-id]')).map((t) => ({
    key: t.dataset.kind + '/' + t.dataset.id, name: t.dataset.name,
    shown: t.querySelector('.tile-name').textContent,
    metrics: Object.fromEntries(Array.from(t.querySelectorAll('[data-metric]')).map((m) =>
      [m.dataset.metric, {text: m.textContent, unit: m.dataset.unit, level: m.dataset.level,
                          threshold: m.dataset.threshold === undefined ? null : m.dataset.threshold}]))})),
  totals: Object.fromEntries(Array.from(document.querySelectorAll('[data-total]')).map((e) =>
    [e.dataset.total, {text: e.textContent, level: e.dataset.level}])),
  states: JSON.parse(document.getElementById('agent-states').dataset.counts || '{}'),
  clock: document.querySelector('[data-clock]').textContent})"""


def case_values(args):
    """Formatted values, units, thresholds and names as /sim/state and the names file say; totals add up."""
    folder = tempfile.mkdtemp(prefix="rtwatch-board-")
    setup = None
    try:
        setup = board_setup(args, folder)
        with urllib.request.urlopen(setup.relay_url + "/", timeout=10) as answer:
            csp = answer.headers["Content-Security-Policy"]
        check(csp.startswith("default-src 'self'") and "unsafe-inline" not in csp, "the CSP: %r" % csp)
        time.sleep(2)
        setup.pause()
        state = setup.state()
        with Browser(args.chromium, 1920, 1080) as browser:
            browser.open_page()
            open_wallboard(browser, setup.relay_url + "/")
            check(wait_for(lambda: count_shown(browser) == 46, 20), "46 resources on the page")
            time.sleep(1.5)
            page = json.loads(browser.evaluate(READ_VALUES))
            check(not browser.console_errors(), "no errors: %s" % browser.console_errors())
        tiles = {t["key"]: t for t in page["tiles"]}
        for i, name in enumerate(NAMES):
            t = tiles["queue/queue-%04d" % (i + 1)]
            check(t["name"] == name and t["shown"] == name, "queue-%04d is named %r: %r" % (i + 1, name, t))
        check(tiles["agent/agent-00001"]["name"] == "Ada Lovelace", "an agent's name from the file")
        check(tiles["skill/skill-billing"]["name"] == "", "a resource without a name has data-name empty")
        for kind, plural in (("queue", "queues"), ("skill", "skills"), ("agent", "agents")):
            for rid, metrics in state[plural].items():
                shown = tiles[kind + "/" + rid]["metrics"]
                for metric, cell in shown.items():
                    unit = UNITS.get(metric, "")
                    want = value_text(metrics[metric], unit)
                    check(cell["text"] == want and cell["unit"] == unit,
                          "%s/%s %s: %r (%s) where /sim/state says %r" % (kind, rid, metric, cell["text"],
                                                                           cell["unit"], want))
                    if metric in ("waiting", "serviceLevelPercentile", "state"):
                        check(cell["threshold"] is not None, "%s has a data-threshold" % metric)
                    if metric == "waiting" and cell["level"] == "red":
                        check(cell["threshold"] == "\u2265 3", "red waiting shows its threshold: %r" % cell)
        queues = list(state["queues"].values())
        want = {"waiting": value_text(sum(q["waiting"] for q in queues), "count"),
                "longestWait": value_text(max(q["waitDuration"] for q in queues), "s"),
                "availableAgents": value_text(sum(q["availableAgents"] for q in queues), "count"),
                "serviceLevel": value_text(min(q["serviceLevelPercentile"] for q in queues), "%")}
        got = {k: v["text"] for k, v in page["totals"].items()}
        check(got == want, "the totals strip: %s where /sim/state gives %s" % (got, want))
        waiting = sum(q["waiting"] for q in queues)
        check(page["totals"]["waiting"]["level"] == ("red" if waiting >= 3 else "yellow" if waiting else "green"),
              "the total waiting takes the waiting spec's level: %s" % page["totals"]["waiting"])
        states = {}
        for a in state["agents"].values():
            states[a["state"]] = states.get(a["state"], 0) + 1
        check(page["states"] == states, "agents per state %s where /sim/state has %s" % (page["states"], states))
        check(len(page["clock"]) == 8 and page["clock"][2] == ":", "a clock: %r" % page["clock"])
    finally:
        if setup:
            setup.close()
        shutil.rmtree(folder, ignore_errors=True)


# For each visible element with text of its own: its colour against the
# first opaque background behind it, as WCAG 2 computes contrast.
CONTRAST = """(() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = (c) => { const v = c.slice(0, 3).map((x) => { x /= 255;
      return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const background = (e) => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c; } return [255, 255, 255]; };
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    if (!e.offsetParent && e.tagName !== 'BODY') continue;
    const own = Array.from(e.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const fg = rgb(getComputedStyle(e).color), bg = background(e);
    const a = lum(fg), b = lum(bg), ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const holder = e.closest('[data-level]');
    out.push({text: e.textContent.slice(0, 30), ratio: Math.round(ratio * 100) / 100,
              level: holder ? holder.dataset.level : 'none', stale: !!e.closest('[data-stale="true"]')});
  }
  return JSON.stringify(out);
})()"""


def check_contrast(browser, what, levels_needed):
    items = json.loads(browser.evaluate(CONTRAST))
    low = [i for i in items if i["ratio"] < 4.5]
    check(not low, "%s: texts below 4.5:1: %s" % (what, low[:10]))
    levels = {i["level"] for i in items}
    check(levels_needed <= levels, "%s: texts checked in every level %s: %s" % (what, levels_needed, levels))
    print("%s: %d texts, lowest %.2f:1, levels %s" % (what, len(items), min(i["ratio"] for i in items),
                                                      sorted(levels)))
    return items


def case_contrast(args):
    """Every text >= 4.5:1 against its background in each level and stale, dark and light."""
    folder = tempfile.mkdtemp(prefix="rtwatch-board-")
    setup = None
    try:
        setup = board_setup(args, folder)
        check(wait_for(lambda: (lambda s: max(q["waiting"] for q in s["queues"].values()) >= 3 and
                                min(q["waiting"] for q in s["queues"].values()) == 0)(setup.state()), 40),
              "the model never had a red and a green queue")
        setup.pause()
        for theme in ("dark", "light"):
            with Browser(args.chromium, 1920, 1080) as browser:
                browser.open_page()
                open_wallboard(browser, setup.relay_url + "/?staleAfter=4s&theme=" + theme)
                check(wait_for(lambda: count_shown(browser) == 46, 20), "46 resources on the page")
                time.sleep(1.5)
                check_contrast(browser, theme, {"green", "yellow", "red", "none"})
                # Nothing new for staleAfter: every tile grey, its level still a word.
                check(wait_for(lambda: browser.evaluate(
                    "document.querySelectorAll('[data-stale=true]').length") == 46, 10), "every tile goes stale")
                items = check_contrast(browser, theme + ", stale", {"green", "yellow", "red"})
                check(any(i["stale"] for i in items), "stale texts were checked")
    finally:
        if setup:
            setup.close()
        shutil.rmtree(folder, ignore_errors=True)


class EventReader:
    """The relay's /events for one queue: every live record's (time stamp, waiting)."""

    def __init__(self, url):
        self.records = []
        self._answer = urllib.request.urlopen(url, timeout=30)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        event = None
        try:
            for raw in self._answer:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "metrics":
                    rec = json.loads(line[6:])
                    if "waiting" in rec.get("metrics", {}):
                        self.records.append((rec["ts"], rec["metrics"]["waiting"]))
        except (OSError, ValueError):
            pass

    def close(self):
        self._answer.close()


def step_of(ts):
    # RFC 3339 with milliseconds, UTC: the relay's one-second steps.
    import datetime
    at = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return int(at.timestamp() * 1000) // 1000


def case_trend(args):
    """A sparkline's points are the values the relay committed, one a step (--trend-step 1s)."""
    setup = None
    try:
        setup = Setup(args, ["--seed", "3", "--queues", "1", "--skills", "1", "--agents", "3", "--speed", "60"],
                      ["--trend-step", "1s", "--queue", "queue-0001"])
        reader = EventReader(setup.relay_url + "/events?queueId=queue-0001")
        time.sleep(2)
        with Browser(args.chromium, 1280, 720) as browser:
            browser.open_page()
            open_wallboard(browser, setup.relay_url + "/")
            time.sleep(6)
            setup.pause()
            time.sleep(2.5)
            points = browser.evaluate("document.querySelector('[data-id=\"queue-0001\"] [data-trend]').dataset.points")
            metric = browser.evaluate("document.querySelector('[data-id=\"queue-0001\"] [data-trend]').dataset.trend")
        reader.close()
        check(metric == "waiting", "the sparkline is the hero's: %r" % metric)
        shown = {int(s): float(v) for s, v in (p.split(":") for p in points.split())}
        seen = {}
        for ts, v in reader.records:
            seen[step_of(ts)] = v
        check(len(seen) >= 3, "the queue changed in several steps: %s" % seen)
        first = min(seen) + 1  # the reader saw every record from this step on
        window = {s: v for s, v in shown.items() if s >= first}
        want = {s: float(v) for s, v in seen.items() if s >= first}
        check(window == want, "the sparkline's points from step %d: %s; the relay committed %s" % (first, window, want))
        print("%d points, %d compared with the relay's records" % (len(shown), len(want)))
    finally:
        if setup:
            setup.close()


CASES = {"fit": case_fit, "values": case_values, "contrast": case_contrast, "trend": case_trend}


def main():
    return run_case(CASES, Failure, child_logs, options=[("--screenshot-dir", None)])


if __name__ == "__main__":
    sys.exit(main())
