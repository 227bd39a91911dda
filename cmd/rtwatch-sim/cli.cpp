// Option definitions and their checks. The same names, with the same
// defaults, are documented in man/rtwatch-sim.1.
#include "cli.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "rtwatch/core/duration.hpp"
#include "rtwatch/core/version.hpp"

namespace rtwatch::sim {

namespace {

struct Raw {
    std::string platform = "sse";
    std::string heartbeat;  // empty: the platform's default
    std::string expired = "disconnect";
    std::string secret_file;
    std::string channel_ttl = "24h";
    std::string socket_closing_delay = "60s";
    std::string aggregate_every = "30s";
};

// --platform genesys: Genesys Cloud's Notifications API.
void define_genesys(CLI::App& app, GenesysOptions& g, Raw& raw) {
    app.add_option("--channel-ttl", raw.channel_ttl, "genesys: a channel's lifetime; subscribing extends it")
        ->capture_default_str();
    app.add_option("--max-channels", g.max_channels,
                   "genesys: channels per client; one more evicts the least "
                   "recently used")
        ->capture_default_str();
    app.add_option("--max-topics", g.max_topics, "genesys: topics per channel; more is a 400")->capture_default_str();
    app.add_option("--missing-permission", g.missing_permissions,
                   "genesys: a permission the client lacks (repeatable), e.g. analytics:queueObservation:view");
    app.add_option("--socket-closing-delay", raw.socket_closing_delay,
                   "genesys: from a socket-closing fault's message to the close")
        ->capture_default_str();
    app.add_option("--aggregate-every", raw.aggregate_every,
                   "genesys: how often a 30-minute aggregate rides on each observation topic; 0 never")
        ->capture_default_str();
    app.add_flag("--plain-on-queue", g.plain_on_queue,
                 "genesys: oOnQueueUsers as one count, not qualified by routing status");
    app.add_flag("--omit-presence-mappings", g.omit_mappings,
                 "genesys: observations answers without systemToOrganizationMappings");
    app.add_option("--bad-client-status", g.bad_client_status,
                   "genesys: token endpoint status for bad credentials "
                   "(400 or 401)")
        ->capture_default_str();
}

void define(CLI::App& app, CommandLine& c, Raw& raw) {
    SimOptions& o = c.options;
    app.add_option("--platform", raw.platform,
                   "sse (the stream in man rtwatch-sim, PROTOCOL) or genesys (Genesys Cloud notifications)")
        ->capture_default_str();
    app.add_option("--host", o.host, "address to listen on")->capture_default_str();
    app.add_option("--port", o.port, "port to listen on; 0 picks a free one")->capture_default_str();
    app.add_option("--seed", o.model.seed, "seed of the model; same seed, same events")->capture_default_str();
    app.add_option("--queues", o.model.queues, "number of queues")->capture_default_str();
    app.add_option("--skills", o.model.skills, "number of skills")->capture_default_str();
    app.add_option("--agents", o.model.agents, "number of agents")->capture_default_str();
    app.add_option("--rate", o.rate, "live data events per second at most; 0 = no cap")->capture_default_str();
    app.add_option("--speed", o.speed, "simulated seconds per real second")->capture_default_str();
    app.add_option("--redundant-ratio", o.model.redundant_ratio, "fraction of live events that repeat a state")
        ->capture_default_str();
    app.add_option("--client-id", o.client_id, "the OAuth client id")->capture_default_str();
    app.add_option("--client-secret-file", raw.secret_file, "file holding the client secret");
    app.add_option("--token-lifetime", o.token_lifetime_s, "token lifetime in seconds (2.5 allowed)")
        ->capture_default_str();
    app.add_option("--heartbeat", raw.heartbeat,
                   "time between heartbeats (sse: on an idle stream; default 5s; "
                   "genesys: 30s)");
    app.add_option("--retry", o.retry_ms, "the retry: value sent at stream start, in ms")->capture_default_str();
    app.add_option("--replay-window", o.replay_window, "events kept for Last-Event-ID replay")->capture_default_str();
    app.add_option("--expired-token", raw.expired, "disconnect|stall: an open stream whose token expires")
        ->capture_default_str();
    app.add_option("--flat-out", o.flat_out, "benchmark: send N pre-built events to each stream, then close");
    app.add_option("--changed-ratio", o.changed_ratio, "flat-out: fraction of events that change a metric")
        ->capture_default_str();
    app.add_option("--tls-cert", o.tls_cert, "PEM certificate: serve HTTPS");
    app.add_option("--tls-key", o.tls_key, "PEM private key of --tls-cert");
    app.add_option("--max-clients", o.max_clients, "connections served at once")->capture_default_str();
    app.add_flag("-v,--verbose", c.verbose, "log requests and faults to stderr");
    define_genesys(app, o.genesys, raw);
}

std::string read_secret(const std::string& path, std::vector<std::string>& errors) {
    std::ifstream in(path);
    if (!in) {
        errors.push_back(fmt::format("cannot read --client-secret-file '{}': check the path", path));
        return {};
    }
    std::string secret;
    std::getline(in, secret);
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
    return secret;
}

// A duration option; `positive` refuses 0.
void read_duration(const char* name, const std::string& text, bool positive, std::chrono::milliseconds& out,
                   std::vector<std::string>& errors) {
    auto d = parse_duration(text);
    if (!d || (positive && d->count() <= 0))
        errors.push_back(
            fmt::format("{} '{}' is not a {}duration such as 5s or 500ms", name, text, positive ? "positive " : ""));
    else
        out = *d;
}

void check_genesys(SimOptions& o, const Raw& raw, std::vector<std::string>& errors) {
    GenesysOptions& g = o.genesys;
    read_duration("--channel-ttl", raw.channel_ttl, true, g.channel_ttl, errors);
    read_duration("--socket-closing-delay", raw.socket_closing_delay, false, g.socket_closing_delay, errors);
    read_duration("--aggregate-every", raw.aggregate_every, false, g.aggregate_every, errors);
    if (g.max_channels < 1) errors.push_back("--max-channels must be at least 1");
    if (g.max_topics < 1) errors.push_back("--max-topics must be at least 1");
    if (g.bad_client_status != 400 && g.bad_client_status != 401)
        errors.push_back("--bad-client-status must be 400 or 401");
    if (o.platform == Platform::genesys && !o.tls_cert.empty())
        errors.push_back("--tls-cert is not supported with --platform genesys: its sockets are plain ws://");
    if (o.platform == Platform::genesys && o.flat_out > 0) errors.push_back("--flat-out is for --platform sse only");
}

void check(CommandLine& c, const Raw& raw, std::vector<std::string>& errors) {
    SimOptions& o = c.options;
    if (raw.platform == "genesys")
        o.platform = Platform::genesys;
    else if (raw.platform != "sse")
        errors.push_back(fmt::format("--platform '{}' must be sse or genesys", raw.platform));
    const std::string heartbeat = !raw.heartbeat.empty()            ? raw.heartbeat
                                  : o.platform == Platform::genesys ? "30s"
                                                                    : "5s";
    read_duration("--heartbeat", heartbeat, true, o.heartbeat, errors);
    check_genesys(o, raw, errors);
    if (raw.expired == "disconnect")
        o.expired_token = ExpiredTokenMode::disconnect;
    else if (raw.expired == "stall")
        o.expired_token = ExpiredTokenMode::stall;
    else
        errors.push_back(fmt::format("--expired-token '{}' must be disconnect or stall", raw.expired));
    if (!raw.secret_file.empty())
        o.client_secret = read_secret(raw.secret_file, errors);
    else if (const char* env = std::getenv("RTWATCH_SIM_CLIENT_SECRET"); env && *env)
        o.client_secret = env;
    if (o.model.queues < 1 || o.model.skills < 1 || o.model.agents < 1)
        errors.push_back("--queues, --skills and --agents must each be at least 1");
    if (o.rate < 0) errors.push_back("--rate must be >= 0");
    if (o.speed <= 0) errors.push_back("--speed must be > 0");
    if (o.token_lifetime_s <= 0) errors.push_back("--token-lifetime must be > 0 seconds");
    if (o.model.redundant_ratio < 0 || o.model.redundant_ratio >= 1)
        errors.push_back("--redundant-ratio must be in [0, 1)");
    if (o.changed_ratio <= 0 || o.changed_ratio > 1) errors.push_back("--changed-ratio must be in (0, 1]");
    if (o.retry_ms < 0) errors.push_back("--retry must be >= 0");
    if (o.max_clients < 1) errors.push_back("--max-clients must be at least 1");
    if (o.tls_cert.empty() != o.tls_key.empty()) errors.push_back("--tls-cert and --tls-key go together");
}

}  // namespace

Result<CommandLine> parse_command_line(int argc, char** argv) {
    CommandLine c;
    Raw raw;
    CLI::App app{"rtwatch-sim: a simulated contact-center realtime data service"};
    app.set_version_flag("--version", fmt::format("rtwatch-sim {} (git {})", k_version, k_git_revision));
    define(app, c, raw);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) {
            app.exit(e);
            c.exit_now = true;
            return c;
        }
        return make_error(ExitCode::usage, fmt::format("{}; see rtwatch-sim --help", e.what()));
    }
    std::vector<std::string> errors;
    check(c, raw, errors);
    if (!errors.empty()) {
        std::string all;
        for (const auto& e : errors) all += (all.empty() ? "" : "\nrtwatch-sim: error: ") + e;
        return make_error(ExitCode::usage, all);
    }
    return c;
}

}  // namespace rtwatch::sim
