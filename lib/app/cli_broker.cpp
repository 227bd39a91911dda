// Broker options: checked here, used by broker_source.cpp.
#include "cli_broker.hpp"

#include <fmt/format.h>

#include "cli_parts.hpp"
#include "rtwatch/core/duration.hpp"

namespace rtwatch::app::detail {

namespace {

bool broker_url(std::string_view url) {
    return (url.starts_with("nats://") || url.starts_with("tls://")) &&
           url.find_first_of(" \t\r\n") == std::string_view::npos;
}

bool plain_tenant(std::string_view t) {
    if (t.empty() || t.size() > 64) return false;
    for (unsigned char ch : t)
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
              ch == '-'))
            return false;
    return true;
}

}  // namespace

void define_broker(CLI::App& app, BrokerRawOptions& o) {
    auto g = "Broker (NATS JetStream)";
    app.add_option("--broker", o.urls, "Read the tenant's stream from NATS at URL (nats://HOST:PORT; repeatable)")
        ->type_name("URL")
        ->envname("RTWATCH_BROKER")
        ->allow_extra_args(false)
        ->group(g);
    app.add_option("--tenant", o.tenant, "Tenant NAME: stream rtwatch_NAME, subjects rtwatch.NAME.>")
        ->type_name("NAME")
        ->envname("RTWATCH_TENANT")
        ->group(g);
    app.add_option("--broker-creds", o.creds, "NATS credentials FILE (JWT and NKey seed) for the broker")
        ->type_name("FILE")
        ->envname("RTWATCH_BROKER_CREDS")
        ->group(g);
    app.add_option("--lease-ttl", o.lease_ttl, "Upstream lease of rtwatch relay lasts DURATION unrenewed (default 5s)")
        ->type_name("DURATION")
        ->group(g);
    app.add_option("--broker-history", o.history, "Messages the stream keeps per resource (default 64)")
        ->type_name("N")
        ->group(g);
}

void validate_broker(const BrokerRawOptions& o, Config& c, bool relay, bool replay, std::vector<std::string>& errors) {
    const bool any = !o.urls.empty() || !o.tenant.empty() || !o.creds.empty();
    if (!any) return;
    c.broker_urls = split_ids(o.urls, "--broker", errors);
    for (const auto& url : c.broker_urls) {
        if (!broker_url(url))
            errors.push_back(fmt::format("--broker '{}': use nats://HOST:PORT or tls://HOST:PORT", url));
        if (url.find('@') != std::string::npos)
            errors.push_back("--broker: credentials in the URL are visible in ps; use --broker-creds FILE");
    }
    if (c.broker_urls.empty()) errors.push_back("--tenant and --broker-creds need --broker nats://HOST:PORT");
    if (o.tenant.empty())
        errors.push_back("--broker needs --tenant NAME (letters, digits, '_' and '-')");
    else if (!plain_tenant(o.tenant))
        errors.push_back(fmt::format("--tenant '{}': use 1 to 64 letters, digits, '_' and '-'", o.tenant));
    c.tenant = o.tenant;
    c.broker_creds = o.creds;
    check_readable(o.creds, "--broker-creds", errors);
    auto ttl = parse_duration(o.lease_ttl);
    if (!ttl || ttl->count() < 300)
        errors.push_back(fmt::format("--lease-ttl '{}': a duration of at least 300ms, e.g. 5s", o.lease_ttl));
    else
        c.lease_ttl = *ttl;
    if (auto n = parse_count(o.history, errors, "--broker-history")) c.broker_history = static_cast<std::int64_t>(*n);
    if (replay) errors.push_back("--broker reads the tenant's stream: it cannot be combined with replay; drop one");
    if (c.raw) errors.push_back("--raw prints upstream events: a broker carries records; drop --raw");
    if (!c.record.empty() && !relay)
        errors.push_back("--record keeps upstream bytes: a broker reader has none; drop --record");
}

}  // namespace rtwatch::app::detail
