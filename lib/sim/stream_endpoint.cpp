// GET /api/v2/realtime/data: the checks in the order a real service makes
// them (injected answers, maintenance, token, filters), then the stream.
#include <cmath>

#include <fmt/format.h>

#include "peer_socket.hpp"
#include "stream_session.hpp"

namespace rtwatch::sim {

namespace {

void send_json(httplib::Response& res, int status, std::string_view code, std::string_view message) {
    res.status = status;
    res.set_content(fmt::format(R"({{"code":"{}","message":"{}"}})", code, message), "application/json");
}

std::string bearer_token(const httplib::Request& req) {
    const std::string auth = req.get_header_value("Authorization");
    if (auth.size() < 7 || strncasecmp(auth.c_str(), "bearer ", 7) != 0) return {};
    return auth.substr(7);
}

std::optional<uint64_t> parse_last_event_id(const std::string& text) {
    if (text.empty() || text.size() > 19) return std::nullopt;
    uint64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    return v;
}

// Each parameter may repeat and may hold a comma-separated list. Returns the
// first unknown id in `unknown` ("queueId 'x'").
Filter parse_filters(const Model& model, const httplib::Request& req, std::string& unknown) {
    Filter filter;
    static const std::pair<const char*, ResourceKind> params[] = {
        {"queueId", ResourceKind::queue}, {"skillId", ResourceKind::skill}, {"agentId", ResourceKind::agent}};
    for (const auto& [name, kind] : params) {
        const size_t n = req.get_param_value_count(name);
        for (size_t i = 0; i < n; ++i) {
            const std::string value = req.get_param_value(name, i);
            size_t pos = 0;
            while (pos <= value.size()) {
                const size_t end = std::min(value.find(',', pos), value.size());
                const std::string id = value.substr(pos, end - pos);
                pos = end + 1;
                if (id.empty()) continue;
                auto r = model.find(kind, id);
                if (!r) {
                    unknown = fmt::format("{} '{}'", name, id);
                    return filter;
                }
                if (filter.wanted.empty()) filter.wanted.assign(model.resource_count(), 0);
                filter.wanted[*r] = 1;
            }
        }
    }
    return filter;
}

bool refuse_token(SimServer::Impl& s, const std::string& token, httplib::Response& res) {
    const TokenCheck check = s.tokens.check(token, SteadyClock::now());
    if (check == TokenCheck::ok) return false;
    if (check == TokenCheck::no_scope) {
        send_json(res, 403, "missing.scope", "the access token lacks the scope genesyscloud.realtime.data.view");
        return true;
    }
    res.set_header("WWW-Authenticate", "Bearer realm=\"rtwatch-sim\", error=\"invalid_token\"");
    send_json(res, 401, "unauthorized", describe(check));
    return true;
}

void handle_stream(SimServer::Impl& s, const httplib::Request& req, httplib::Response& res) {
    if (auto canned = s.faults.take_canned(Endpoint::stream)) return send_canned(*canned, res);
    if (auto left = s.faults.maintenance_left(SteadyClock::now())) {
        const auto seconds = (left->count() + 999) / 1000;
        res.set_header("Retry-After", std::to_string(seconds));
        return send_json(res, 503, "service.unavailable", fmt::format("maintenance; retry after {} s", seconds));
    }
    StreamRequest request;
    request.last_event_id = parse_last_event_id(req.get_header_value("Last-Event-ID"));
    if (s.flat && request.last_event_id && *request.last_event_id >= s.flat->count) {
        res.status = 204;
        return;
    }
    request.token = bearer_token(req);
    if (refuse_token(s, request.token, res)) return;
    std::string unknown;
    request.filter = parse_filters(*s.model, req, unknown);
    if (!unknown.empty()) return send_json(res, 400, "bad.request", fmt::format("unknown {}", unknown));
    request.token_expiry = s.tokens.expiry(request.token);
    request.fd = find_peer_socket(req);
    ++s.stats.streams_opened;
    res.status = 200;
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");
    res.set_content_provider("text/event-stream; charset=utf-8",
                             s.flat ? flat_out_stream(s, std::move(request)) : live_stream(s, std::move(request)));
}

}  // namespace

void install_stream_endpoint(SimServer::Impl& s) {
    s.http->Get("/api/v2/realtime/data", [&s](const httplib::Request& req, httplib::Response& res) {
        handle_stream(s, req, res);
        s.stats.response(Endpoint::stream, res.status > 0 ? res.status : 200);
    });
}

}  // namespace rtwatch::sim
