// Files rtwatch reads at start-up (config file, secret) read with a cap,
// and the config file's line grammar with its per-line errors.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "cli_parts.hpp"
#include "rtwatch/core/text.hpp"

namespace rtwatch::app::detail {

namespace {

// A quoted value at the start of `s`; `rest` is what follows the closing quote.
std::optional<std::string> unquote(std::string_view s, std::string_view& rest) {
    char quote = s.front();
    std::string out;
    for (size_t i = 1; i < s.size(); ++i) {
        char c = s[i];
        if (c == quote) {
            rest = s.substr(i + 1);
            return out;
        }
        if (quote == '"' && c == '\\' && i + 1 < s.size()) {
            char e = s[++i];
            out.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
            continue;
        }
        out.push_back(c);
    }
    return std::nullopt;
}

struct LineParse {
    std::vector<std::string> values;
    std::string error;
};

// [a, "b", 'c'] -> three values.
LineParse parse_list(std::string_view s) {
    LineParse p;
    s = trim(s.substr(1));
    while (!s.empty() && s.front() != ']') {
        std::string_view rest;
        if (s.front() == '"' || s.front() == '\'') {
            auto v = unquote(s, rest);
            if (!v) return {{}, "a quoted list element is not closed"};
            p.values.push_back(*v);
        } else {
            size_t end = s.find_first_of(",]");
            if (end == std::string_view::npos) end = s.size();
            p.values.emplace_back(trim(s.substr(0, end)));
            rest = s.substr(end);
        }
        s = trim(rest);
        if (!s.empty() && s.front() == ',') s = trim(s.substr(1));
    }
    if (s.empty()) return {{}, "a list has no closing ']'"};
    s = trim(s.substr(1));
    if (!s.empty() && s.front() != '#') return {{}, "text after the closing ']'"};
    return p;
}

LineParse parse_value(std::string_view s) {
    if (s.empty()) return {{}, "no value after '='"};
    if (s.front() == '[') return parse_list(s);
    if (s.front() == '"' || s.front() == '\'') {
        std::string_view rest;
        auto v = unquote(s, rest);
        if (!v) return {{}, fmt::format("the value's {} quote is not closed", s.front() == '"' ? "double" : "single")};
        rest = trim(rest);
        if (!rest.empty() && rest.front() != '#')
            return {{}, "text after the closing quote (quote the whole value, or leave it unquoted)"};
        return {{*v}, ""};
    }
    return {{std::string(s)}, ""};
}

}  // namespace

Result<std::string> read_capped(const std::string& path, std::size_t cap, std::string_view what) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return make_error(ExitCode::usage, fmt::format("cannot read {} '{}': {}: check the path and its permissions",
                                                       what, path, std::strerror(errno)));
    std::string text;
    char buf[8192];
    while (text.size() <= cap) {
        ssize_t n = ::read(fd, buf, std::min(sizeof buf, cap + 1 - text.size()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            ::close(fd);
            return make_error(ExitCode::usage,
                              fmt::format("cannot read {} '{}': {}: check the path", what, path, std::strerror(err)));
        }
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    if (text.size() > cap)
        return make_error(ExitCode::usage,
                          fmt::format("{} '{}' is larger than {} bytes: is it the right file?", what, path, cap));
    return text;
}

std::optional<std::string> closest_key(std::string_view key, const std::vector<ConfigKey>& keys) {
    const ConfigKey* best = nullptr;
    size_t best_distance = 0;
    for (const auto& k : keys) {
        size_t d = edit_distance(key, k.name);
        if (!best || d < best_distance) {
            best = &k;
            best_distance = d;
        }
    }
    // A typo or a near name, not a different word: at most half the key, and 3.
    if (!best || best_distance > std::min<size_t>(3, std::max<size_t>(1, key.size() / 2))) return std::nullopt;
    return best->name;
}

ConfigFile parse_config_text(std::string_view text, std::string_view path, const std::vector<ConfigKey>& keys) {
    ConfigFile file;
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    auto fail = [&](int line, std::string message) {
        file.errors.push_back(fmt::format("{}:{}: {}", path, line, std::move(message)));
    };
    int number = 0;
    for (size_t start = 0; start <= text.size();) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = trim(text.substr(start, end - start));
        start = end + 1;
        ++number;
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        if (line.front() == '[') {
            fail(number, fmt::format("section header '{}' is not supported: put every option at the top level, "
                                     "one 'name = value' per line",
                                     line.substr(0, 60)));
            continue;
        }
        size_t eq = line.find('=');
        if (eq == std::string_view::npos) {
            fail(number, "expected 'name = value' (an option name without dashes, e.g. 'queue = queue-0001')");
            continue;
        }
        std::string key(trim(line.substr(0, eq)));
        std::replace(key.begin(), key.end(), '_', '-');
        if (key.starts_with("--")) key.erase(0, 2);
        auto known = std::find_if(keys.begin(), keys.end(), [&](const ConfigKey& k) { return k.name == key; });
        if (key == "client-secret") {
            fail(number,
                 "a secret is not read from the config file: use client-secret-file, "
                 "RTWATCH_CLIENT_SECRET or $CREDENTIALS_DIRECTORY/client-secret");
            continue;
        }
        if (known == keys.end()) {
            auto near = closest_key(key, keys);
            fail(number,
                 near ? fmt::format("unknown option '{}': did you mean '{}'?", key.substr(0, 60), *near)
                      : fmt::format("unknown option '{}': see rtwatch --help for the options", key.substr(0, 60)));
            continue;
        }
        LineParse value = parse_value(trim(line.substr(eq + 1)));
        if (!value.error.empty()) {
            fail(number, fmt::format("{}: {}", key, value.error));
            continue;
        }
        auto earlier =
            std::find_if(file.entries.begin(), file.entries.end(), [&](const ConfigEntry& e) { return e.key == key; });
        if (earlier != file.entries.end() && !known->repeatable) {
            fail(number, fmt::format("{} is already set on line {}: keep one", key, earlier->line));
            continue;
        }
        if (earlier != file.entries.end())
            earlier->values.insert(earlier->values.end(), value.values.begin(), value.values.end());
        else
            file.entries.push_back(ConfigEntry{key, std::move(value.values), number});
    }
    return file;
}

}  // namespace rtwatch::app::detail
