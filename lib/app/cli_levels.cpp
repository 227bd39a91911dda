// --level, --levels-only and the --exec options: definitions, the
// RTWATCH_LEVELS form, and their checks (every bad spec reported with the rest).
#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli_parts.hpp"
#include "rtwatch/core/duration.hpp"
#include "rtwatch/levels/spec.hpp"

namespace rtwatch::app::detail {

namespace {

void require(bool ok, std::vector<std::string>& errors, std::string message) {
    if (!ok) errors.push_back(std::move(message));
}

void take_duration(const std::string& text, std::string_view option, Millis& out, std::vector<std::string>& errors) {
    if (auto d = parse_duration(text))
        out = *d;
    else
        errors.push_back(fmt::format("{}: {}", option, d.error().message));
}

}  // namespace

void define_level_options(CLI::App& app, LevelOptions& o) {
    auto lv = "Levels and alerts";
    // One value per occurrence, as for the other list options.
    app.add_option("--level", o.specs,
                   "Green/yellow/red levels for a metric, e.g. 'waiting: yellow >= 5, red >= 10, clear 2' "
                   "(repeatable; or RTWATCH_LEVELS, specs separated by ;)")
        ->allow_extra_args(false)
        ->type_name("SPEC")
        ->group(lv);
    app.add_flag("--levels-only", o.levels_only, "Write only level records (and status records with --status)")
        ->envname("RTWATCH_LEVELS_ONLY")
        ->group(lv);
    app.add_option("--exec", o.exec,
                   "Run CMD with /bin/sh -c for each level record and each outage, recovery and end of the "
                   "upstream (the record on stdin, RTWATCH_* set)")
        ->type_name("CMD")
        ->envname("RTWATCH_EXEC")
        ->group(lv);
    app.add_option("--exec-jobs", o.exec_jobs, "At most N hooks at once; the rest wait, latest per metric (default 4)")
        ->type_name("N")
        ->envname("RTWATCH_EXEC_JOBS")
        ->group(lv);
    app.add_option("--exec-timeout", o.exec_timeout, "End a hook with SIGTERM after DURATION (default 30s)")
        ->type_name("DURATION")
        ->envname("RTWATCH_EXEC_TIMEOUT")
        ->group(lv);
}

void validate_levels(const LevelOptions& o, Config& c, std::vector<std::string>& e) {
    c.levels = levels::parse_level_specs(o.specs, e);
    c.levels_only = o.levels_only;
    c.exec = o.exec;
    take_duration(o.exec_timeout, "--exec-timeout", c.exec_timeout, e);
    require(c.exec_timeout.count() > 0, e, "--exec-timeout must be more than 0 (e.g. 30s)");
    auto jobs = parse_count(o.exec_jobs, e, "--exec-jobs");
    if (jobs) c.exec_jobs = *jobs;
    require(!jobs || *jobs <= 256, e, "--exec-jobs: at most 256 hooks can run at once");
    require(!c.levels_only || !o.specs.empty(), e,
            "--levels-only writes level records only, and no --level is given: add --level SPEC");
    require(!c.raw || o.specs.empty(), e,
            "--raw prints every event undecoded: it cannot be combined with --level; drop one");
    require(!c.raw || c.exec.empty(), e, "--raw passes events on undecoded: --exec has nothing to run for; drop one");
    // --fields drops untracked metrics before the levels stage sees them.
    for (const auto& spec : c.levels)
        require(c.fields.empty() || std::find(c.fields.begin(), c.fields.end(), spec.metric) != c.fields.end(), e,
                fmt::format("--level {}: the metric is not in --fields, so its level could never be known: "
                            "add {} to --fields",
                            spec.metric, spec.metric));
}

// RTWATCH_LEVELS stands in for --level when the command line has none, and
// then the config file's `level` lines are not used (the environment wins).
void apply_levels_env(CLI::App& app) {
    const char* env = std::getenv("RTWATCH_LEVELS");
    CLI::Option* opt = app.get_option_no_throw("--level");
    if (!env || !*env || !opt || opt->count() > 0) return;
    auto specs = levels::split_level_specs(env);
    if (specs.empty()) return;
    opt->add_result(specs);
    opt->run_callback();
}

}  // namespace rtwatch::app::detail
