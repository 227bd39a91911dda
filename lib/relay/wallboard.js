"use strict";
// The wallboard's data: the relay's /events into a model of resources, and
// the one paint pass a second that writes the DOM (tiles, agents, totals,
// clock, pages). Formats and the fit are in wallboard_view.js.
(function () {
  const V = window.RtwatchView;
  const k_paint_interval_ms = 1000;
  const k_levels = { green: 1, yellow: 2, red: 3 };
  const k_passed = ["queueId", "skillId", "agentId"];  // the same names as /events
  const k_down = new Set(["reconnecting", "stale", "gave_up", "stopped", "disconnected"]);
  const k_link_statuses = new Set(["connected", "connecting", ...k_down]);
  const k_cookie = "rtwatch_viewer_token";
  const k_cookie_octets = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]+$/;

  const params = new URLSearchParams(location.search);
  const stale_after_ms = parse_seconds(params.get("staleAfter"), 60) * 1000;
  const rotate_ms = Math.max(2, parse_seconds(params.get("rotate"), 15)) * 1000;
  const trend_ms = Math.max(1, Number(params.get("trend")) || 15) * 60000;
  const fields = (params.get("fields") || "").split(",").filter((f) => f);
  if (params.get("theme") === "light") document.body.dataset.theme = "light";
  if (params.get("kiosk") === "1") document.body.classList.add("kiosk");

  const model = new Map();  // "kind/id" -> resource
  const dirty = new Set();
  const order = { tiles: [], agent: [] };  // sorted keys, as in the DOM
  const agent_columns = [];
  const meta = { units: {}, levels: {}, fields: [], names: {}, trend_step_ms: 15000 };
  const stats = { events: 0, records: 0, paints: 0, last_paint_ms: 0, max_paint_ms: 0 };
  const view = { link: "connecting", relay_status: null, ready: false, upstream: "connecting", note: "",
                 newest_at: null, snapshot_phase: true, header_dirty: true, stale: null,
                 layout_dirty: true, page: 0, pages: 1, tile_pages: 1, agent_pages: 1, per_page: 0,
                 agent_rows: 0, turned_at: performance.now() };
  let source = null, last_paint = -Infinity, paint_timer = 0, reopen_timer = 0, reopen_ms = 5000;

  function parse_seconds(text, fallback) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text || "");
    if (!m) return fallback;
    const n = Number(m[1]);
    return m[2] === "ms" ? n / 1000 : m[2] === "m" ? n * 60 : n;
  }

  // #token=... becomes a cookie before anything connects, and leaves the address bar.
  function take_token_from_fragment() {
    const parts = location.hash.slice(1).split("&");
    const at = parts.findIndex((p) => p.startsWith("token="));
    if (at < 0) return false;
    let token;
    try { token = decodeURIComponent(parts[at].slice(6)); } catch (_) { token = ""; }
    parts.splice(at, 1);
    const rest = parts.join("&");
    history.replaceState(history.state, "", location.pathname + location.search + (rest ? "#" + rest : ""));
    if (!k_cookie_octets.test(token)) {
      set_note("the token in the link has characters a cookie cannot carry");
      return false;
    }
    document.cookie = k_cookie + "=" + token + "; Path=/; SameSite=Strict; Max-Age=2592000" +
      (location.protocol === "https:" ? "; Secure" : "");
    return true;
  }

  function on_hash_change() {
    if (!take_token_from_fragment()) return;
    if (source) source.close();
    clearTimeout(reopen_timer);
    reopen_ms = 5000;
    connect();
  }

  function events_url() {
    const q = new URLSearchParams();
    for (const name of k_passed) for (const v of params.getAll(name)) q.append(name, v);
    const text = q.toString();
    return "/events" + (text ? "?" + text : "");
  }

  function connect() {
    reopen_timer = 0;
    source = new EventSource(events_url());
    source.addEventListener("open", () => { reopen_ms = 5000; set_note(""); set_link("open"); });
    source.addEventListener("snapshot", (e) => on_record(e, true));
    source.addEventListener("metrics", (e) => on_record(e, false));
    source.addEventListener("level", on_level);
    source.addEventListener("status", on_status);
    source.addEventListener("meta", on_meta);
    source.addEventListener("ready", on_ready);
    source.addEventListener("resync", () => { ++stats.events; begin_snapshot(); });
    source.addEventListener("error", on_error);
  }

  function on_error() {
    set_link("reconnecting");
    if (source.readyState === EventSource.CLOSED && !reopen_timer) {
      source.close();
      explain_refusal();
      reopen_timer = setTimeout(connect, reopen_ms);
      reopen_ms = Math.min(reopen_ms * 2, 60000);
    }
  }

  // EventSource does not say why it was refused; one plain request does.
  function explain_refusal() {
    fetch(events_url(), { cache: "no-store", credentials: "same-origin" }).then(async (answer) => {
      if (answer.ok) { if (answer.body) answer.body.cancel(); return; }
      let message = "";
      try { const body = await answer.json(); message = body.message || body.error || ""; } catch (_) { }
      const hint = answer.status === 401 || answer.status === 403 ? " (open the wallboard's #token= link)" : "";
      set_note("the relay answered " + answer.status + (message ? ": " + message : "") + hint);
    }).catch(() => { });
  }

  function set_note(text) {
    if (view.note === text) return;
    view.note = text;
    view.header_dirty = true;
    request_paint();
  }

  function parse(e) {
    ++stats.events;
    try { return JSON.parse(e.data); } catch (_) { return null; }
  }

  function resource(kind, id) {
    const key = kind + "/" + id;
    let r = model.get(key);
    if (!r) {
      r = { key, kind, id, metrics: {}, levels: {}, seen: true, gone: false, el: null, cells: new Map(),
            shown_level: null, shown_stale: null, own_name: "", trend: null, shape: "",
            state: undefined, state_since: null, state_seen_start: false };
      model.set(key, r);
      view.layout_dirty = true;
    }
    return r;
  }

  function touch(r) { dirty.add(r.key); request_paint(); }

  function data_arrived(rec) {
    let at = performance.now();
    if (rec) {
      const age = Date.parse(rec.ts) - Date.parse(rec.source_ts);
      if (isFinite(age)) at -= Math.max(0, age);
    }
    if (view.newest_at === null || at > view.newest_at) view.newest_at = at;
  }

  function begin_snapshot() {
    view.snapshot_phase = true;
    view.relay_status = null;
    view.ready = false;
    update_upstream();
    for (const r of model.values()) r.seen = false;
  }

  function hero_of(r) {
    const shown = shown_fields(r);
    return shown.length ? shown[0] : null;
  }

  // The metrics a tile shows, in order: ?fields=, else the relay's default
  // fields it has, else all of them.
  function shown_fields(r) {
    const names = Object.keys(r.metrics);
    if (fields.length) return fields.filter((f) => f in r.metrics);
    if (r.kind === "agent") return names;
    const chosen = meta.fields.filter((f) => f in r.metrics);
    return chosen.length ? chosen : names;
  }

  // The hero's series: the relay's points, then one point a step from live records.
  function extend_trend(r, rec, is_snapshot) {
    if (r.kind === "agent") return;
    // The relay's meta (and so the hero) comes after the snapshot: its series is kept as it is.
    if (is_snapshot && rec.trend) {
      meta.trend_step_ms = rec.trend.step_ms || meta.trend_step_ms;
      r.trend = { metric: rec.trend.metric, points: rec.trend.points.slice() };
      return;
    }
    const hero = hero_of(r);
    const v = rec.metrics ? rec.metrics[hero] : undefined;
    if (typeof v !== "number") return;
    if (!r.trend || r.trend.metric !== hero) r.trend = { metric: hero, points: [] };
    const at = Date.parse(rec.ts);
    if (!isFinite(at)) return;
    const step = Math.floor(at / meta.trend_step_ms), pts = r.trend.points;
    if (pts.length && pts[pts.length - 1][0] === step) pts[pts.length - 1][1] = v;
    else if (!pts.length || pts[pts.length - 1][0] < step) pts.push([step, v]);
    const oldest = step - Math.ceil(trend_ms / meta.trend_step_ms) + 1;
    while (pts.length && pts[0][0] < oldest) pts.shift();
  }

  function note_state(r, rec, is_snapshot) {
    if (r.kind !== "agent" || !rec.metrics || !("state" in rec.metrics)) return;
    if (r.state === rec.metrics.state && r.state_since !== null) return;
    // A state first seen in a snapshot began before this page looked: "at least".
    r.state_seen_start = !is_snapshot && r.state !== undefined;
    r.state = rec.metrics.state;
    r.state_since = performance.now();
  }

  function on_record(e, is_snapshot) {
    const rec = parse(e);
    if (!rec || rec.type !== "metrics" || !rec.kind || rec.id === undefined) return;
    ++stats.records;
    if (is_snapshot && !view.snapshot_phase) begin_snapshot();
    const r = resource(rec.kind, String(rec.id));
    r.seen = true;
    r.gone = false;
    if (typeof rec.name === "string") r.own_name = rec.name;
    note_state(r, rec, is_snapshot);
    if (is_snapshot) r.metrics = {};
    Object.assign(r.metrics, rec.metrics || {});
    if (rec.levels || is_snapshot) r.levels = Object.assign({}, rec.levels || {});
    extend_trend(r, rec, is_snapshot);
    data_arrived(is_snapshot ? rec : null);
    touch(r);
  }

  function on_level(e) {
    const rec = parse(e);
    if (!rec || rec.type !== "level" || !rec.kind || rec.id === undefined || !rec.metric) return;
    ++stats.records;
    const r = resource(rec.kind, String(rec.id));
    r.levels[rec.metric] = rec.level;
    data_arrived();
    touch(r);
  }

  // Units, thresholds, default fields and names: everything repaints.
  function on_meta(e) {
    const m = parse(e);
    if (!m || m.type !== "meta") return;
    Object.assign(meta, { units: m.units || {}, levels: m.levels || {}, fields: m.fields || [],
                          names: m.names || {}, trend_step_ms: m.trend_step_ms || meta.trend_step_ms });
    for (const key of model.keys()) dirty.add(key);
    view.layout_dirty = true;
    request_paint();
  }

  function on_ready() {
    ++stats.events;
    view.snapshot_phase = false;
    for (const r of model.values()) if (!r.seen) { r.gone = true; dirty.add(r.key); }
    view.ready = true;
    update_upstream();
    request_paint();
  }

  function on_status(e) {
    const rec = parse(e);
    if (!rec || rec.type !== "status") return;
    if (k_link_statuses.has(rec.status)) { view.relay_status = rec.status; update_upstream(); }
  }

  function set_link(state) { view.link = state; update_upstream(); }

  function update_upstream() {
    const status = view.link === "reconnecting" ? "reconnecting"
                 : view.relay_status ? view.relay_status
                 : view.ready ? "connected" : "connecting";
    if (view.upstream === status) return;
    view.upstream = status;
    view.header_dirty = true;
    request_paint();
  }

  function request_paint() {
    if (paint_timer) return;
    const wait = Math.max(0, last_paint + k_paint_interval_ms - performance.now());
    paint_timer = setTimeout(() => {
      if (document.visibilityState === "visible") requestAnimationFrame(paint);
      else paint();
    }, wait);
  }

  function worst_level(levels) {
    let worst = "none";
    for (const l of Object.values(levels)) if ((k_levels[l] || 0) > (k_levels[worst] || 0)) worst = l;
    return worst;
  }

  function name_of(r) { return r.own_name || meta.names[r.key] || ""; }

  // For tests and curious operators: counters only, nothing that writes the DOM.
  window.rtwatchWallboard = { stats, model, meta, view };

  const board = { model, dirty, order, agent_columns, meta, view, fields, stats, rotate_ms, trend_ms, stale_after_ms,
                  worst_level, name_of, shown_fields, hero_of, k_down, request_paint };
  window.addEventListener("resize", () => { view.layout_dirty = true; request_paint(); });
  window.RtwatchPaint.start(board);  // sets board.paint_pass
  take_token_from_fragment();
  window.addEventListener("hashchange", on_hash_change);
  connect();
  request_paint();

  function paint() {
    paint_timer = 0;
    const start = performance.now();
    board.paint_pass(start);
    ++stats.paints;
    // The next pass counts its second from the end of this one.
    last_paint = performance.now();
    stats.last_paint_ms = last_paint - start;
    stats.max_paint_ms = Math.max(stats.max_paint_ms, stats.last_paint_ms);
    request_paint();  // the age, the clock and the times in state tick every second
  }
})();
