// Diagnostics to stderr: "rtwatch: error: ..." for people, one JSON object
// per line for machines. Registered secrets are masked in every message, a
// last line of defence behind never formatting them in the first place.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace rtwatch::log {

enum class Level { error = 0, warn = 1, info = 2, debug = 3, trace = 4 };
enum class Format { text, json };

struct Options {
    Level level = Level::warn;
    Format format = Format::text;
    int fd = 2;
    std::string program = "rtwatch";
};

void configure(const Options& options);
const Options& options();
bool enabled(Level level);
// Any later message containing `secret` prints "***" in its place.
void add_secret(std::string secret);
void write(Level level, std::string_view message);

template <class... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
    write(Level::error, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(Level::warn)) write(Level::warn, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(Level::info)) write(Level::info, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(Level::debug)) write(Level::debug, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void trace(fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(Level::trace)) write(Level::trace, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace rtwatch::log
