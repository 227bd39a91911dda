// Serializers for the output contract. Every line is appended to one
// reused buffer; numbers are copied as the JSON text they arrived as.
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/swar.hpp"
#include "rtwatch/core/time_format.hpp"
#include "rtwatch/output/ndjson.hpp"

namespace rtwatch::output {

namespace {

// True when `s` has a byte that JSON needs escaped or that may be part of
// invalid UTF-8 (anything outside printable ASCII, '"' and '\\'). Checks
// eight bytes at a time: names, ids and most values need no escaping and
// are then copied whole.
bool needs_escaping(std::string_view s) {
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8)
        if (swar::json_special_bytes(swar::load(s.data() + i))) return true;
    for (; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return true;
    }
    return false;
}

void append_quoted(std::string& out, std::string_view s) {
    out.push_back('"');
    out.append(s);
    out.push_back('"');
}

void append_string(std::string& out, std::string_view s) {
    if (needs_escaping(s)) return append_json_string(out, s);
    append_quoted(out, s);
}

// Text the decoder's fast path read (the record has metrics_json) is known
// to need no escaping: no quote, backslash or control byte, valid UTF-8.
void append_known(std::string& out, std::string_view s, bool clean) {
    if (clean)
        append_quoted(out, s);
    else
        append_string(out, s);
}

// The wall clock usually shows the same second for many lines in a row:
// format "2026-11-27T14:30:00." once per second and add the milliseconds.
void append_timestamp(std::string& out, WallTime now) {
    thread_local long long cached_second = -1;
    thread_local std::string cached_prefix;
    long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    if (ms < 0) return append_rfc3339_ms(out, now);
    if (ms / 1000 != cached_second) {
        cached_prefix.clear();
        append_rfc3339_ms(cached_prefix, now);
        cached_prefix.resize(cached_prefix.size() - 4);  // drop "mmmZ"
        cached_second = ms / 1000;
    }
    out.append(cached_prefix);
    int frac = static_cast<int>(ms % 1000);
    char tail[4] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                    static_cast<char>('0' + frac % 10), 'Z'};
    out.append(tail, 4);
}

void append_number(std::string& out, const MetricValue& v) {
    if (!v.text.empty()) {
        out.append(v.text);
        return;
    }
    // A record built in code rather than decoded: print the double.
    if (!std::isfinite(v.number)) {
        out.append("null");
        return;
    }
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v.number);
    out.append(buf, r.ptr);
}

// A spec's number as typed is JSON number syntax with an optional sign, which
// JSON lacks only for leading zeros ("007"): those are written as the value.
void append_json_number(std::string& out, std::string_view text) {
    std::string_view digits = text.substr(text.starts_with('-') ? 1 : 0);
    bool leading_zero = digits.size() > 1 && digits[0] == '0' && digits[1] >= '0' && digits[1] <= '9';
    if (!leading_zero) {
        out.append(text.empty() ? std::string_view("null") : text);
        return;
    }
    double v = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), v);
    MetricValue m;
    m.type = MetricValue::Type::number;
    m.number = text.starts_with('-') ? -v : v;
    append_number(out, m);
}

void append_value(std::string& out, const MetricValue& v, bool clean) {
    switch (v.type) {
        case MetricValue::Type::null:
            out.append("null");
            return;
        case MetricValue::Type::boolean:
            out.append(v.boolean ? "true" : "false");
            return;
        case MetricValue::Type::number:
            append_number(out, v);
            return;
        case MetricValue::Type::string:
            append_known(out, v.text, clean);
            return;
    }
}

// Everything of a metrics record up to the end of its "changed" list.
void append_metrics_head(std::string& out, const Record& record, std::span<const std::string_view> changed,
                         WallTime now) {
    out.append(R"({"type":"metrics","kind":")");
    out.append(kind_name(record.kind));
    const bool clean = !record.metrics_json.empty();
    out.append(R"(","id":)");
    append_known(out, record.id, clean);
    out.append(R"(,"ts":")");
    append_timestamp(out, now);
    out.append(R"(","source_ts":)");
    append_known(out, record.source_ts, clean);
    out.append(R"(,"event_id":)");
    append_string(out, record.event_id);
    out.append(R"(,"metrics":{)");
    for (std::size_t i = 0; i < record.metric_count; ++i) {
        if (i) out.push_back(',');
        append_known(out, record.metrics[i].name, clean);
        out.push_back(':');
        append_value(out, record.metrics[i].value, clean);
    }
    out.append(R"(},"changed":[)");
    for (std::size_t i = 0; i < changed.size(); ++i) {
        if (i) out.push_back(',');
        append_string(out, changed[i]);
    }
    out.push_back(']');
}

}  // namespace

void append_metrics_line(std::string& out, const Record& record, std::span<const std::string_view> changed,
                         WallTime now) {
    append_metrics_head(out, record, changed, now);
    out.append("}\n");
}

void append_metrics_line(std::string& out, const Record& record, std::span<const std::string_view> changed,
                         std::span<const NamedLevel> levels, WallTime now) {
    append_metrics_head(out, record, changed, now);
    out.append(R"(,"levels":{)");
    for (std::size_t i = 0; i < levels.size(); ++i) {
        if (i) out.push_back(',');
        append_string(out, levels[i].metric);
        out.push_back(':');
        append_quoted(out, levels[i].level);
    }
    out.append("}}\n");
}

void append_level_line(std::string& out, const LevelLine& l, WallTime now) {
    out.append(R"({"type":"level","kind":")");
    out.append(kind_name(l.kind));
    out.append(R"(","id":)");
    append_string(out, l.id);
    out.append(R"(,"metric":)");
    append_string(out, l.metric);
    out.append(R"(,"level":)");
    append_quoted(out, l.level);
    out.append(R"(,"previous":)");
    if (l.previous.empty())
        out.append("null");
    else
        append_quoted(out, l.previous);
    out.append(R"(,"value":)");
    if (l.value)
        append_value(out, *l.value, false);
    else
        out.append("null");
    out.append(R"(,"threshold":)");
    if (l.threshold_is_number)
        append_json_number(out, l.threshold);
    else
        append_string(out, l.threshold);
    out.append(R"(,"op":)");
    append_quoted(out, l.op);
    out.append(R"(,"since":")");
    append_rfc3339_ms(out, l.since);
    out.append(R"(","ts":")");
    append_timestamp(out, now);
    out.append(R"(","source_ts":)");
    append_string(out, l.source_ts);
    out.append(R"(,"event_id":)");
    append_string(out, l.event_id);
    out.append("}\n");
}

void append_status_line(std::string& out, WallTime now, std::string_view status, std::string_view message,
                        const ConnectedFields* connected) {
    out.append(R"({"type":"status","ts":")");
    append_timestamp(out, now);
    out.append(R"(","status":)");
    append_string(out, status);
    if (!message.empty()) {
        out.append(R"(,"message":)");
        append_string(out, message);
    }
    if (connected) {
        out.append(R"(,"event_id":)");
        append_string(out, connected->event_id);
        out.append(connected->resumed ? R"(,"resumed":true)" : R"(,"resumed":false)");
    }
    out.append("}\n");
}

void append_raw_line(std::string& out, std::string_view type, std::string_view data, std::string_view id) {
    out.append(R"({"type":)");
    append_string(out, type);
    out.append(R"(,"data":)");
    append_string(out, data);
    out.append(R"(,"id":)");
    append_string(out, id);
    out.append("}\n");
}

}  // namespace rtwatch::output
