// The process-wide logger. Each message is one write(2), so lines from
// rtwatch never interleave with each other on stderr.
#include "rtwatch/core/log.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/time_format.hpp"

namespace rtwatch::log {

namespace {

Options g_options;

constexpr std::string_view k_level_names[] = {"error", "warning", "info", "debug", "trace"};
// sd-daemon(3) priorities: LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG (trace too).
constexpr std::string_view k_journal_prefixes[] = {"<3>", "<4>", "<6>", "<7>", "<7>"};

void write_all(int fd, std::string_view s) {
    while (!s.empty()) {
        ssize_t n = ::write(fd, s.data(), s.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // stderr gone: nothing sensible left to report to
        s.remove_prefix(static_cast<size_t>(n));
    }
}

bool parse_unsigned(std::string_view text, unsigned long long& out) {
    auto r = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && r.ec == std::errc() && r.ptr == text.data() + text.size();
}

}  // namespace

void configure(const Options& options) { g_options = options; }
bool enabled(Level level) { return level <= g_options.level; }

bool is_journal_stream(std::string_view journal_stream, int fd) {
    auto colon = journal_stream.find(':');
    unsigned long long dev = 0, ino = 0;
    if (colon == std::string_view::npos || !parse_unsigned(journal_stream.substr(0, colon), dev) ||
        !parse_unsigned(journal_stream.substr(colon + 1), ino))
        return false;
    struct stat st {};
    if (::fstat(fd, &st) != 0) return false;
    return static_cast<unsigned long long>(st.st_dev) == dev && static_cast<unsigned long long>(st.st_ino) == ino;
}

void write(Level level, std::string_view message) {
    if (!enabled(level)) return;
    auto index = static_cast<int>(level);
    std::string line;
    if (g_options.format == Format::json) {
        line = "{\"ts\":\"";
        append_rfc3339_ms(line, WallClock::now());
        line += "\",\"level\":\"";
        line += k_level_names[index];
        line += "\",\"msg\":";
        append_json_string(line, redact_and_cap(message));
        line += "}\n";
    } else {
        if (g_options.journal_priority) line = k_journal_prefixes[index];
        line += fmt::format("{}: {}: {}\n", g_options.program, k_level_names[index], sanitize(message));
    }
    write_all(g_options.fd, line);
}

}  // namespace rtwatch::log
