// Serializers for the output contract. Every line is appended to one
// reused buffer; numbers are copied as the JSON text they arrived as.
#include <charconv>
#include <cmath>

#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/time_format.hpp"
#include "rtwatch/output/ndjson.hpp"

namespace rtwatch::output {

namespace {

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

void append_value(std::string& out, const MetricValue& v) {
    switch (v.type) {
        case MetricValue::Type::null: out.append("null"); return;
        case MetricValue::Type::boolean: out.append(v.boolean ? "true" : "false"); return;
        case MetricValue::Type::number: append_number(out, v); return;
        case MetricValue::Type::string: append_json_string(out, v.text); return;
    }
}

}  // namespace

void append_metrics_line(std::string& out, const Record& record, std::span<const std::string_view> changed,
                         WallTime now) {
    out.append(R"({"type":"metrics","kind":")");
    out.append(kind_name(record.kind));
    out.append(R"(","id":)");
    append_json_string(out, record.id);
    out.append(R"(,"ts":")");
    append_rfc3339_ms(out, now);
    out.append(R"(","source_ts":)");
    append_json_string(out, record.source_ts);
    out.append(R"(,"event_id":)");
    append_json_string(out, record.event_id);
    out.append(R"(,"metrics":{)");
    for (std::size_t i = 0; i < record.metric_count; ++i) {
        if (i) out.push_back(',');
        append_json_string(out, record.metrics[i].name);
        out.push_back(':');
        append_value(out, record.metrics[i].value);
    }
    out.append(R"(},"changed":[)");
    for (std::size_t i = 0; i < changed.size(); ++i) {
        if (i) out.push_back(',');
        append_json_string(out, changed[i]);
    }
    out.append("]}\n");
}

void append_status_line(std::string& out, WallTime now, std::string_view status, std::string_view message) {
    out.append(R"({"type":"status","ts":")");
    append_rfc3339_ms(out, now);
    out.append(R"(","status":)");
    append_json_string(out, status);
    if (!message.empty()) {
        out.append(R"(,"message":)");
        append_json_string(out, message);
    }
    out.append("}\n");
}

void append_raw_line(std::string& out, std::string_view type, std::string_view data, std::string_view id) {
    out.append(R"({"type":)");
    append_json_string(out, type);
    out.append(R"(,"data":)");
    append_json_string(out, data);
    out.append(R"(,"id":)");
    append_json_string(out, id);
    out.append("}\n");
}

}  // namespace rtwatch::output
