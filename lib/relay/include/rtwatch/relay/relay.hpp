// rtwatch relay: the run's committed records served to many viewers over
// HTTP from the one upstream connection (SSE /events with snapshot and
// resume, /state, /metrics, /healthz, /readyz, the wallboard at /). Also
// the /metrics-only server of a plain run (--metrics-listen).
#pragma once

#include <memory>
#include <string_view>

#include "rtwatch/app/run.hpp"
#include "rtwatch/app/sink.hpp"
#include "rtwatch/core/result.hpp"

namespace rtwatch::relay {

// Listens on config.listen, prints {"type":"listening","url":...} on stdout.
Result<std::unique_ptr<app::RecordSink>> make_relay(app::RunContext& context);
// Listens on config.metrics_listen and serves /metrics, /healthz, /readyz.
Result<std::unique_ptr<app::RecordSink>> make_metrics_server(app::RunContext& context);

// lib/relay/wallboard.html and its script and style, embedded at build time.
std::string_view wallboard_html();
std::string_view wallboard_css();
std::string_view wallboard_js();
std::string_view wallboard_view_js();
std::string_view wallboard_paint_js();

}  // namespace rtwatch::relay
