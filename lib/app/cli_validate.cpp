// The checks of the command line's values: each option's text into the
// Config, every mistake collected so one run reports them all.
#include <fmt/format.h>

#include "cli_raw.hpp"
#include "rtwatch/core/log.hpp"
#include "rtwatch/filter/filter.hpp"

namespace rtwatch::app::detail {

namespace {

// --once without --duration: a snapshot that takes longer than this is not coming.
constexpr Millis k_once_default_bound{30'000};

void require(bool ok, std::vector<std::string>& errors, std::string message) {
    if (!ok) errors.push_back(std::move(message));
}

void take_duration(const std::string& text, std::string_view option, Millis& out, std::vector<std::string>& errors) {
    auto d = parse_duration(text);
    if (d)
        out = *d;
    else
        errors.push_back(fmt::format("{}: {}", option, d.error().message));
}

void validate_upstream(const RawOptions& o, Config& c, CliOutcome& r) {
    auto& e = r.errors;
    require(o.client_secret_arg.empty(), e,
            "--client-secret is refused: a secret on the command line is visible in ps and shell history; "
            "put it in RTWATCH_CLIENT_SECRET or in a file passed with --client-secret-file (mode 0600)");
    c.client_secret = read_client_secret(o.secret_file, r.errors, r.warnings);
    if (!o.client_secret_arg.empty()) log::add_secret(o.client_secret_arg);
    register_url_password(o.api_url);
    register_url_password(o.auth_url);
    c.api_url = o.api_url;
    c.auth_url = o.auth_url.empty() ? o.api_url : o.auth_url;
    c.auth_url_given = !o.auth_url.empty();
    c.client_id = o.client_id;
    c.scope = o.scope.empty() ? c.scope : o.scope;
    c.cacert = o.cacert;
    c.insecure = o.insecure;
    check_readable(o.cacert, "--cacert", e);
    if (!o.api_url.empty())
        if (auto problem = url_problem(o.api_url, "--api-url")) e.push_back(*problem);
    if (!o.auth_url.empty())
        if (auto problem = url_problem(o.auth_url, "--auth-url")) e.push_back(*problem);
    // a plain run on a broker reads the tenant's stream: no upstream of its own
    if (c.mode != Mode::live || (!c.broker_urls.empty() && !c.relay)) return;
    if (c.platform == Platform::sse) require(!c.api_url.empty(), e, "no upstream: set --api-url or RTWATCH_API_URL");
    require(!c.client_id.empty(), e, "no client id: set --client-id or RTWATCH_CLIENT_ID");
    require(!c.client_secret.empty() || !o.client_secret_arg.empty() || !o.secret_file.empty(), e,
            "no client secret: set RTWATCH_CLIENT_SECRET, pass --client-secret-file FILE, or under systemd "
            "provide the credential client-secret (LoadCredential=client-secret:FILE)");
    if (c.insecure)
        r.warnings.push_back(
            "--insecure: TLS certificates are NOT verified; anyone on the path can read the token "
            "and forge data. Use --cacert FILE instead.");
    if (c.platform == Platform::sse && o.queues.empty() && o.skills.empty() && o.agents.empty())
        r.warnings.push_back(
            "no --queue, --skill or --agent: streaming every resource, which can be a very large "
            "stream; select what you need");
}

void validate_selection(const RawOptions& o, Config& c, std::vector<std::string>& e) {
    c.queues = split_ids(o.queues, "--queue", e);
    c.skills = split_ids(o.skills, "--skill", e);
    c.agents = split_ids(o.agents, "--agent", e);
    c.fields = split_ids(o.fields, "--fields", e);
    c.where = o.where;
    if (!c.where.empty()) {
        auto w = filter::Where::parse(c.where);
        if (!w) e.push_back(w.error().message);
    }
    require(!c.raw || (o.fields.empty() && o.where.empty()), e,
            "--raw prints every event as it arrives: it cannot be combined with --fields or --where; drop one");
}

void validate_pacing(const RawOptions& o, Config& c, std::vector<std::string>& e) {
    take_duration(o.throttle, "--throttle", c.throttle, e);
    // Genesys sends a heartbeat about every 30 s: 60 s of silence is a dead socket.
    const char* idle_default = c.platform == Platform::genesys ? "60s" : "30s";
    take_duration(o.idle_timeout.empty() ? idle_default : o.idle_timeout, "--idle-timeout", c.idle_timeout, e);
    take_duration(o.max_backoff, "--max-backoff", c.max_backoff, e);
    take_duration(o.request_timeout, "--request-timeout", c.request_timeout, e);
    require(c.request_timeout.count() > 0, e, "--request-timeout must be more than 0 (e.g. 30s)");
    require(c.idle_timeout.count() > 0, e, "--idle-timeout must be more than 0 (e.g. 30s)");
    if (!o.duration.empty()) {
        Millis d{0};
        take_duration(o.duration, "--duration", d, e);
        c.duration = d;
    }
    c.once = o.once;
    if (c.once && !c.duration && c.mode == Mode::live) c.duration = k_once_default_bound;
    if (auto n = parse_count(o.count, e)) c.count = *n;
    c.max_event_size = o.max_event_size;
    require(c.max_event_size >= 1024, e, "--max-event-size must be at least 1024 bytes");
}

void validate_output(const RawOptions& o, Config& c, std::vector<std::string>& e) {
    c.output = o.output;
    check_not_directory(o.output, "-o", "rtwatch.ndjson", e);
    check_not_directory(o.record, "--record", "capture.sse", e);
    c.metrics_listen = loopback_listen(o.metrics_listen);
    c.status = o.status;
    require(o.log_format == "text" || o.log_format == "json", e,
            fmt::format("--log-format '{}': use text or json", o.log_format));
    c.log.format = o.log_format == "json" ? log::Format::json : log::Format::text;
    auto level = o.log_level.empty() ? std::optional(log::Level::warn) : level_named(o.log_level);
    require(level.has_value(), e,
            fmt::format("--log-level '{}': use error, warning, info, debug or trace", o.log_level));
    int lv = static_cast<int>(level.value_or(log::Level::warn)) + o.verbose - (o.quiet ? 1 : 0);
    c.log.level = static_cast<log::Level>(std::clamp(lv, 0, 4));
}

}  // namespace

void validate(const RawOptions& o, Config& c, CliOutcome& r) {
    if (o.platform == "genesys") c.platform = Platform::genesys;
    // first: a plain broker reader needs no upstream options
    c.raw = o.raw;
    c.record = o.record;
    validate_broker(o.broker, c, c.relay, c.mode == Mode::replay, r.errors);
    validate_upstream(o, c, r);
    take_duration(o.token_grace, "--token-grace", c.token_grace, r.errors);
    validate_selection(o, c, r.errors);
    validate_pacing(o, c, r.errors);
    validate_output(o, c, r.errors);
    validate_levels(o.levels, c, r.errors);
    validate_platform(PlatformOptions{o.platform, o.region, o.stream_url, o.api_url, o.auth_url, o.scope, o.media,
                                      o.record, o.request_budget},
                      c, r.errors);
}

}  // namespace rtwatch::app::detail
