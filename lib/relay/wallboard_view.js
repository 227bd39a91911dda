"use strict";
// The wallboard's pure parts, loaded before wallboard.js: units and their
// formats (the same as rtwatch/core/metric_units.hpp), thresholds, totals
// and the fit of the tiles and agents to the screen.
window.RtwatchView = (function () {
  const k_ops = { ">=": "\u2265", "<=": "\u2264", "==": "=", "!=": "\u2260", ">": ">", "<": "<" };
  const k_shapes = { green: "\u25CF", yellow: "\u25B2", red: "\u25A0" };  // circle, triangle, square

  function unit_of(meta, name) {
    const base = name.split(".")[0];
    if (meta.units[name] !== undefined) return meta.units[name];
    if (meta.units[base] !== undefined) return meta.units[base];
    if (/^[on][A-Z]/.test(base)) return "count";
    return /^t[A-Z]/.test(base) ? "ms" : "";
  }

  function plain(v, places) {
    const text = String(Number(v.toFixed(places)));
    return text === "-0" ? "0" : text;
  }

  function clock(seconds) {
    const total = Math.trunc(Math.abs(seconds));
    const h = Math.floor(total / 3600), m = Math.floor(total / 60) % 60, s = total % 60;
    const sign = seconds < 0 && total > 0 ? "-" : "";
    const two = (n) => (n < 10 ? "0" : "") + n;
    return sign + (h > 0 ? h + ":" + two(m) + ":" + two(s) : m + ":" + two(s));
  }

  // 75 s -> "1:15", 85.5 % -> "85.5%", a count as it is; others as String().
  function format_value(v, unit) {
    if (v === null || v === undefined) return "\u2014";
    if (typeof v !== "number") return typeof v === "object" ? JSON.stringify(v) : String(v);
    if (!isFinite(v)) return String(v);
    if (unit === "s") return clock(v);
    if (unit === "ms") return clock(v / 1000);
    if (unit === "%") return plain(v, 1) + "%";
    if (unit === "count") return plain(v, 2);
    return String(v);
  }

  // "\u2265 10" for the threshold a level crossed, formatted in the metric's unit.
  function threshold_text(meta, name, level) {
    const spec = meta.levels[name];
    const t = spec && (spec[level] || (level === "green" || level === "none" ? spec.yellow || spec.red : null));
    if (!t) return "";
    return (k_ops[t.op] || t.op) + " " + format_value(t.value, unit_of(meta, name));
  }

  function compare(v, op, t) {
    switch (op) {
      case ">=": return v >= t;
      case ">": return v > t;
      case "<=": return v <= t;
      case "<": return v < t;
      case "==": return v === t;
      case "!=": return v !== t;
    }
    return false;
  }

  // The level of a value by the spec's thresholds alone (totals have no dwell).
  function level_of(meta, name, v) {
    const spec = meta.levels[name];
    if (!spec || v === null || v === undefined) return "none";
    if (spec.red && compare(v, spec.red.op, spec.red.value)) return "red";
    if (spec.yellow && compare(v, spec.yellow.op, spec.yellow.value)) return "yellow";
    return "green";
  }

  function level_word(level) { return level === "none" ? "" : k_shapes[level] + " " + level; }

  // Totals over the queues: each names the metrics it reads, first found wins.
  const k_totals = [
    { name: "waiting", label: "waiting, all queues", from: ["waiting", "oWaiting"], fold: "sum" },
    { name: "longestWait", label: "longest wait", from: ["waitDuration"], fold: "max" },
    { name: "availableAgents", label: "agents available", from: ["availableAgents"], fold: "sum" },
    { name: "serviceLevel", label: "lowest service level",
      from: ["serviceLevelPercentile", "serviceLevelPercentage", "oServiceLevel"], fold: "min" },
  ];

  function totals(queues) {
    const out = [];
    for (const t of k_totals) {
      let metric = null, value = null;
      for (const q of queues) {
        const name = metric || t.from.find((n) => typeof q.metrics[n] === "number");
        const v = name ? q.metrics[name] : undefined;
        if (typeof v !== "number") continue;
        metric = name;
        value = value === null ? v : t.fold === "sum" ? value + v : t.fold === "max" ? Math.max(value, v)
                                                                  : Math.min(value, v);
      }
      if (metric) out.push({ name: t.name, label: t.label, metric, value });
    }
    return out;
  }

  // The largest tile font at which `n` tiles fit `width` x `height`, or the
  // number that fit at the smallest. measure(font, cols) lays the tiles out
  // and returns the tallest tile's height.
  function fit_tiles(n, width, height, gap, min_font, measure) {
    const k_em_wide = 11;  // a tile is at least this many of its ems wide
    const at = (font) => {
      const cols = Math.max(1, Math.min(n, Math.floor((width + gap) / (k_em_wide * font + gap))));
      const rows = Math.max(1, Math.floor((height + gap) / (measure(font, cols) + gap)));
      return { font, cols, per_page: Math.max(1, cols * rows) };
    };
    // The smallest first: when even that does not fit, the caller makes pages.
    let best = at(min_font);
    if (best.per_page < n) return best;
    let lo = min_font, hi = 64;  // lo fits; find the largest that does
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const tried = at(mid);
      if (tried.per_page >= n) { lo = mid; best = tried; } else hi = mid;
    }
    return best;
  }

  function sparkline_points(points, width, height) {
    if (!points.length) return "";
    let lo = Infinity, hi = -Infinity;
    for (const p of points) { lo = Math.min(lo, p[1]); hi = Math.max(hi, p[1]); }
    const first = points[0][0], span = Math.max(1, points[points.length - 1][0] - first);
    const range = hi - lo || 1;
    return points.map((p) => ((p[0] - first) / span * width).toFixed(1) + "," +
                             (height - (p[1] - lo) / range * height).toFixed(1)).join(" ");
  }

  return { unit_of, format_value, clock, threshold_text, level_of, level_word, totals, fit_tiles, sparkline_points };
})();
