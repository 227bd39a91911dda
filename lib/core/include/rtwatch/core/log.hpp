// Diagnostics to stderr: "rtwatch: error: ..." for people, one JSON object
// per line for machines. Every message is sanitized before it is written:
// registered secrets, bearer/basic credentials and URL passwords masked,
// control bytes and invalid UTF-8 escaped, one line, capped in length. That
// is a last line of defence behind never formatting secrets in the first
// place, and it keeps server text from forging or garbling log lines.
#pragma once

#include <cstddef>
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
    bool journal_priority = false;  // text lines start with <N> (sd-daemon(3)): stderr is the journal
};

void configure(const Options& options);
bool enabled(Level level);

// Secrets that no message may show: any later occurrence prints "***".
// A lasting secret (the client secret, the Basic credential) is kept for the
// whole run; of rotating ones (access tokens) the newest k_rotating_secrets
// are kept, so a long run with many refreshes does not grow the list.
// Secrets shorter than 4 bytes are not registered (they would mask words).
enum class SecretKind { lasting, rotating };
inline constexpr std::size_t k_rotating_secrets = 8;
void add_secret(std::string secret, SecretKind kind = SecretKind::lasting);
void clear_secrets();  // for tests

// A message longer than this (after escaping) is cut, saying how much was cut.
inline constexpr std::size_t k_max_message = 4096;

// The message as a text log line shows it: secrets masked (see above, plus
// "Bearer X", "Basic X" and the password of a URL), control bytes escaped
// (\n, \r, \t, \xNN; ESC, so no ANSI sequence survives), C1 controls as
// \u00NN, invalid UTF-8 bytes as \xNN, at most k_max_message bytes.
std::string sanitize(std::string_view message);
// Only the masking and the cap, for JSON lines (JSON escaping does the rest).
std::string redact_and_cap(std::string_view message);

// True when `journal_stream` (the value of JOURNAL_STREAM, "device:inode")
// names the file open on `fd`: systemd connected it to the journal.
bool is_journal_stream(std::string_view journal_stream, int fd);

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
