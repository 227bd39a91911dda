# Headless Chromium driven over the DevTools protocol on a pipe
# (--remote-debugging-pipe: JSON messages ending in NUL on fds 3 and 4), so
# the tests need no WebSocket client and no port of their own; and the main()
# the test scripts share: one case per run, exit 77 when Chromium is missing.
import argparse
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time


SKIP = 77  # ctest's SKIP_RETURN_CODE


class BrowserError(RuntimeError):
    pass


def find_chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    def __init__(self, binary, width=1280, height=800):
        self._profile = tempfile.mkdtemp(prefix="rtwatch-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # The child reads commands on fd 3 and answers on fd 4.
        def wire():
            # Above 4 first, so that neither end is overwritten by the other.
            high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)
        args = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--mute-audio", "--no-default-browser-check",
                "--remote-debugging-pipe", "--user-data-dir=" + self._profile,
                "--window-size=%d,%d" % (width, height), "about:blank"]
        self._log = open(os.path.join(self._profile, "chromium.log"), "wb")
        self._proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
                                      preexec_fn=wire, pass_fds=(3, 4))
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self._events = []
        self._session = None
        self._width, self._height = width, height

    def log_text(self):
        self._log.flush()
        with open(os.path.join(self._profile, "chromium.log"), "rb") as f:
            return f.read().decode(errors="replace")[-4000:]

    def _send(self, method, params=None, session=True, timeout=30.0):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self._session:
            message["sessionId"] = self._session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            for reply in self._read(deadline, method):
                if reply.get("id") == self._next_id:
                    if "error" in reply:
                        raise BrowserError("%s: %s" % (method, reply["error"]))
                    return reply.get("result", {})
                self._events.append(reply)

    def _read(self, deadline, what):
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("no answer to %s in time" % what)
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise BrowserError("chromium closed the pipe during %s:\n%s" % (what, self.log_text()))
                self._buffer += chunk
        messages = []
        while b"\0" in self._buffer:
            raw, self._buffer = self._buffer.split(b"\0", 1)
            messages.append(json.loads(raw))
        return messages

    def open_page(self, init_script=None):
        """Attaches to the first page; init_script runs before any page script."""
        targets = self._send("Target.getTargets", session=False)["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self._session = self._send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True},
                                   session=False)["sessionId"]
        self._send("Page.enable")
        self._send("Runtime.enable")
        self._send("Network.enable")
        self._send("Log.enable")
        self._send("Emulation.setDeviceMetricsOverride",
                   {"width": self._width, "height": self._height, "deviceScaleFactor": 1, "mobile": False})
        if init_script:
            self._send("Page.addScriptToEvaluateOnNewDocument", {"source": init_script})

    def navigate(self, url, timeout=30.0):
        """Opens `url` and returns once its load event has fired (at once when only the fragment changed)."""
        loads = self._count("Page.loadEventFired")
        result = self._send("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise BrowserError("navigating to %s: %s" % (url, result["errorText"]))
        if "loaderId" not in result:
            return
        deadline = time.monotonic() + timeout
        while self._count("Page.loadEventFired") == loads:
            self._events.extend(self._read(deadline, "the load of " + url))

    def _count(self, method):
        return sum(1 for e in self._events if e.get("method") == method)

    def evaluate(self, expression, timeout=30.0):
        result = self._send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                 "awaitPromise": True}, timeout=timeout)
        if "exceptionDetails" in result:
            raise BrowserError("%s: %s" % (expression, result["exceptionDetails"]))
        return result["result"].get("value")

    def wait_for(self, expression, timeout):
        """Polls a JavaScript condition until it is truthy; its last value either way."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value or time.monotonic() > deadline:
                return value
            time.sleep(0.05)

    def console_errors(self):
        """Exceptions, console.error calls, and what the browser itself refused (CSP, mixed content)."""
        return [e for e in self._events if e.get("method") == "Runtime.exceptionThrown"
                or (e.get("method") == "Runtime.consoleAPICalled" and e["params"].get("type") == "error")
                or (e.get("method") == "Log.entryAdded" and e["params"]["entry"].get("source") == "security")]

    def clear_cookies(self):
        self._send("Network.clearBrowserCookies")

    def requests(self):
        """The URL of every request the page has made so far, as the network saw it."""
        return [e["params"]["request"]["url"] for e in self._events if e.get("method") == "Network.requestWillBeSent"]

    def screenshot(self, path):
        data = self._send("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self._send("Browser.close", session=False, timeout=5.0)
        except (BrowserError, OSError):
            pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        for fd in (self._to_child, self._from_child):
            os.close(fd)
        self._log.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def run_case(cases, failure, logs, options=(), without_browser=()):
    """A test script's main(): parses the case's name, --rtwatch, --sim,
    --chromium and `options` ((name, default) pairs), runs the case and
    returns the exit code: 77 when Chromium is missing (unless the case is in
    `without_browser`), 1 when the case raised `failure`, after printing it
    and the (title, text) pairs of `logs()`."""
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=sorted(cases))
    parser.add_argument("--rtwatch")
    parser.add_argument("--sim")
    for name, default in options:
        parser.add_argument(name, default=default)
    parser.add_argument("--chromium", default=os.environ.get("RTWATCH_CHROMIUM") or find_chromium())
    args = parser.parse_args()
    if args.case not in without_browser and not args.chromium:
        print("SKIP: chromium is not installed (scripts/deps.sh test installs it)")
        return SKIP
    try:
        cases[args.case](args)
    except failure as error:
        print("FAIL: %s" % error)
        for title, text in logs():
            print("--- stderr of %s:\n%s" % (title, text))
        return 1
    print("PASS: %s" % args.case)
    return 0
