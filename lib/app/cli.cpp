// Option definitions (CLI11); cli_validate.cpp checks them. Values are taken
// as strings and checked afterwards, so one run reports every mistake at once.
// Precedence: the command line, then the environment, then the config file.
#include "rtwatch/app/cli.hpp"

#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli_broker.hpp"
#include "cli_parts.hpp"
#include "cli_raw.hpp"
#include "cli_relay.hpp"
#include "cli_top.hpp"
#include "rtwatch/app/version.hpp"

namespace rtwatch::app {

namespace {

using detail::ConfigKey;
using detail::RawOptions;

constexpr const char* k_replay_about = "Run the pipeline over a recorded raw SSE stream (FILE, or - for stdin)";

// One value per occurrence, so a list option never swallows the positional
// after it (`replay --fields waiting capture.sse`); comma lists are split,
// and checked for empty elements, in validate().
CLI::Option* add_list(CLI::App& app, const char* name, std::vector<std::string>& into, const char* help) {
    return app.add_option(name, into, help)->allow_extra_args(false);
}

void define_upstream(CLI::App& app, RawOptions& o) {
    auto up = "Upstream";
    app.add_option("--platform", o.platform, "Upstream protocol: sse (default) or genesys (Genesys Cloud)")
        ->type_name("NAME")
        ->envname("RTWATCH_PLATFORM")
        ->group(up);
    app.add_option("--region", o.region, "Genesys Cloud region domain, e.g. mypurecloud.com (sets the three hosts)")
        ->type_name("DOMAIN")
        ->envname("RTWATCH_REGION")
        ->group(up);
    app.add_option("--api-url", o.api_url, "Base URL of the real-time data service")
        ->type_name("URL")
        ->envname("RTWATCH_API_URL")
        ->group(up);
    app.add_option("--auth-url", o.auth_url, "Base URL of the token endpoint (default: --api-url)")
        ->type_name("URL")
        ->envname("RTWATCH_AUTH_URL")
        ->group(up);
    app.add_option("--stream-url", o.stream_url, "Genesys: ws:// or wss:// base that replaces each channel's host")
        ->type_name("URL")
        ->envname("RTWATCH_STREAM_URL")
        ->group(up);
    app.add_option("--request-budget", o.request_budget,
                   "Genesys: REST calls a minute for the whole run, token requests included (default 120)")
        ->type_name("N")
        ->envname("RTWATCH_REQUEST_BUDGET")
        ->group(up);
    app.add_option("--client-id", o.client_id, "OAuth client id")
        ->type_name("ID")
        ->envname("RTWATCH_CLIENT_ID")
        ->group(up);
    app.add_option("--client-secret-file", o.secret_file,
                   "File holding the OAuth client secret (else RTWATCH_CLIENT_SECRET, "
                   "else $CREDENTIALS_DIRECTORY/client-secret)")
        ->type_name("FILE")
        ->envname("RTWATCH_CLIENT_SECRET_FILE")
        ->group(up);
    app.add_option("--client-secret", o.client_secret_arg, "")->group("");  // refused: see validate()
    app.add_option("--scope", o.scope, "OAuth scope to request")
        ->type_name("SCOPE")
        ->envname("RTWATCH_SCOPE")
        ->group(up);
    app.add_option("--token-grace", o.token_grace, "Refresh the token this long before it expires (default 60s)")
        ->type_name("DURATION")
        ->envname("RTWATCH_TOKEN_GRACE")
        ->group(up);
    app.add_option("--cacert", o.cacert, "CA certificate bundle (PEM) to verify the servers with")
        ->type_name("FILE")
        ->envname("RTWATCH_CACERT")
        ->group(up);
    app.add_flag("--insecure", o.insecure, "Do not verify TLS certificates (dangerous)")->group(up);
}

void define_selection(CLI::App& app, RawOptions& o) {
    auto sel = "Selection";
    add_list(app, "--queue", o.queues, "Queue id to watch (repeatable, or a comma list)")
        ->type_name("ID")
        ->envname("RTWATCH_QUEUES")
        ->group(sel);
    add_list(app, "--skill", o.skills, "Skill id to watch (repeatable, or a comma list)")
        ->type_name("ID")
        ->envname("RTWATCH_SKILLS")
        ->group(sel);
    add_list(app, "--agent", o.agents, "Agent id to watch (repeatable, or a comma list)")
        ->type_name("ID")
        ->envname("RTWATCH_AGENTS")
        ->group(sel);
    add_list(app, "--media", o.media, "Genesys: also write per-media metrics for TYPE, e.g. voice (oWaiting.voice)")
        ->type_name("TYPE")
        ->envname("RTWATCH_MEDIA")
        ->group(sel);
    add_list(app, "--fields", o.fields, "Metrics to track and print, comma list (default: all)")
        ->type_name("NAME")
        ->envname("RTWATCH_FIELDS")
        ->group(sel);
    app.add_option("--where", o.where, "Only records matching EXPR, e.g. 'waiting > 5 and availableAgents < 2'")
        ->type_name("EXPR")
        ->envname("RTWATCH_WHERE")
        ->group(sel);
    app.add_flag("--raw", o.raw, "Print every SSE event as {type,data,id} instead of metric records")->group(sel);
}

// `live` false: only what applies to replay (for `rtwatch replay --help`).
void define_pacing(CLI::App& app, RawOptions& o, bool live) {
    auto pace = "Pacing and bounds";
    app.add_option("--throttle", o.throttle, "At most one record per resource per DURATION (0 = off)")
        ->type_name("DURATION")
        ->envname("RTWATCH_THROTTLE")
        ->group(pace);
    app.add_flag("--once", o.once, "Print the current snapshot, then exit (live: within 30s unless --duration)")
        ->group(pace);
    app.add_option("--count", o.count, "Exit after N records (N >= 1)")->type_name("N")->group(pace);
    app.add_option("--duration", o.duration, "Exit after DURATION")->type_name("DURATION")->group(pace);
    if (live) {
        app.add_option("--idle-timeout", o.idle_timeout,
                       "Reconnect when no bytes arrive for DURATION (default 30s; genesys 60s)")
            ->type_name("DURATION")
            ->envname("RTWATCH_IDLE_TIMEOUT")
            ->group(pace);
        app.add_option("--request-timeout", o.request_timeout,
                       "Give up on a token request, or a stream's response before its first byte, after DURATION "
                       "(default 30s)")
            ->type_name("DURATION")
            ->envname("RTWATCH_REQUEST_TIMEOUT")
            ->group(pace);
        app.add_option("--max-backoff", o.max_backoff, "Longest wait between reconnects (default 5s)")
            ->type_name("DURATION")
            ->envname("RTWATCH_MAX_BACKOFF")
            ->group(pace);
    }
    app.add_option("--max-event-size", o.max_event_size, "Largest SSE event accepted, in bytes (default 1048576)")
        ->type_name("BYTES")
        ->envname("RTWATCH_MAX_EVENT_SIZE")
        ->group(pace);
}

void define_output(CLI::App& app, RawOptions& o, bool live) {
    auto out = "Output";
    app.add_option("-o,--output", o.output, "Append NDJSON to FILE instead of stdout (reopened on SIGHUP)")
        ->type_name("FILE")
        ->envname("RTWATCH_OUTPUT")
        ->group(out);
    if (live)
        app.add_option("--record", o.record, "Also append the raw stream bytes to FILE (for rtwatch replay)")
            ->type_name("FILE")
            ->envname("RTWATCH_RECORD")
            ->group(out);
    if (live)
        app.add_option("--metrics-listen", o.metrics_listen,
                       "Serve Prometheus /metrics on HOST:PORT beside the output (port 0 picks one)")
            ->type_name("ADDR")
            ->envname("RTWATCH_METRICS_LISTEN")
            ->group(out);
    app.add_flag("--status", o.status, "Write status records (connected, reconnecting, ...) into the output")
        ->envname("RTWATCH_STATUS")
        ->group(out);
    app.add_option("--log-format", o.log_format, "Log format on stderr: text or json")
        ->type_name("FORMAT")
        ->envname("RTWATCH_LOG_FORMAT")
        ->group(out);
    app.add_option("--log-level", o.log_level, "error, warning, info, debug or trace (default warning)")
        ->type_name("LEVEL")
        ->envname("RTWATCH_LOG_LEVEL")
        ->group(out);
    app.add_flag("-v,--verbose", o.verbose, "More log detail (repeat for more)")->group(out);
    app.add_flag("-q,--quiet", o.quiet, "Only errors on stderr")->group(out);
}

void define_config(CLI::App& app, RawOptions& o) {
    app.add_option("--config", o.config,
                   "Read options from FILE (name = value per line; the command line and the environment win)")
        ->type_name("FILE")
        ->envname("RTWATCH_CONFIG");
}

void define_options(CLI::App& app, RawOptions& o) {
    app.set_version_flag("--version", version_text);
    define_config(app, o);
    define_upstream(app, o);
    detail::define_broker(app, o.broker);
    define_selection(app, o);
    define_pacing(app, o, true);
    detail::define_level_options(app, o.levels);
    define_output(app, o, true);
}

std::string replay_help() {
    RawOptions scratch;
    CLI::App help{std::string(k_replay_about) + ". No network is used.", "rtwatch replay"};
    help.get_formatter()->column_width(34);
    help.add_option("input", scratch.replay_input, "Recorded stream (default -)")->type_name("FILE");
    define_config(help, scratch);
    define_selection(help, scratch);
    define_pacing(help, scratch, false);
    detail::define_level_options(help, scratch.levels);
    define_output(help, scratch, false);
    return help.help();
}

// --- the config file ------------------------------------------------------

// `apps`: the main command, and the subcommand run (rtwatch relay) whose
// options the file may set too.
std::vector<ConfigKey> config_keys(const std::vector<CLI::App*>& apps) {
    std::vector<ConfigKey> keys;
    for (const CLI::App* app : apps)
        for (const CLI::Option* opt : app->get_options()) {
            if (opt->get_lnames().empty()) continue;
            const std::string& name = opt->get_lnames().front();
            if (name == "help" || name == "version" || name == "config" || name == "client-secret") continue;
            bool list = name == "queue" || name == "skill" || name == "agent" || name == "fields" || name == "level" ||
                        name == "allow-origin" || name == "media";
            keys.push_back(ConfigKey{name, list});
        }
    return keys;
}

CLI::Option* option_named(const std::vector<CLI::App*>& apps, const std::string& name) {
    for (CLI::App* app : apps)
        if (CLI::Option* opt = app->get_option_no_throw(name)) return opt;
    return nullptr;
}

// Fills what neither the command line nor the environment set.
void apply_config_file(const std::vector<CLI::App*>& apps, const std::string& path, CliOutcome& r) {
    auto text = detail::read_capped(path, detail::k_max_config_bytes, "the config file");
    if (!text) return r.errors.push_back(text.error().message);
    auto file = detail::parse_config_text(*text, path, config_keys(apps));
    r.errors.insert(r.errors.end(), file.errors.begin(), file.errors.end());
    for (auto& entry : file.entries) {
        CLI::Option* opt = option_named(apps, "--" + entry.key);
        if (!opt || opt->count() > 0) continue;
        try {
            opt->add_result(entry.values);
            opt->run_callback();
        } catch (const CLI::ParseError& err) {
            r.errors.push_back(fmt::format("{}:{}: {}: {}", path, entry.line, entry.key, err.what()));
        }
    }
}

// How to log before the options are known to be valid: the format asked for
// on the command line or in the environment, and the journal's prefixes.
log::Options early_log_options(int argc, const char* const* argv) {
    log::Options l;
    l.format = detail::log_format_from(argc, argv, std::getenv("RTWATCH_LOG_FORMAT")).value_or(log::Format::text);
    const char* journal = std::getenv("JOURNAL_STREAM");
    l.journal_priority = journal && log::is_journal_stream(journal, l.fd);
    return l;
}

}  // namespace

CliOutcome parse_command_line(int argc, const char* const* argv) {
    CliOutcome r;
    r.log = early_log_options(argc, argv);
    RawOptions o;
    CLI::App app{"rtwatch: stream changed contact-center metrics as NDJSON", "rtwatch"};
    app.get_formatter()->column_width(34);
    define_options(app, o);
    auto* replay = app.add_subcommand("replay", k_replay_about);
    replay->add_option("input", o.replay_input, "Recorded stream (default -)");
    replay->fallthrough();
    detail::TopRawOptions top_options;
    auto top = detail::define_top(app, top_options, o.replay_input);
    detail::RelayRawOptions relay_options;
    auto relay = detail::define_relay(app, relay_options, o.replay_input);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        r.stdout_text = top.parsed()       ? detail::top_help(top)
                        : relay.parsed()   ? detail::relay_help(relay)
                        : replay->parsed() ? replay_help()
                                           : app.help();
        return r;
    } catch (const CLI::CallForAllHelp&) {
        r.stdout_text = app.help("", CLI::AppFormatMode::All);
        return r;
    } catch (const CLI::CallForVersion&) {
        r.stdout_text = version_text();
        return r;
    } catch (const CLI::ExtrasError& err) {
        r.errors.push_back(fmt::format("{} (see rtwatch --help)", detail::unexpected_arguments(app, err)));
        r.exit_code = to_int(ExitCode::usage);
        return r;
    } catch (const CLI::ParseError& err) {
        r.errors.push_back(fmt::format("{} (see rtwatch --help)", err.what()));
        r.exit_code = to_int(ExitCode::usage);
        return r;
    }
    if (auto refusal = top.parsed() ? detail::top_refusal(::isatty(STDOUT_FILENO)) : std::nullopt) {
        r.errors.push_back(*refusal);
        r.exit_code = to_int(ExitCode::usage);
        return r;
    }
    detail::apply_levels_env(app);
    std::vector<CLI::App*> config_apps{&app};
    if (relay.parsed()) config_apps.push_back(relay.relay);
    if (!o.config.empty()) apply_config_file(config_apps, o.config, r);
    Config c;
    c.mode = replay->parsed() || top.replay->parsed() || relay.replay->parsed() ? Mode::replay : Mode::live;
    c.replay_input = o.replay_input;
    c.log.journal_priority = r.log.journal_priority;
    c.relay = relay.parsed();
    detail::validate(o, c, r);
    if (top.parsed()) detail::validate_top(top_options, c, r.errors);
    if (relay.parsed()) detail::validate_relay(relay_options, c, r.errors, r.warnings);
    if (!c.metrics_listen.empty() && (c.relay || c.top))
        r.errors.push_back(
            "--metrics-listen is for plain runs: rtwatch relay serves /metrics on --listen already, "
            "and rtwatch top has none; drop --metrics-listen");
    if (o.log_format == "json" || o.log_format == "text") r.log.format = c.log.format;
    if (!r.errors.empty()) {
        r.exit_code = to_int(ExitCode::usage);
        return r;
    }
    r.log = c.log;
    r.config = std::move(c);
    return r;
}

}  // namespace rtwatch::app
