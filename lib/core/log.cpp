// The process-wide logger. Each message is one write(2), so lines from
// rtwatch never interleave with each other on stderr.
#include "rtwatch/core/log.hpp"

#include <unistd.h>

#include <cerrno>
#include <vector>

#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/time_format.hpp"

namespace rtwatch::log {

namespace {

Options g_options;
std::vector<std::string> g_secrets;

constexpr std::string_view k_level_names[] = {"error", "warning", "info", "debug", "trace"};

std::string redact(std::string_view message) {
    std::string out(message);
    for (const auto& secret : g_secrets) {
        for (size_t pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos + 3))
            out.replace(pos, secret.size(), "***");
    }
    return out;
}

void write_all(int fd, std::string_view s) {
    while (!s.empty()) {
        ssize_t n = ::write(fd, s.data(), s.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // stderr gone: nothing sensible left to report to
        s.remove_prefix(static_cast<size_t>(n));
    }
}

}  // namespace

void configure(const Options& options) { g_options = options; }
const Options& options() { return g_options; }
bool enabled(Level level) { return level <= g_options.level; }

void add_secret(std::string secret) {
    if (secret.size() >= 4) g_secrets.push_back(std::move(secret));
}

void write(Level level, std::string_view message) {
    if (!enabled(level)) return;
    std::string clean = redact(message);
    auto name = k_level_names[static_cast<int>(level)];
    std::string line;
    if (g_options.format == Format::json) {
        line = "{\"ts\":\"";
        append_rfc3339_ms(line, WallClock::now());
        line += "\",\"level\":\"";
        line += name;
        line += "\",\"msg\":";
        append_json_string(line, clean);
        line += "}\n";
    } else {
        line = fmt::format("{}: {}: {}\n", g_options.program, name, clean);
    }
    write_all(g_options.fd, line);
}

}  // namespace rtwatch::log
