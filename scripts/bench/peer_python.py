#!/usr/bin/env python3
"""Benchmark peer (d): Python 3 standard library only. An SSE reader over
http.client, json.loads and a dict diff keyed by resource; writes the same
NDJSON records as rtwatch.

usage: peer_python.py API_URL OUT_FILE   (RTWATCH_CLIENT_SECRET, RTWATCH_CLIENT_ID)
"""
import base64
import datetime
import http.client
import json
import os
import sys
import urllib.parse

SCOPE = "genesyscloud.realtime.data.view"


def get_token(conn, client_id, secret):
    pair = f"{urllib.parse.quote(client_id)}:{urllib.parse.quote(secret)}"
    headers = {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode(),
               "Content-Type": "application/x-www-form-urlencoded"}
    conn.request("POST", "/oauth/token", f"grant_type=client_credentials&scope={SCOPE}", headers)
    res = conn.getresponse()
    body = res.read()
    if res.status != 200:
        sys.exit(f"token endpoint answered {res.status}")
    return json.loads(body)["access_token"]


def events(res):
    """Yields (type, data, last_event_id) per dispatched SSE event, and None
    after each chunk read, so the caller can write what it has promptly."""
    etype, data, last_id, buf = "", [], "", b""
    while True:
        chunk = res.read1(65536)
        if not chunk:
            return
        buf += chunk
        lines = buf.split(b"\n")
        buf = lines.pop()
        for raw in lines:
            line = raw.decode("utf-8", "replace").rstrip("\r")
            if not line:
                if data:
                    yield etype or "message", "\n".join(data), last_id
                etype, data = "", []
                continue
            name, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
            if name == "data":
                data.append(value)
            elif name == "event":
                etype = value
            elif name == "id" and "\0" not in value:
                last_id = value
        yield None


def main():
    api_url, out_path = sys.argv[1], sys.argv[2]
    url = urllib.parse.urlsplit(api_url)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    token = get_token(conn, os.environ.get("RTWATCH_CLIENT_ID", "rtwatch"),
                      os.environ.get("RTWATCH_CLIENT_SECRET", "rtwatch-secret"))
    conn.request("GET", "/api/v2/realtime/data",
                 headers={"Authorization": "Bearer " + token, "Accept": "text/event-stream",
                          # the server closes right after the last event, no keep-alive wait
                          "Connection": "close"})
    res = conn.getresponse()
    if res.status != 200:
        sys.exit(f"stream answered {res.status}")
    last = {}
    held = []  # the snapshot's records, before the stream's first id: they take that id, as rtwatch's do
    with open(out_path, "a", buffering=1 << 16) as out:
        for event in events(res):
            if event is None:
                out.flush()
                continue
            etype, data, event_id = event
            if etype != "data":
                continue
            e = json.loads(data)
            kind = "queue" if "queueId" in e else "agent" if "agentId" in e else "skill"
            rid = e.get("queueId") or e.get("agentId") or e.get("skillId")
            key = (kind, rid)
            m = e["metrics"]
            prev = last.get(key)
            if prev is None:
                changed = list(m)
            else:
                changed = [k for k, v in m.items() if k not in prev or prev[k] != v]
                changed += [k for k in prev if k not in m]
            if not changed:
                continue
            last[key] = m
            now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")
            record = {"type": "metrics", "kind": kind, "id": rid, "ts": now.replace("+00:00", "Z"),
                      "source_ts": e.get("timestamp"), "event_id": event_id, "metrics": m, "changed": changed}
            if not event_id:
                held.append(record)
                continue
            for r in held:
                r["event_id"] = event_id
                out.write(json.dumps(r, separators=(",", ":")) + "\n")
            held = []
            out.write(json.dumps(record, separators=(",", ":")) + "\n")
        for r in held:
            out.write(json.dumps(r, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
