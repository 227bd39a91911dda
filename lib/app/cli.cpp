// Option definitions (CLI11) and their validation. Values are taken as
// strings and checked afterwards, so one run reports every mistake at once.
#include "rtwatch/app/cli.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "rtwatch/app/version.hpp"
#include "rtwatch/filter/filter.hpp"

namespace rtwatch::app {

namespace {

// Raw option values before validation.
struct RawOptions {
    std::string api_url, auth_url, client_id, client_secret_arg, secret_file, scope, cacert;
    std::vector<std::string> queues, skills, agents, fields;
    std::string where, throttle = "0", duration, idle_timeout = "30s", max_backoff = "5s", token_grace = "60s";
    std::string output, record, log_format = "text", log_level, config;
    std::uint64_t count = 0;
    std::size_t max_event_size = 1 << 20;
    bool once = false, status = false, insecure = false, raw = false;
    int verbose = 0, quiet = 0;
    std::string replay_input = "-";
};

void define_options(CLI::App& app, RawOptions& o) {
    app.set_version_flag("--version", version_text);
    app.set_config("--config", "", "Read options from an INI/TOML file (key = value, one option per line)")
        ->envname("RTWATCH_CONFIG");

    auto up = "Upstream";
    app.add_option("--api-url", o.api_url, "Base URL of the real-time data service")
        ->type_name("URL")
        ->envname("RTWATCH_API_URL")
        ->group(up);
    app.add_option("--auth-url", o.auth_url, "Base URL of the token endpoint (default: --api-url)")
        ->type_name("URL")
        ->envname("RTWATCH_AUTH_URL")
        ->group(up);
    app.add_option("--client-id", o.client_id, "OAuth client id")
        ->type_name("ID")
        ->envname("RTWATCH_CLIENT_ID")
        ->group(up);
    app.add_option("--client-secret-file", o.secret_file,
                   "File holding the OAuth client secret (else RTWATCH_CLIENT_SECRET)")
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

    auto sel = "Selection";
    app.add_option("--queue", o.queues, "Queue id to watch (repeatable, or a comma list)")
        ->type_name("ID")
        ->delimiter(',')
        ->envname("RTWATCH_QUEUES")
        ->group(sel);
    app.add_option("--skill", o.skills, "Skill id to watch (repeatable, or a comma list)")
        ->type_name("ID")
        ->delimiter(',')
        ->envname("RTWATCH_SKILLS")
        ->group(sel);
    app.add_option("--agent", o.agents, "Agent id to watch (repeatable, or a comma list)")
        ->type_name("ID")
        ->delimiter(',')
        ->envname("RTWATCH_AGENTS")
        ->group(sel);
    app.add_option("--fields", o.fields, "Metrics to track and print, comma list (default: all)")
        ->type_name("NAME")
        ->delimiter(',')
        ->envname("RTWATCH_FIELDS")
        ->group(sel);
    app.add_option("--where", o.where, "Only records matching EXPR, e.g. 'waiting > 5 and availableAgents < 2'")
        ->type_name("EXPR")
        ->envname("RTWATCH_WHERE")
        ->group(sel);
    app.add_flag("--raw", o.raw, "Print every SSE event as {type,data,id} instead of metric records")->group(sel);

    auto pace = "Pacing and bounds";
    app.add_option("--throttle", o.throttle, "At most one record per resource per DURATION (0 = off)")
        ->type_name("DURATION")
        ->envname("RTWATCH_THROTTLE")
        ->group(pace);
    app.add_flag("--once", o.once, "Print the current snapshot, then exit")->group(pace);
    app.add_option("--count", o.count, "Exit after N records")->type_name("N")->group(pace);
    app.add_option("--duration", o.duration, "Exit after DURATION")->type_name("DURATION")->group(pace);
    app.add_option("--idle-timeout", o.idle_timeout, "Reconnect when no bytes arrive for DURATION (default 30s)")
        ->type_name("DURATION")
        ->envname("RTWATCH_IDLE_TIMEOUT")
        ->group(pace);
    app.add_option("--max-backoff", o.max_backoff, "Longest wait between reconnects (default 5s)")
        ->type_name("DURATION")
        ->envname("RTWATCH_MAX_BACKOFF")
        ->group(pace);
    app.add_option("--max-event-size", o.max_event_size, "Largest SSE event accepted, in bytes (default 1048576)")
        ->type_name("BYTES")
        ->envname("RTWATCH_MAX_EVENT_SIZE")
        ->group(pace);

    auto out = "Output";
    app.add_option("-o,--output", o.output, "Append NDJSON to FILE instead of stdout (reopened on SIGHUP)")
        ->type_name("FILE")
        ->envname("RTWATCH_OUTPUT")
        ->group(out);
    app.add_option("--record", o.record, "Also append the raw stream bytes to FILE (for rtwatch replay)")
        ->type_name("FILE")
        ->envname("RTWATCH_RECORD")
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

std::optional<log::Level> level_named(std::string_view name) {
    if (name == "error") return log::Level::error;
    if (name == "warning" || name == "warn") return log::Level::warn;
    if (name == "info") return log::Level::info;
    if (name == "debug") return log::Level::debug;
    if (name == "trace") return log::Level::trace;
    return std::nullopt;
}

bool is_http_url(std::string_view url) { return url.starts_with("http://") || url.starts_with("https://"); }

void read_secret(const RawOptions& o, Config& c, CliOutcome& r) {
    const char* env = std::getenv("RTWATCH_CLIENT_SECRET");
    std::string env_secret = env ? env : "";
    if (!o.client_secret_arg.empty()) log::add_secret(o.client_secret_arg);
    if (!env_secret.empty()) log::add_secret(env_secret);
    if (o.secret_file.empty()) {
        c.client_secret = env_secret;
        return;
    }
    if (!env_secret.empty()) {
        r.errors.push_back("both RTWATCH_CLIENT_SECRET and --client-secret-file are set: keep one");
        return;
    }
    struct stat st {};
    std::ifstream in(o.secret_file);
    if (!in || ::stat(o.secret_file.c_str(), &st) != 0) {
        r.errors.push_back(
            fmt::format("--client-secret-file: cannot read '{}': check the path and its permissions", o.secret_file));
        return;
    }
    if (st.st_mode & (S_IRGRP | S_IROTH))
        r.warnings.push_back(
            fmt::format("the secret file '{}' is readable by group or others: chmod 600 it", o.secret_file));
    std::stringstream ss;
    ss << in.rdbuf();
    std::string secret = ss.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.empty()) r.errors.push_back(fmt::format("--client-secret-file: '{}' is empty", o.secret_file));
    log::add_secret(secret);
    c.client_secret = std::move(secret);
}

void validate_upstream(const RawOptions& o, Config& c, CliOutcome& r) {
    auto& e = r.errors;
    require(o.client_secret_arg.empty(), e,
            "--client-secret is refused: a secret on the command line is visible in ps and shell history; "
            "put it in RTWATCH_CLIENT_SECRET or in a file passed with --client-secret-file (mode 0600)");
    read_secret(o, c, r);
    c.api_url = o.api_url;
    c.auth_url = o.auth_url.empty() ? o.api_url : o.auth_url;
    c.client_id = o.client_id;
    c.scope = o.scope.empty() ? c.scope : o.scope;
    c.cacert = o.cacert;
    c.insecure = o.insecure;
    if (c.mode != Mode::live) return;
    require(!c.api_url.empty(), e, "no upstream: set --api-url or RTWATCH_API_URL");
    require(c.api_url.empty() || is_http_url(c.api_url), e,
            fmt::format("--api-url '{}' is not an http:// or https:// URL", c.api_url));
    require(o.auth_url.empty() || is_http_url(o.auth_url), e,
            fmt::format("--auth-url '{}' is not an http:// or https:// URL", o.auth_url));
    require(!c.client_id.empty(), e, "no client id: set --client-id or RTWATCH_CLIENT_ID");
    require(!c.client_secret.empty() || !o.client_secret_arg.empty() || !o.secret_file.empty(), e,
            "no client secret: set RTWATCH_CLIENT_SECRET or pass --client-secret-file FILE");
    if (c.insecure)
        r.warnings.push_back(
            "--insecure: TLS certificates are NOT verified; anyone on the path can read the token "
            "and forge data. Use --cacert FILE instead.");
    if (o.queues.empty() && o.skills.empty() && o.agents.empty())
        r.warnings.push_back(
            "no --queue, --skill or --agent: streaming every resource, which can be a very large "
            "stream; select what you need");
}

void validate(const RawOptions& o, Config& c, CliOutcome& r) {
    auto& e = r.errors;
    validate_upstream(o, c, r);
    take_duration(o.token_grace, "--token-grace", c.token_grace, e);
    c.queues = o.queues;
    c.skills = o.skills;
    c.agents = o.agents;
    c.fields = o.fields;
    c.where = o.where;
    if (!c.where.empty()) {
        auto w = filter::Where::parse(c.where);
        if (!w) e.push_back(w.error().message);
    }
    c.raw = o.raw;
    take_duration(o.throttle, "--throttle", c.throttle, e);
    take_duration(o.idle_timeout, "--idle-timeout", c.idle_timeout, e);
    take_duration(o.max_backoff, "--max-backoff", c.max_backoff, e);
    require(c.idle_timeout.count() > 0, e, "--idle-timeout must be more than 0 (e.g. 30s)");
    if (!o.duration.empty()) {
        Millis d{0};
        take_duration(o.duration, "--duration", d, e);
        c.duration = d;
    }
    c.once = o.once;
    c.count = o.count;
    c.max_event_size = o.max_event_size;
    require(c.max_event_size >= 1024, e, "--max-event-size must be at least 1024 bytes");
    c.output = o.output;
    c.record = o.record;
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

CliOutcome parse_command_line(int argc, const char* const* argv) {
    CliOutcome r;
    RawOptions o;
    CLI::App app{"rtwatch: stream changed contact-center metrics as NDJSON", "rtwatch"};
    app.get_formatter()->column_width(34);
    define_options(app, o);
    auto* replay =
        app.add_subcommand("replay", "Run the pipeline over a recorded raw SSE stream (FILE, or - for stdin)");
    replay->add_option("input", o.replay_input, "Recorded stream (default -)");
    replay->fallthrough();
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        r.stdout_text = app.help();
        return r;
    } catch (const CLI::CallForAllHelp&) {
        r.stdout_text = app.help("", CLI::AppFormatMode::All);
        return r;
    } catch (const CLI::CallForVersion&) {
        r.stdout_text = version_text();
        return r;
    } catch (const CLI::ParseError& err) {
        r.errors.push_back(fmt::format("{} (see rtwatch --help)", err.what()));
        r.exit_code = to_int(ExitCode::usage);
        return r;
    }
    Config c;
    c.mode = replay->parsed() ? Mode::replay : Mode::live;
    c.replay_input = o.replay_input;
    validate(o, c, r);
    if (!r.errors.empty()) {
        r.exit_code = to_int(ExitCode::usage);
        return r;
    }
    r.config = std::move(c);
    return r;
}

}  // namespace rtwatch::app
