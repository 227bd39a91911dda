// The `rtwatch top` subcommand on the command line: its own options
// (--refresh, --color, --names), `rtwatch top replay FILE`, and the checks that only
// make sense for a full-screen view.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "rtwatch/app/config.hpp"

namespace rtwatch::app::detail {

struct TopRawOptions {
    std::string refresh = "1s";
    std::string color = "auto";
    std::string names;
};

struct TopCommand {
    CLI::App* top = nullptr;
    CLI::App* replay = nullptr;  // `rtwatch top replay FILE`
    bool parsed() const { return top->parsed(); }
};

// `replay_input` is shared with `rtwatch replay`: both name the capture.
TopCommand define_top(CLI::App& app, TopRawOptions& o, std::string& replay_input);
std::string top_help(const TopCommand& command);

// Run before anything else: a view on a pipe would only garble it.
std::optional<std::string> top_refusal(bool stdout_is_terminal);

// After the common checks: --refresh's range, --color, and the options
// that write NDJSON, which have no place on a terminal view.
void validate_top(const TopRawOptions& o, Config& c, std::vector<std::string>& errors);

}  // namespace rtwatch::app::detail
