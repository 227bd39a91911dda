"use strict";
// The wallboard's one DOM pass a second: tiles and agent rows for what
// changed, the header, clock and totals, the agents' times in state, and
// the fit to the screen (tile size, pages and their rotation).
window.RtwatchPaint = (function () {
  const V = window.RtwatchView;
  let b = null;
  const $ = (id) => document.getElementById(id);

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  const k_labels = { waitDuration: "longest wait", availableAgents: "available", totalAgents: "logged in",
                     serviceLevelPercentile: "service level", serviceLevelPercentage: "service level",
                     oServiceLevel: "service level", oOnQueueUsers: "on queue", oOffQueueUsers: "off queue" };
  function label_of(name) {
    return k_labels[name] || name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(".", " ").toLowerCase();
  }

  function set_text(node, text) { if (node.textContent !== text) node.textContent = text; }
  function set_data(node, name, value) { if (node.dataset[name] !== value) node.dataset[name] = value; }

  function list_of(r) { return r.kind === "agent" ? b.order.agent : b.order.tiles; }

  function insert_sorted(r) {
    const list = list_of(r);
    let lo = 0, hi = list.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (list[mid] < r.key) lo = mid + 1; else hi = mid; }
    const next = lo < list.length ? b.model.get(list[lo]).el : null;
    list.splice(lo, 0, r.key);
    (r.kind === "agent" ? $("rows-agent") : $("tiles")).insertBefore(r.el, next);
  }

  function make_tile(r) {
    r.el = el("article", "tile");
    r.el.dataset.kind = r.kind;
    r.el.dataset.id = r.id;
    const head = el("div", "tile-head");
    const names = el("div");
    r.name_el = el("span", "tile-name");
    r.id_el = el("span", "tile-id");
    names.append(r.name_el, r.id_el);
    r.level_el = el("span", "level");
    head.append(names, r.level_el);
    r.body_el = el("div");
    r.el.append(head, r.body_el);
  }

  function make_row(r) {
    r.el = el("tr");
    r.el.dataset.kind = r.kind;
    r.el.dataset.id = r.id;
    const th = el("th");
    th.scope = "row";
    r.name_el = el("span", "tile-name");
    r.id_el = el("span", "tile-id");
    th.append(r.name_el, r.id_el);
    r.level_el = el("td", "level");
    r.time_el = el("td");
    r.time_el.dataset.timeInState = "";
    r.el.append(th, r.level_el, r.time_el);
    for (const name of b.agent_columns) r.el.append(make_cell(r, name, "td"));
  }

  // A value element carries the DOM contract: data-metric, data-unit,
  // data-level, data-threshold, and the formatted text.
  function make_cell(r, name, tag) {
    const value = el(tag, "value");
    value.dataset.metric = name;
    const cell = { value, threshold: null, text: "" };
    r.cells.set(name, cell);
    return value;
  }

  function add_agent_column(name) {
    b.agent_columns.push(name);
    const th = el("th", "", label_of(name));
    th.scope = "col";
    $("agent-head").append(th);
    for (const key of b.order.agent) { const r = b.model.get(key); r.el.append(make_cell(r, name, "td")); }
  }

  // A metric's label with room for its threshold beside it, so that a
  // breach changes no tile's size.
  function label_line(r, name, tag) {
    const line = el(tag, "label");
    line.append(el("span", "", label_of(name)), el("span", "threshold"));
    return line;
  }

  // The tile's metrics: the hero big with its sparkline, the rest smaller.
  function build_tile_body(r, shown) {
    r.cells.clear();
    r.body_el.textContent = "";
    r.spark = null;
    if (!shown.length) return;
    const hero = el("div", "hero");
    const row = el("div", "hero-row");
    const box = el("div");
    box.append(label_line(r, shown[0], "div"), make_cell(r, shown[0], "span"));
    r.cells.get(shown[0]).value.dataset.hero = "";
    r.cells.get(shown[0]).threshold = box.firstChild.lastChild;
    row.append(box);
    if (r.kind !== "agent") {
      const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("class", "spark");
      svg.setAttribute("viewBox", "0 0 100 30");
      svg.setAttribute("preserveAspectRatio", "none");
      svg.setAttribute("aria-hidden", "true");
      svg.dataset.trend = shown[0];
      svg.appendChild(document.createElementNS("http://www.w3.org/2000/svg", "polyline"));
      row.append(svg);
      r.spark = { svg, text: null };
    }
    hero.append(row);
    const list = el("dl", "metrics");
    for (const name of shown.slice(1)) {
      const d = el("div");
      const dd = el("dd");
      const dt = label_line(r, name, "dt");
      dd.append(make_cell(r, name, "span"));
      r.cells.get(name).threshold = dt.lastChild;
      d.append(dt, dd);
      list.append(d);
    }
    r.body_el.append(hero, list);
  }

  function paint_cell(r, name, cell) {
    const unit = V.unit_of(b.meta, name);
    const text = V.format_value(r.metrics[name], unit);
    if (cell.text !== text) { cell.value.textContent = text; cell.text = text; }
    const level = r.levels[name] || "none";
    set_data(cell.value, "level", level);
    set_data(cell.value, "unit", unit);
    const threshold = V.threshold_text(b.meta, name, level);
    if (b.meta.levels[name]) set_data(cell.value, "threshold", threshold);
    if (cell.threshold) set_text(cell.threshold, level === "yellow" || level === "red" ? threshold : "");
  }

  function paint_spark(r) {
    if (!r.spark) return;
    const points = r.trend && r.trend.metric === r.spark.svg.dataset.trend ? r.trend.points : [];
    const text = points.map((p) => p[0] + ":" + p[1]).join(" ");
    if (text === r.spark.text) return;
    r.spark.text = text;
    r.spark.svg.dataset.points = text;
    r.spark.svg.firstChild.setAttribute("points", V.sparkline_points(points, 100, 30));
  }

  function paint_resource(r, stale) {
    if (r.gone) {
      if (r.el) { r.el.remove(); const list = list_of(r); list.splice(list.indexOf(r.key), 1); }
      b.model.delete(r.key);
      b.view.layout_dirty = true;
      return;
    }
    if (!r.el) {
      if (r.kind === "agent") make_row(r); else make_tile(r);
      insert_sorted(r);
    }
    const name = b.name_of(r);
    set_text(r.name_el, name || r.id);
    set_text(r.id_el, name ? r.id : "");
    set_data(r.el, "name", name);
    if (r.kind === "agent") {
      for (const m of b.shown_fields(r)) {
        if (!r.cells.has(m)) add_agent_column(m);
        paint_cell(r, m, r.cells.get(m));
      }
    } else {
      const shown = b.shown_fields(r);
      const shape = shown.join(",");
      if (shape !== r.shape) { build_tile_body(r, shown); r.shape = shape; b.view.layout_dirty = true; }
      for (const [m, cell] of r.cells) paint_cell(r, m, cell);
      paint_spark(r);
    }
    const level = b.worst_level(r.levels);
    if (r.shown_level !== level) {
      r.el.dataset.level = level;
      r.level_el.textContent = V.level_word(level);
      r.shown_level = level;
    }
    if (r.shown_stale !== stale) { r.el.dataset.stale = String(stale); r.shown_stale = stale; }
  }

  function age_ms(now) { return b.view.newest_at === null ? null : Math.max(0, Math.round(now - b.view.newest_at)); }

  function is_stale(now) {
    const age = age_ms(now);
    return b.k_down.has(b.view.upstream) || (age !== null && age > b.stale_after_ms);
  }

  function age_text(ms) {
    if (ms === null) return "no data yet";
    return "data " + V.clock(ms / 1000) + " old";
  }

  function paint_header(now) {
    const header = $("header"), view = b.view;
    if (view.header_dirty) {
      header.dataset.upstream = view.upstream;
      $("upstream").textContent = view.upstream.replace("_", " ");
      $("note").textContent = view.note;
      view.header_dirty = false;
    }
    const age = age_ms(now);
    set_data(header, "ageMs", age === null ? "" : String(age));
    set_text($("age"), age_text(age));
    set_text($("counts"), b.order.tiles.length + " tiles \u00b7 " + b.order.agent.length + " agents");
    const d = new Date();
    const two = (n) => (n < 10 ? "0" : "") + n;
    set_text($("clock"), two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds()));
    $("clock").dateTime = d.toISOString();
  }

  function paint_totals() {
    const queues = b.order.tiles.map((k) => b.model.get(k)).filter((r) => r.kind === "queue");
    const strip = $("totals");
    const list = V.totals(queues);
    if (strip.hidden !== (list.length === 0)) { strip.hidden = list.length === 0; b.view.layout_dirty = true; }
    for (const t of list) {
      let box = strip.querySelector('[data-total="' + t.name + '"]');
      if (!box) {
        const outer = el("div", "total");
        outer.append(el("span", "label", t.label), (box = el("span", "value")));
        box.dataset.total = t.name;
        strip.append(outer);
      }
      const unit = V.unit_of(b.meta, t.metric);
      set_text(box, V.format_value(t.value, unit));
      set_data(box, "metric", t.metric);
      set_data(box, "unit", unit);
      set_data(box, "value", String(t.value));
      const level = V.level_of(b.meta, t.metric, t.value);
      set_data(box, "level", level);
      if (b.meta.levels[t.metric]) set_data(box, "threshold", V.threshold_text(b.meta, t.metric, level));
    }
  }

  // Agents per state above the table, and each agent's time in its state.
  function paint_agents(now) {
    const counts = new Map();
    for (const key of b.order.agent) {
      const r = b.model.get(key);
      if (r.state === undefined) continue;
      counts.set(String(r.state), (counts.get(String(r.state)) || 0) + 1);
      const text = (r.state_seen_start ? "" : "\u2265 ") + V.clock((now - r.state_since) / 1000);
      set_text(r.time_el, text);
    }
    const text = Array.from(counts).sort().map(([s, n]) => s + " " + n).join(" \u00b7 ");
    set_text($("agent-states"), text);
    $("agent-states").dataset.counts = JSON.stringify(Object.fromEntries(counts));
  }

  // Tile size, columns and pages for the screen; agents get the right-hand
  // column and pages of their own. Runs only when what is shown changed.
  function fit() {
    const view = b.view, tiles = b.order.tiles, agents = b.order.agent, main = $("main"), root = document.body.style;
    // Hidden before anything is measured: the browser lays out only what a page shows.
    for (const key of tiles) b.model.get(key).el.hidden = true;
    for (const key of agents) b.model.get(key).el.hidden = true;
    const cs = getComputedStyle(main);
    const width = main.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const height = innerHeight - main.getBoundingClientRect().top - parseFloat(cs.paddingTop) -
                   parseFloat(cs.paddingBottom);
    view.tile_pages = view.agent_pages = 1;
    if (agents.length) {
      root.setProperty("--agents-w", (tiles.length ? Math.min(640, Math.max(440, width * 0.3)) : width) + "px");
      const first = b.model.get(agents[0]).el;
      first.hidden = false;
      const section = $("section-agent"), row = first.offsetHeight;
      const head = $("rows-agent").getBoundingClientRect().top - section.getBoundingClientRect().top;
      view.agent_rows = Math.max(1, Math.floor((height - head) / Math.max(1, row)));
      view.agent_pages = Math.ceil(agents.length / view.agent_rows);
    }
    if (tiles.length) {
      const grid = $("tiles"), gap = parseFloat(getComputedStyle(grid).rowGap) || 0;
      const min_font = tiles.length <= 12 ? 20 : 16;
      const measure = (font, cols) => {
        root.setProperty("--tile-font", font + "px");
        root.setProperty("--cols", String(cols));
        root.setProperty("--tile-h", "auto");
        let tallest = 0;
        for (let i = 0; i < tiles.length && i < cols; ++i) b.model.get(tiles[i]).el.hidden = false;
        for (let i = 0; i < tiles.length && i < cols; ++i) tallest = Math.max(tallest, b.model.get(tiles[i]).el.offsetHeight);
        return tallest;
      };
      let best = V.fit_tiles(tiles.length, grid.clientWidth, height, gap, min_font, measure);
      view.tile_pages = Math.ceil(tiles.length / best.per_page);
      if (view.tile_pages > 1) best = V.fit_tiles(Math.ceil(tiles.length / view.tile_pages), grid.clientWidth,
                                                   height, gap, min_font, measure);
      view.per_page = Math.ceil(tiles.length / view.tile_pages);
      root.setProperty("--tile-font", best.font + "px");
      root.setProperty("--cols", String(best.cols));
      // Every tile as tall as the tallest measured: a longer value or name later moves nothing.
      root.setProperty("--tile-h", measure(best.font, best.cols) + "px");
    }
    view.pages = Math.max(view.tile_pages, view.agent_pages);
    view.page %= view.pages;
    show_page();
  }

  // Page i shows tile page i mod their pages and agent page i mod theirs:
  // every tile and every agent is on screen within one turn of the pages.
  function show_page() {
    const view = b.view;
    const tp = view.page % view.tile_pages, ap = view.page % view.agent_pages;
    b.order.tiles.forEach((key, i) => {
      const hide = Math.floor(i / Math.max(1, view.per_page)) !== tp;
      const e = b.model.get(key).el;
      if (e.hidden !== hide) e.hidden = hide;
    });
    b.order.agent.forEach((key, i) => {
      const hide = Math.floor(i / Math.max(1, view.agent_rows)) !== ap;
      const e = b.model.get(key).el;
      if (e.hidden !== hide) e.hidden = hide;
    });
    set_data(document.body, "page", String(view.page + 1));
    set_data(document.body, "pages", String(view.pages));
    const pager = $("pager");
    pager.hidden = view.pages === 1;
    set_text(pager, "page " + (view.page + 1) + " of " + view.pages);
  }

  function paint_pass(now) {
    const view = b.view;
    const stale = is_stale(now);
    if (stale !== view.stale) { for (const key of b.model.keys()) b.dirty.add(key); view.stale = stale; }
    for (const key of b.dirty) { const r = b.model.get(key); if (r) paint_resource(r, stale); }
    b.dirty.clear();
    paint_header(now);
    paint_totals();
    paint_agents(now);
    for (const [id, n] of [["tiles", b.order.tiles.length], ["section-agent", b.order.agent.length]])
      if ($(id).hidden !== (n === 0)) { $(id).hidden = n === 0; view.layout_dirty = true; }
    const t0 = performance.now();
    if (view.layout_dirty) {
      view.layout_dirty = false;
      fit();
      view.turned_at = now;
      b.stats.fit_ms = Math.max(b.stats.fit_ms || 0, performance.now() - t0);
      b.stats.before_fit_ms = Math.max(b.stats.before_fit_ms || 0, t0 - now);
    } else if (view.pages > 1 && now - view.turned_at >= b.rotate_ms) {
      view.page = (view.page + 1) % view.pages;
      view.turned_at = now;
      show_page();
    }
    const empty = $("empty");
    empty.hidden = b.model.size > 0;
    set_text(empty, view.ready ? "Nothing in this selection." : "Waiting for the first snapshot\u2026");
  }

  return { start(board) { b = board; board.paint_pass = paint_pass; } };
})();
