// --platform and the options that only mean something with one platform:
// Genesys Cloud's hosts from --region, what it cannot do (skills, --raw,
// --record), and the channel limits checked before anything starts.
#include <charconv>

#include <fmt/format.h>

#include "cli_parts.hpp"
#include "rtwatch/genesys/plan.hpp"

namespace rtwatch::app::detail {

namespace {

std::optional<std::string> ws_url_problem(std::string_view url) {
    bool scheme = url.rfind("ws://", 0) == 0 || url.rfind("wss://", 0) == 0;
    bool clean = url.find_first_of(" \t\r\n") == std::string_view::npos;
    if (scheme && clean && url.size() > 6) return std::nullopt;
    return fmt::format("--stream-url '{}': give a ws:// or wss:// URL such as wss://streaming.mypurecloud.com", url);
}

// --request-budget N: whole REST calls a minute, 1 to 1000.
void take_budget(const std::string& text, Config& c, std::vector<std::string>& e) {
    if (text.empty()) return;
    std::uint32_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size() || n < 1 || n > 1000) {
        e.push_back(
            fmt::format("--request-budget '{}': give the REST calls a minute as a whole number from 1 to "
                        "1000 (Genesys allows an OAuth client 300; the default is 120)",
                        text));
        return;
    }
    c.request_budget = n;
}

void validate_genesys(const PlatformOptions& o, Config& c, std::vector<std::string>& e) {
    take_budget(o.request_budget, c, e);
    if (!o.region.empty()) {
        if (auto problem = genesys::region_problem(o.region); !problem.empty()) e.push_back(problem);
        auto hosts = genesys::hosts_for_region(o.region);
        c.region = o.region;
        if (o.api_url.empty()) c.api_url = hosts.api_url;
        if (o.auth_url.empty()) {
            c.auth_url = hosts.auth_url;
            c.auth_url_given = true;
        }
        if (o.stream_url.empty()) c.stream_url = hosts.stream_url;
    }
    if (!o.stream_url.empty()) {
        if (auto problem = ws_url_problem(o.stream_url)) e.push_back(*problem);
        c.stream_url = o.stream_url;
        auto tls = c.api_url.rfind("https://", 0) == 0    ? c.api_url
                   : c.auth_url.rfind("https://", 0) == 0 ? c.auth_url
                                                          : "";
        if (c.stream_url.rfind("ws://", 0) == 0 && !tls.empty() && !c.insecure)
            e.push_back(
                fmt::format("--stream-url '{}' under {}: it would drop TLS; give a wss:// URL, or pass "
                            "--insecure for a test server",
                            o.stream_url, tls));
    }
    // Client credentials at Genesys take no scope: permissions come from the client's roles.
    c.scope = o.scope;
    c.media = split_ids(o.media, "--media", e);
    if (c.mode != Mode::live) return;
    if (c.api_url.empty())
        e.push_back("--platform genesys: no hosts: set --region (e.g. mypurecloud.com), or --api-url and --auth-url");
    if (!c.skills.empty())
        e.push_back(
            "--skill cannot be used with --platform genesys: Genesys Cloud has no skill topic to subscribe to; "
            "watch the queues with --queue instead");
    if (c.queues.empty() && c.agents.empty())
        e.push_back("--platform genesys subscribes to each resource by id: name them with --queue and --agent");
    if (c.raw) e.push_back("--raw prints SSE events: it cannot be used with --platform genesys");
    if (!o.record.empty()) e.push_back("--record captures an SSE stream: it cannot be used with --platform genesys");
    auto plan = genesys::plan_channels(genesys::topics_for(c.queues, c.agents));
    if (!plan) e.push_back(plan.error().message);
}

}  // namespace

void validate_platform(const PlatformOptions& o, Config& c, std::vector<std::string>& errors) {
    if (o.platform == "sse") {
        c.platform = Platform::sse;
        if (!o.region.empty()) errors.push_back("--region is for --platform genesys; with sse, set --api-url");
        if (!o.stream_url.empty()) errors.push_back("--stream-url is for --platform genesys");
        if (!o.media.empty()) errors.push_back("--media is for --platform genesys");
        if (!o.request_budget.empty()) errors.push_back("--request-budget is for --platform genesys");
        return;
    }
    if (o.platform != "genesys") {
        errors.push_back(fmt::format("--platform '{}': use sse or genesys", o.platform));
        return;
    }
    c.platform = Platform::genesys;
    validate_genesys(o, c, errors);
}

}  // namespace rtwatch::app::detail
