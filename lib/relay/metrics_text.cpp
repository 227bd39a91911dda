// /metrics: written by hand, in the exposition format's line grammar.
#include "metrics_text.hpp"

#include <fmt/format.h>

namespace rtwatch::relay {

namespace {

void head(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void one(std::string& out, std::string_view name, std::string_view type, std::string_view help, double value) {
    head(out, name, type, help);
    fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
}

// A label value as the format quotes it.
std::string label(std::string_view value) {
    std::string out;
    for (char ch : value) {
        if (ch == '\\' || ch == '"') out.push_back('\\');
        if (ch == '\n') {
            out += "\\n";
            continue;
        }
        out.push_back(ch);
    }
    return out;
}

}  // namespace

std::string metrics_text(const RunStats& s, std::string_view version) {
    std::string out;
    auto d = [](std::uint64_t v) { return static_cast<double>(v); };
    one(out, "rtwatch_viewers", "gauge", "Viewers connected to /events now.", d(s.viewers));
    one(out, "rtwatch_viewers_connected_total", "counter", "Viewers that connected to /events.",
        d(s.viewers_connected));
    one(out, "rtwatch_upstream_connected", "gauge", "1 while the upstream stream is connected, else 0.",
        s.upstream_connected ? 1 : 0);
    if (s.upstream_holder >= 0) {
        one(out, "rtwatch_upstream_holder", "gauge",
            "1 while this relay holds the tenant's upstream lease (--broker) and runs the upstream, else 0.",
            s.upstream_holder);
        head(out, "rtwatch_broker_publications_total", "counter",
             "Records and statuses this relay published to the tenant's stream as holder, by the broker's answer.");
        for (auto [result, value] : {std::pair{"stored", s.broker_stored}, std::pair{"refused", s.broker_refused},
                                     std::pair{"unconfirmed", s.broker_unconfirmed}})
            fmt::format_to(std::back_inserter(out), "rtwatch_broker_publications_total{{result=\"{}\"}} {}\n", result,
                           value);
        one(out, "rtwatch_broker_stale_dropped_total", "counter",
            "Stream messages dropped because an older lease term published them after a newer one.",
            d(s.broker_stale_dropped));
    }
    one(out, "rtwatch_upstream_events_total", "counter", "Data events received from the upstream.",
        d(s.upstream_events));
    one(out, "rtwatch_records_total", "counter", "Metric records committed (changes of tracked metrics).",
        d(s.records));
    one(out, "rtwatch_bad_events_total", "counter", "Upstream events that could not be decoded or were too large.",
        d(s.bad_events));
    one(out, "rtwatch_reconnects_total", "counter", "Times the upstream stream had to be reconnected.",
        d(s.reconnects));
    one(out, "rtwatch_token_refreshes_total", "counter", "Access tokens refreshed before expiry or after rejection.",
        d(s.token_refreshes));
    one(out, "rtwatch_viewer_conflated_total", "counter",
        "Records a slow viewer never got because a newer record of the same resource replaced them.", d(s.conflated));
    head(out, "rtwatch_viewer_disconnects_total", "counter", "Viewers that went away, by reason.");
    for (auto [reason, value] :
         {std::pair{"closed", s.disconnect_closed}, std::pair{"timeout", s.disconnect_timeout},
          std::pair{"overflow", s.disconnect_overflow}, std::pair{"shutdown", s.disconnect_shutdown}})
        fmt::format_to(std::back_inserter(out), "rtwatch_viewer_disconnects_total{{reason=\"{}\"}} {}\n", reason,
                       value);
    head(out, "rtwatch_http_rejected_total", "counter", "HTTP requests refused, by reason.");
    for (auto [reason, value] :
         {std::pair{"max_viewers", s.rejected_max_viewers}, std::pair{"auth", s.rejected_auth},
          std::pair{"origin", s.rejected_origin}, std::pair{"bad_parameter", s.rejected_parameter},
          std::pair{"head_too_large", s.rejected_head}, std::pair{"head_timeout", s.rejected_head_timeout},
          std::pair{"connections_full", s.rejected_full}})
        fmt::format_to(std::back_inserter(out), "rtwatch_http_rejected_total{{reason=\"{}\"}} {}\n", reason, value);
    one(out, "rtwatch_accept_paused_total", "counter",
        "Times the relay stopped accepting connections for a moment because it was out of file descriptors "
        "(EMFILE, ENFILE) or memory.",
        d(s.accept_paused));
    one(out, "rtwatch_history_events", "gauge", "Events kept for Last-Event-ID resume.", d(s.history));
    one(out, "rtwatch_history_bytes", "gauge", "Bytes of the events kept for Last-Event-ID resume (--history-bytes).",
        d(s.history_bytes));
    one(out, "rtwatch_data_age_seconds", "gauge",
        "Seconds since upstream bytes (data or heartbeat) last arrived, or since start when none did.",
        s.data_age_seconds);
    head(out, "rtwatch_build_info", "gauge", "Always 1; the version is a label.");
    fmt::format_to(std::back_inserter(out), "rtwatch_build_info{{version=\"{}\"}} 1\n", label(version));
    return out;
}

}  // namespace rtwatch::relay
