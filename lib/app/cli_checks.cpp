// Value checks shared by the command line, the environment and the config
// file, and the early guess at the log format for reporting errors.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "cli_parts.hpp"

namespace rtwatch::app::detail {

std::vector<std::string> split_ids(const std::vector<std::string>& raw, std::string_view option,
                                   std::vector<std::string>& errors) {
    std::vector<std::string> ids;
    for (const auto& value : raw) {
        bool empty_seen = false;
        for (size_t start = 0; start <= value.size();) {
            size_t comma = value.find(',', start);
            if (comma == std::string::npos) comma = value.size();
            if (comma == start)
                empty_seen = true;
            else
                ids.emplace_back(value, start, comma - start);
            start = comma + 1;
        }
        if (empty_seen)
            errors.push_back(value.empty() ? fmt::format("{}: an empty id: give an id, or leave the option out", option)
                                           : fmt::format("{} '{}': an empty id between commas: remove the extra comma",
                                                         option, value));
    }
    return ids;
}

std::optional<std::string> url_problem(std::string_view url, std::string_view option) {
    for (size_t i = 0; i < url.size(); ++i) {
        auto c = static_cast<unsigned char>(url[i]);
        if (c <= 0x20 || c == 0x7f)
            return fmt::format(
                "{}: the URL has a control character or space at offset {}: "
                "check how it was set (quoting, a stray newline)",
                option, i);
    }
    if (!url.starts_with("http://") && !url.starts_with("https://"))
        return fmt::format("{} '{}' is not an http:// or https:// URL", option, url);
    if (url.find_first_not_of('/', url.find("://") + 3) == std::string_view::npos)
        return fmt::format("{} '{}' has no host", option, url);
    return std::nullopt;
}

std::optional<std::uint64_t> parse_count(const std::string& text, std::vector<std::string>& errors,
                                         std::string_view option) {
    if (text.empty()) return std::nullopt;
    std::uint64_t n = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), n);
    if (r.ec == std::errc() && r.ptr == text.data() + text.size() && n > 0) return n;
    if (option == "--count")
        errors.push_back(
            fmt::format("--count '{}': give a whole number of records, at least 1 "
                        "(leave --count out for no limit)",
                        text));
    else
        errors.push_back(fmt::format("{} '{}': give a whole number, at least 1", option, text));
    return std::nullopt;
}

void check_readable(const std::string& path, std::string_view option, std::vector<std::string>& errors) {
    if (path.empty() || ::access(path.c_str(), R_OK) == 0) return;
    errors.push_back(fmt::format("{}: cannot read '{}': {}: check the path and its permissions", option, path,
                                 std::strerror(errno)));
}

// RTWATCH_CLIENT_SECRET, else --client-secret-file, else the systemd
// credential $CREDENTIALS_DIRECTORY/client-secret.
std::string read_client_secret(const std::string& secret_file, std::vector<std::string>& errors,
                               std::vector<std::string>& warnings) {
    const char* env = std::getenv("RTWATCH_CLIENT_SECRET");
    std::string env_secret = env ? env : "";
    log::add_secret(env_secret);
    if (!secret_file.empty() && !env_secret.empty()) {
        errors.push_back("both RTWATCH_CLIENT_SECRET and --client-secret-file are set: keep one");
        return {};
    }
    if (!env_secret.empty()) return env_secret;
    std::string path = secret_file;
    std::string_view option = "--client-secret-file";
    if (path.empty()) {
        const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
        if (!dir || !*dir) return {};
        path = std::string(dir) + "/client-secret";
        if (::access(path.c_str(), F_OK) != 0) return {};  // no such credential: reported as no secret
        option = "$CREDENTIALS_DIRECTORY/client-secret";
    }
    auto text = read_capped(path, k_max_secret_bytes, "the secret file");
    if (!text) {
        errors.push_back(fmt::format("{}: {}", option, text.error().message));
        return {};
    }
    struct stat st {};
    if (!secret_file.empty() && ::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)))
        warnings.push_back(fmt::format("the secret file '{}' is readable by group or others: chmod 600 it", path));
    std::string secret = std::move(*text);
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    log::add_secret(secret);
    if (secret.empty()) {
        errors.push_back(fmt::format("{}: '{}' is empty", option, path));
        return {};
    }
    if (secret.find_first_of(std::string_view("\n\r\0", 3)) != std::string::npos) {
        errors.push_back(
            fmt::format("{}: '{}' holds more than one line or a NUL byte: is it the right file?", option, path));
        return {};
    }
    return secret;
}

void register_url_password(std::string_view url) {
    size_t scheme = url.find("://");
    if (scheme == std::string_view::npos) return;
    std::string_view authority = url.substr(scheme + 3, url.find_first_of("/?#", scheme + 3) - (scheme + 3));
    size_t at = authority.rfind('@');
    size_t colon = authority.find(':');
    if (at == std::string_view::npos || colon == std::string_view::npos || colon > at) return;
    log::add_secret(std::string(authority.substr(colon + 1, at - colon - 1)));
}

std::optional<log::Level> level_named(std::string_view name) {
    if (name == "error") return log::Level::error;
    if (name == "warning" || name == "warn") return log::Level::warn;
    if (name == "info") return log::Level::info;
    if (name == "debug") return log::Level::debug;
    if (name == "trace") return log::Level::trace;
    return std::nullopt;
}

std::optional<log::Format> log_format_from(int argc, const char* const* argv, const char* env_value) {
    std::optional<std::string_view> named;
    if (env_value && *env_value) named = env_value;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") break;
        if (arg == "--log-format" && i + 1 < argc)
            named = argv[++i];
        else if (arg.starts_with("--log-format="))
            named = arg.substr(std::strlen("--log-format="));
    }
    if (!named) return std::nullopt;
    if (*named == "json") return log::Format::json;
    if (*named == "text") return log::Format::text;
    return std::nullopt;
}

}  // namespace rtwatch::app::detail
