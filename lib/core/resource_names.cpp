// --names FILE: parsing the CSV and looking names up.
#include "rtwatch/core/resource_names.hpp"

#include <fstream>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "rtwatch/core/text.hpp"

namespace rtwatch {

namespace {

constexpr std::size_t k_max_file_bytes = 16 << 20;
constexpr std::size_t k_max_name_bytes = 200;

std::optional<ResourceKind> kind_of(std::string_view text) {
    if (text == "queue") return ResourceKind::queue;
    if (text == "skill") return ResourceKind::skill;
    if (text == "agent") return ResourceKind::agent;
    return std::nullopt;
}

// One field: trimmed, and unquoted when it is "quoted" (a "" inside is a ").
std::optional<std::string> field(std::string_view text) {
    text = trim(text);
    if (text.size() < 2 || text.front() != '"' || text.back() != '"') {
        if (text.find('"') != std::string_view::npos) return std::nullopt;
        return std::string(text);
    }
    std::string out;
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
        if (text[i] == '"') {
            if (i + 2 >= text.size() || text[i + 1] != '"') return std::nullopt;
            ++i;
        }
        out += text[i];
    }
    return out;
}

// Splits at commas outside quotes.
std::vector<std::string_view> split_csv(std::string_view line) {
    std::vector<std::string_view> parts;
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '"') quoted = !quoted;
        if (line[i] == ',' && !quoted) {
            parts.push_back(line.substr(start, i - start));
            start = i + 1;
        }
    }
    parts.push_back(line.substr(start));
    return parts;
}

Error bad_line(std::string_view path, std::size_t number, std::string_view why) {
    return make_error(ExitCode::usage, fmt::format("--names {}:{}: {}; each line is kind,id,name with kind queue, "
                                                   "skill or agent (e.g. queue,queue-0001,Billing)",
                                                   path, number, why));
}

}  // namespace

Result<ResourceNames> ResourceNames::parse(std::string_view text, std::string_view path) {
    ResourceNames names;
    std::size_t number = 0;
    while (!text.empty()) {
        auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
        if (trim(line).empty() || trim(line).starts_with('#')) continue;
        auto parts = split_csv(line);
        if (parts.size() != 3) return bad_line(path, number, fmt::format("{} fields where 3 belong", parts.size()));
        auto kind_text = field(parts[0]), id = field(parts[1]), name = field(parts[2]);
        if (!kind_text || !id || !name) return bad_line(path, number, "a quote is not closed or doubled");
        if (number == 1 && *kind_text == "kind" && *id == "id") continue;  // a header
        auto kind = kind_of(*kind_text);
        if (!kind) return bad_line(path, number, fmt::format("unknown kind '{}'", *kind_text));
        if (id->empty()) return bad_line(path, number, "the id is empty");
        if (name->empty()) return bad_line(path, number, "the name is empty");
        if (name->size() > k_max_name_bytes)
            return bad_line(path, number, fmt::format("the name is longer than {} bytes", k_max_name_bytes));
        if (!names.m_names.emplace(key(*kind, *id), *name).second)
            return bad_line(path, number, fmt::format("{} {} is named twice", *kind_text, *id));
    }
    return names;
}

Result<ResourceNames> ResourceNames::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return make_error(ExitCode::usage,
                          fmt::format("--names {}: cannot open it; give a readable CSV of kind,id,name", path));
    std::string text;
    char chunk[65536];
    while (text.size() <= k_max_file_bytes && in.read(chunk, sizeof chunk).gcount() > 0)
        text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (text.size() > k_max_file_bytes)
        return make_error(ExitCode::usage, fmt::format("--names {}: larger than 16 MiB; keep it to the resources "
                                                       "shown",
                                                       path));
    return parse(text, path);
}

std::string ResourceNames::key(ResourceKind kind, std::string_view id) {
    std::string out(kind_name(kind));
    out += '/';
    out += id;
    return out;
}

std::string_view ResourceNames::find(ResourceKind kind, std::string_view id) const {
    auto it = m_names.find(key(kind, id));
    return it == m_names.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace rtwatch
