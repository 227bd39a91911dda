// `rtwatch relay` options. Every other option is the main command's: the
// subcommand falls through to it, so `rtwatch relay --queue q1` relays what
// `rtwatch --queue q1` would print.
#include "cli_relay.hpp"

#include <fmt/format.h>

#include "cli_parts.hpp"
#include "rtwatch/core/log.hpp"
#include "rtwatch/core/text.hpp"

namespace rtwatch::app::detail {

namespace {

constexpr const char* k_relay_about =
    "Serve the selected resources to many viewers over HTTP (SSE, /state, /metrics, the wallboard) from one "
    "upstream connection";
constexpr const char* k_relay_replay_about = "Serve a recorded raw SSE stream (FILE, or - for stdin) to viewers";
constexpr std::size_t k_max_token_bytes = 4096;

void define_relay_options(CLI::App& app, RelayRawOptions& o) {
    auto g = "Relay";
    app.add_option("--listen", o.listen, "Serve viewers on HOST:PORT (default 127.0.0.1:8080; port 0 picks one)")
        ->type_name("ADDR")
        ->envname("RTWATCH_LISTEN")
        ->group(g);
    app.add_option("--history", o.history, "Events kept for Last-Event-ID resume (default 100000)")
        ->type_name("N")
        ->group(g);
    app.add_option("--history-bytes", o.history_bytes,
                   "Bytes of events kept for Last-Event-ID resume, beside --history (default 67108864, 64 MiB)")
        ->type_name("N")
        ->group(g);
    app.add_option("--viewer-timeout", o.viewer_timeout,
                   "Disconnect a viewer that takes no bytes for DURATION (default 30s)")
        ->type_name("DURATION")
        ->group(g);
    app.add_option("--max-viewers", o.max_viewers, "Answer 503 beyond N connected viewers (default 10000)")
        ->type_name("N")
        ->group(g);
    app.add_option("--viewer-token-file", o.token_file,
                   "File holding the token viewers must present (Bearer or the rtwatch_viewer_token cookie)")
        ->type_name("FILE")
        ->envname("RTWATCH_VIEWER_TOKEN_FILE")
        ->group(g);
    app.add_flag("--no-viewer-auth", o.no_viewer_auth, "Serve a non-loopback --listen without a token (dangerous)")
        ->group(g);
    app.add_option("--allow-origin", o.allow_origins, "Also accept browser requests from ORIGIN (repeatable)")
        ->type_name("ORIGIN")
        ->allow_extra_args(false)
        ->group(g);
    app.add_option("--stale-after", o.stale_after,
                   "/readyz fails when no upstream bytes came for DURATION (default 30s)")
        ->type_name("DURATION")
        ->group(g);
    app.add_option("--header-timeout", o.header_timeout,
                   "Close a connection whose request head is not complete within DURATION (default 10s)")
        ->type_name("DURATION")
        ->group(g);
    app.add_option("--unit", o.units, "The wallboard shows METRIC as s, ms (as m:ss), % or count (repeatable)")
        ->type_name("METRIC=UNIT")
        ->allow_extra_args(false)
        ->group(g);
    app.add_option("--names", o.names, "Display names for the wallboard from a CSV of kind,id,name (reread on SIGHUP)")
        ->type_name("FILE")
        ->group(g);
    app.add_option("--tls-cert", o.tls_cert,
                   "Serve HTTPS with the PEM certificate (then its chain) in FILE; needs --tls-key (reread on SIGHUP)")
        ->type_name("FILE")
        ->group(g);
    app.add_option("--tls-key", o.tls_key, "The PEM private key of --tls-cert (reread on SIGHUP)")
        ->type_name("FILE")
        ->group(g);
    app.add_option("--trend-step", o.trend_step, "One point of the wallboard's sparklines per DURATION (default 15s)")
        ->type_name("DURATION")
        ->group(g);
}

std::optional<std::uint64_t> whole_number(const std::string& text, std::string_view option,
                                          std::vector<std::string>& errors) {
    return parse_count(text, errors, option);
}

void take(const std::string& text, std::string_view option, Millis& out, std::vector<std::string>& errors) {
    auto d = parse_duration(text);
    if (!d) return errors.push_back(fmt::format("{}: {}", option, d.error().message));
    if (d->count() <= 0) return errors.push_back(fmt::format("{} must be more than 0 (e.g. 30s)", option));
    out = *d;
}

}  // namespace

RelayCommand define_relay(CLI::App& app, RelayRawOptions& o, std::string& replay_input) {
    RelayCommand command;
    command.relay = app.add_subcommand("relay", k_relay_about);
    define_relay_options(*command.relay, o);
    command.relay->fallthrough();
    command.replay = command.relay->add_subcommand("replay", k_relay_replay_about);
    command.replay->add_option("input", replay_input, "Recorded stream (default -)")->type_name("FILE");
    command.replay->fallthrough();
    return command;
}

std::string relay_help(const RelayCommand& command) {
    RelayRawOptions scratch;
    const bool replay = command.replay->parsed();
    CLI::App help{replay ? k_relay_replay_about : k_relay_about, replay ? "rtwatch relay replay" : "rtwatch relay"};
    help.get_formatter()->column_width(34);
    std::string input;
    if (replay) help.add_option("input", input, "Recorded stream (default -)")->type_name("FILE");
    define_relay_options(help, scratch);
    help.footer(
        "Every rtwatch option that selects (--queue, --skill, --agent, --fields, --where,\n"
        "--throttle, --level) or reaches the upstream applies too. stdout carries one line,\n"
        "{\"type\":\"listening\",\"url\":...}. Endpoints: / (wallboard), /events (SSE), /state,\n"
        "/metrics, /healthz, /readyz. rtwatch relay replay FILE serves a capture made with\n"
        "--record. See man rtwatch-relay.");
    return help.help();
}

bool loopback_address(std::string_view address) {
    auto colon = address.rfind(':');
    std::string_view host = address.substr(0, colon == std::string_view::npos ? address.size() : colon);
    return host.starts_with("127.") || host == "[::1]" || host == "::1";
}

void validate_relay(const RelayRawOptions& o, Config& c, std::vector<std::string>& errors,
                    std::vector<std::string>& warnings) {
    c.relay = true;
    c.listen = loopback_listen(o.listen);
    if (auto n = whole_number(o.history, "--history", errors)) c.history = *n;
    if (auto n = whole_number(o.history_bytes, "--history-bytes", errors)) c.history_bytes = *n;
    if (auto n = whole_number(o.max_viewers, "--max-viewers", errors)) c.max_viewers = *n;
    take(o.viewer_timeout, "--viewer-timeout", c.viewer_timeout, errors);
    take(o.stale_after, "--stale-after", c.stale_after, errors);
    take(o.header_timeout, "--header-timeout", c.header_timeout, errors);
    take(o.trend_step, "--trend-step", c.trend_step, errors);
    if (c.trend_step < Millis(1000)) errors.push_back("--trend-step must be 1s or more (e.g. 15s)");
    for (const auto& text : o.units) {
        if (auto unit = parse_unit_option(text))
            c.units.push_back(*unit);
        else
            errors.push_back(unit.error().message);
    }
    c.names_file = o.names;
    c.tls_cert = o.tls_cert;
    c.tls_key = o.tls_key;
    if (o.tls_cert.empty() != o.tls_key.empty())
        errors.push_back(o.tls_cert.empty() ? "--tls-key needs --tls-cert FILE: the certificate the key belongs to"
                                            : "--tls-cert needs --tls-key FILE: the certificate's private key");
    c.allow_origins = split_ids(o.allow_origins, "--allow-origin", errors);
    for (const auto& origin : c.allow_origins)
        if (!origin.starts_with("http://") && !origin.starts_with("https://"))
            errors.push_back(fmt::format(
                "--allow-origin '{}': an origin is scheme://host[:port], e.g. https://wall.example.com", origin));
    c.no_viewer_auth = o.no_viewer_auth;
    if (!o.token_file.empty()) {
        auto text = read_capped(o.token_file, k_max_token_bytes, "--viewer-token-file");
        if (!text) {
            errors.push_back(text.error().message);
        } else {
            c.viewer_token = std::string(trim(*text));
            if (c.viewer_token.empty())
                errors.push_back(
                    fmt::format("--viewer-token-file {} is empty: put the viewers' token in it", o.token_file));
            else if (c.viewer_token.find_first_of(" \t\r\n;,\"") != std::string::npos)
                errors.push_back(
                    fmt::format("--viewer-token-file {}: the token must be one word without spaces, quotes, ';' or ','",
                                o.token_file));
            else
                log::add_secret(c.viewer_token);
        }
    }
    if (!loopback_address(c.listen) && c.viewer_token.empty() && !c.no_viewer_auth && o.token_file.empty())
        errors.push_back(fmt::format(
            "--listen {} is reachable from other hosts: give viewers a token with --viewer-token-file FILE, "
            "or pass --no-viewer-auth to serve anyone who connects",
            c.listen));
    if (!loopback_address(c.listen) && c.tls_cert.empty())
        warnings.push_back(fmt::format(
            "--listen {} is reachable from other hosts over plain HTTP: the viewer token and the data travel in "
            "clear; serve HTTPS with --tls-cert and --tls-key, or put a TLS-terminating proxy in front",
            c.listen));
    if (!loopback_address(c.listen) && c.no_viewer_auth && c.viewer_token.empty())
        warnings.push_back(fmt::format(
            "--no-viewer-auth: anyone who can reach {} can read the relayed data; use --viewer-token-file FILE",
            c.listen));
    if (c.raw) errors.push_back("--raw is for NDJSON output: rtwatch relay serves metric records; drop --raw");
    if (c.once) errors.push_back("--once prints a snapshot and exits: rtwatch relay keeps serving; drop --once");
    if (!c.output.empty())
        errors.push_back("--output is for NDJSON output: rtwatch relay serves viewers over HTTP; drop --output");
}

}  // namespace rtwatch::app::detail
