// The /sim/* endpoints: ground truth, counters, and fault injection.
#include <fmt/format.h>

#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/log.hpp"
#include "server_impl.hpp"

namespace rtwatch::sim {

namespace {

std::string json_message(std::string_view error, std::string_view message) {
    std::string out = "{\"error\":";
    append_json_string(out, error);
    out += ",\"message\":";
    append_json_string(out, message);
    out += '}';
    return out;
}

// The unknown-metric variant is a valid event: it goes through the log like
// any other and becomes the resource's published state.
Result<void> publish_garbage(SimServer::Impl& s, const Fault& fault) {
    if (fault.variant != GarbageVariant::unknown_metric) {
        const auto variant = fault.variant;
        s.log->publish_garbage([variant](uint64_t id, const std::string& ts) { return garbage_frame(variant, id, ts); },
                               WallClock::now());
        return {};
    }
    std::optional<ResourceIndex> r;
    for (ResourceKind kind : {ResourceKind::queue, ResourceKind::skill, ResourceKind::agent})
        if (!r) r = s.model->find(kind, fault.resource);
    if (!r) return make_error(ExitCode::usage, fmt::format("unknown resource '{}' for unknown-metric", fault.resource));
    std::string metrics = s.log->current_metrics(*r);
    metrics.insert(metrics.size() - 1, R"(,"x-unknownMetric":"surprise")");
    const ModelEvent event{*r, std::make_shared<const std::string>(std::move(metrics)), false};
    s.log->publish(std::span(&event, 1), WallClock::now());
    return {};
}

void handle_fault(SimServer::Impl& s, const httplib::Request& req, httplib::Response& res) {
    auto fault = parse_fault(req.body);
    if (!fault) {
        res.status = 400;
        return res.set_content(json_message("bad_fault", fault.error().message), "application/json");
    }
    if (fault->kind == Fault::Kind::garbage) {
        if (auto published = publish_garbage(s, *fault); !published) {
            res.status = 400;
            return res.set_content(json_message("bad_fault", published.error().message), "application/json");
        }
    }
    if (fault->kind == Fault::Kind::revoke) s.tokens.revoke_all();
    s.faults.apply(*fault, SteadyClock::now());
    s.log->wake();
    log::info("fault applied: {}", req.body);
    res.set_content(R"({"ok":true})", "application/json");
}

}  // namespace

void install_control_endpoints(SimServer::Impl& s) {
    s.http->Get("/sim/state", [&s](const httplib::Request&, httplib::Response& res) {
        res.set_content(s.log->state_json(), "application/json");
    });
    s.http->Get("/sim/stats", [&s](const httplib::Request&, httplib::Response& res) {
        res.set_content(s.stats.json(), "application/json");
    });
    s.http->Post("/sim/fault",
                 [&s](const httplib::Request& req, httplib::Response& res) { handle_fault(s, req, res); });
}

}  // namespace rtwatch::sim
