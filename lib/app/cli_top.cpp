// `rtwatch top` options. Every other option is the main command's: the
// subcommand falls through to it, so `rtwatch top --queue q1` reads as
// `rtwatch --queue q1` shown on the terminal.
#include "cli_top.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "rtwatch/top/render.hpp"

namespace rtwatch::app::detail {

namespace {

constexpr const char* k_top_about = "Show the selected resources live on the terminal (q quits)";
constexpr const char* k_top_replay_about = "Show a recorded raw SSE stream (FILE, or - for stdin) on the terminal";
constexpr Millis k_min_refresh{200};
constexpr Millis k_max_refresh{10'000};

void define_top_options(CLI::App& app, TopRawOptions& o) {
    auto view = "Terminal view";
    app.add_option("--refresh", o.refresh, "Redraw every DURATION, 0.2s to 10s (default 1s)")
        ->type_name("DURATION")
        ->group(view);
    app.add_option("--color", o.color, "never, always or auto (default: auto, off when NO_COLOR is set)")
        ->type_name("WHEN")
        ->group(view);
    app.add_option("--names", o.names, "Show names from a CSV of kind,id,name beside the ids (reread on SIGHUP)")
        ->type_name("FILE")
        ->group(view);
}

std::optional<top::ColorMode> color_mode(const std::string& text) {
    if (text == "auto") return top::ColorMode::automatic;
    if (text == "never") return top::ColorMode::never;
    if (text == "always") return top::ColorMode::always;
    return std::nullopt;
}

void take_refresh(const std::string& text, Config& c, std::vector<std::string>& errors) {
    auto d = parse_duration(text);
    if (!d) return errors.push_back(fmt::format("--refresh: {}", d.error().message));
    if (*d < k_min_refresh || *d > k_max_refresh)
        return errors.push_back(
            fmt::format("--refresh '{}': use a duration from 0.2s to 10s, e.g. --refresh 1s", text));
    c.refresh = *d;
}

}  // namespace

TopCommand define_top(CLI::App& app, TopRawOptions& o, std::string& replay_input) {
    TopCommand command;
    command.top = app.add_subcommand("top", k_top_about);
    define_top_options(*command.top, o);
    command.top->fallthrough();
    command.replay = command.top->add_subcommand("replay", k_top_replay_about);
    command.replay->add_option("input", replay_input, "Recorded stream (default -)")->type_name("FILE");
    command.replay->fallthrough();
    return command;
}

std::string top_help(const TopCommand& command) {
    TopRawOptions scratch;
    const bool replay = command.replay->parsed();
    CLI::App help{replay ? k_top_replay_about : k_top_about, replay ? "rtwatch top replay" : "rtwatch top"};
    help.get_formatter()->column_width(34);
    std::string input;
    if (replay) help.add_option("input", input, "Recorded stream (default -)")->type_name("FILE");
    define_top_options(help, scratch);
    help.footer(
        "Every rtwatch option that selects (--queue, --skill, --agent, --fields, --where),\n"
        "sets levels (--level: a line takes the colour of its worst level) or reaches\n"
        "the upstream applies too; rtwatch top replay FILE shows a capture.\n"
        "Keys: q quit, p pause, s/S sort column/direction, / filter, arrows and\n"
        "PgUp/PgDn scroll, ^L repaint. See man rtwatch-top.");
    return help.help();
}

std::optional<std::string> top_refusal(bool stdout_is_terminal) {
    if (stdout_is_terminal) return std::nullopt;
    return "rtwatch top draws on a terminal, and stdout is not one; use plain rtwatch (NDJSON) for pipes and files";
}

void validate_top(const TopRawOptions& o, Config& c, std::vector<std::string>& errors) {
    c.top = true;
    take_refresh(o.refresh, c, errors);
    c.names_file = o.names;
    auto mode = color_mode(o.color);
    if (!mode) errors.push_back(fmt::format("--color '{}': use never, always or auto", o.color));
    const char* no_color = std::getenv("NO_COLOR");
    c.top_color = top::use_color(mode.value_or(top::ColorMode::automatic),
                                 no_color ? std::optional<std::string_view>(no_color) : std::nullopt, true);
    auto refuse = [&](bool given, std::string_view option) {
        if (given)
            errors.push_back(fmt::format(
                "{} is for NDJSON output and rtwatch top draws on the terminal: use plain rtwatch {}", option, option));
    };
    refuse(c.raw, "--raw");
    refuse(!c.output.empty(), "--output");
    refuse(c.once, "--once");
}

}  // namespace rtwatch::app::detail
