// Benchmark peer (c): Node with the `eventsource` package, JSON.parse and a
// Map diff keyed by resource. Writes the same NDJSON records as rtwatch.
// usage: node peer_node.mjs API_URL OUT_FILE   (RTWATCH_CLIENT_SECRET, RTWATCH_CLIENT_ID)
// Run from a folder where `npm install eventsource@4` was done, or set NODE_PATH.
import { EventSource } from 'eventsource';
import fs from 'node:fs';

const [apiUrl, outPath] = process.argv.slice(2);
const clientId = process.env.RTWATCH_CLIENT_ID || 'rtwatch';
const secret = process.env.RTWATCH_CLIENT_SECRET || 'rtwatch-secret';

async function getToken() {
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64');
  const res = await fetch(`${apiUrl}/oauth/token`, {
    method: 'POST',
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&scope=genesyscloud.realtime.data.view',
  });
  if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
  return (await res.json()).access_token;
}

const out = fs.openSync(outPath, 'a');
let pending = [];
let pendingBytes = 0;
function flush() {
  if (pending.length) fs.writeSync(out, pending.join(''));
  pending = [];
  pendingBytes = 0;
}

const last = new Map();  // "kind/id" -> metrics object last written
const held = [];  // the snapshot's records, before the stream's first id: they take that id, as rtwatch's do
function onData(ev) {
  const e = JSON.parse(ev.data);
  const kind = e.queueId !== undefined ? 'queue' : e.agentId !== undefined ? 'agent' : 'skill';
  const id = e.queueId ?? e.agentId ?? e.skillId;
  const key = kind + '/' + id;
  const prev = last.get(key);
  const m = e.metrics;
  const changed = [];
  for (const k in m) if (prev === undefined || !(k in prev) || prev[k] !== m[k]) changed.push(k);
  if (prev !== undefined) for (const k in prev) if (!(k in m)) changed.push(k);
  if (changed.length === 0) return;
  last.set(key, m);
  const record = {
    type: 'metrics', kind, id, ts: new Date().toISOString(), source_ts: e.timestamp,
    event_id: ev.lastEventId, metrics: m, changed,
  };
  if (!ev.lastEventId) {
    held.push(record);
    return;
  }
  for (const r of held) {
    r.event_id = ev.lastEventId;
    write(JSON.stringify(r) + '\n');
  }
  held.length = 0;
  write(JSON.stringify(record) + '\n');
}

function write(line) {
  if (pending.length === 0) setImmediate(flush);  // written once this chunk's events are done
  pending.push(line);
  pendingBytes += line.length;
  if (pendingBytes >= 65536) flush();
}

const token = await getToken();
const es = new EventSource(`${apiUrl}/api/v2/realtime/data`, {
  // Connection: close, so the server ends the connection right after the
  // last event rather than holding it for keep-alive (see harness.py).
  fetch: (url, init) =>
    fetch(url, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token}`, Connection: 'close' } }),
});
es.addEventListener('data', onData);
// The stream ends, eventsource reconnects with Last-Event-ID, the server
// answers 204 and the connection fails for good: that is the end.
es.onerror = () => {
  if (es.readyState === EventSource.CLOSED) {
    for (const r of held) write(JSON.stringify(r) + '\n');
    flush();
    fs.closeSync(out);
    process.exit(0);
  }
};
