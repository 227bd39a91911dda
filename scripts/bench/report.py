"""Turns measured runs into the summary table (plain text and markdown)."""
import statistics

MIB = 1024.0


def summarize(runs, events):
    """Per tool: events/s median/min/max, CPU s per 1M events, peak RSS."""
    rates = [events / r.wall_s for r in runs]
    return {
        "runs": len(runs),
        "events_per_s": {"median": statistics.median(rates), "min": min(rates), "max": max(rates)},
        "cpu_s_per_m": statistics.median(r.cpu_s for r in runs) / events * 1e6,
        "peak_rss_mib": max(r.peak_rss_kib for r in runs) / MIB,
        "lines": runs[0].lines,
    }


def limit_ratios(summary):
    """Wall time of rtwatch over the limit's (target <= 1.25), live and
    replay, and replay against live (target <= 1)."""
    def rate(name):
        s = summary.get(name)
        return s["events_per_s"]["median"] if s and "failed" not in s else None
    out = []
    for a, b, what in (("rtwatch", "limit", "live: rtwatch time / limit time"),
                       ("rtwatch replay", "limit replay", "replay: rtwatch time / limit time"),
                       ("rtwatch replay", "rtwatch", "rtwatch replay time / rtwatch live time")):
        ra, rb = rate(a), rate(b)
        if ra and rb:
            out.append(f"{what}: {rb / ra:.2f}")
    return out


def _fmt_rate(v):
    return f"{v / 1e6:.2f}M" if v >= 1e6 else f"{v / 1e3:.0f}k" if v >= 1e4 else f"{v / 1e3:.1f}k"


def rows(summary, reference="rtwatch"):
    """Table rows; ratios say how many times rtwatch is better than the peer."""
    ref = summary.get(reference)
    out = []
    for tool, s in summary.items():
        if "failed" in s:
            out.append([tool, "FAILED: " + s["failed"][:70], "-", "-", "-", "-", "-"])
            continue
        e = s["events_per_s"]
        row = [tool, f"{_fmt_rate(e['median'])} [{_fmt_rate(e['min'])}–{_fmt_rate(e['max'])}]",
               f"{s['cpu_s_per_m']:.3f}", f"{s['peak_rss_mib']:.1f}"]
        if ref and tool != reference:
            row += [f"{ref['events_per_s']['median'] / e['median']:.1f}x",
                    f"{s['cpu_s_per_m'] / ref['cpu_s_per_m']:.1f}x",
                    f"{s['peak_rss_mib'] / ref['peak_rss_mib']:.1f}x"]
        else:
            row += ["1.0x", "1.0x", "1.0x"]
        out.append(row)
    return out


HEADER = ["tool", "events/s median [min–max]", "CPU s / 1M events", "peak RSS MiB",
          "rtwatch speed-up", "CPU vs rtwatch", "RSS vs rtwatch"]


def text_table(table_rows):
    widths = [max(len(r[i]) for r in [HEADER] + table_rows) for i in range(len(HEADER))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in [HEADER] + table_rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(table_rows):
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r) + " |" for r in table_rows]
    return "\n".join(lines)


def microbench_rows(bench_json):
    """name, MB/s, items/s per Google Benchmark result."""
    out = []
    for b in bench_json.get("benchmarks", []):
        mbs = b.get("bytes_per_second")
        items = b.get("items_per_second")
        out.append([b["name"], f"{mbs / 1e6:.0f} MB/s" if mbs else "-",
                    f"{items / 1e6:.2f}M items/s" if items else "-"])
    return out


def text_table_plain(table_rows, header):
    widths = [max(len(r[i]) for r in [header] + table_rows) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in [header] + table_rows)
