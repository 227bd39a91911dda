// Query parameters to a viewer's selection. Every parameter is known by
// name; a value that the option of the same meaning would refuse is refused
// here too, naming the parameter.
#include "selection.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "rtwatch/core/duration.hpp"
#include "rtwatch/filter/filter.hpp"
#include "rtwatch/net/http_server.hpp"

namespace rtwatch::relay {

namespace {

constexpr std::size_t k_max_ids = 10'000;
// A viewer's where runs on every update the viewer may get: bounded so one
// viewer cannot buy the relay's CPU (the option has only the parser's bounds).
constexpr std::size_t k_max_where_bytes = 1024;
constexpr std::size_t k_max_where_comparisons = 32;
constexpr std::size_t k_max_where_depth = 8;

bool split_list(std::string_view value, std::vector<std::string>& into) {
    std::size_t start = 0;
    while (true) {
        auto comma = value.find(',', start);
        auto item = value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        if (item.empty()) return false;
        into.emplace_back(item);
        if (comma == std::string_view::npos) return true;
        start = comma + 1;
    }
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

bool ViewerSelection::wants(ResourceKind kind, std::string_view id) const {
    if (queues.empty() && skills.empty() && agents.empty()) return true;
    switch (kind) {
        case ResourceKind::queue:
            return contains(queues, id);
        case ResourceKind::skill:
            return contains(skills, id);
        case ResourceKind::agent:
            return contains(agents, id);
    }
    return false;
}

std::optional<ViewerSelection> parse_selection(std::string_view query, const app::Config& relay,
                                               SelectionError& error) {
    ViewerSelection s;
    auto fail = [&](std::string_view parameter, std::string message) {
        error = SelectionError{std::string(parameter), std::move(message)};
        return std::nullopt;
    };
    std::size_t start = 0;
    while (start <= query.size() && !query.empty()) {
        auto amp = query.find('&', start);
        auto pair = query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
        start = amp == std::string_view::npos ? query.size() + 1 : amp + 1;
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        std::string name = net::url_decode(pair.substr(0, eq));
        std::string value = eq == std::string_view::npos ? std::string() : net::url_decode(pair.substr(eq + 1));
        if (name == "queueId" || name == "skillId" || name == "agentId") {
            auto& into = name == "queueId" ? s.queues : name == "skillId" ? s.skills : s.agents;
            if (!split_list(value, into))
                return fail(name, fmt::format("{}: an empty id; give ids, comma-separated", name));
            if (into.size() > k_max_ids) return fail(name, fmt::format("{}: more than {} ids", name, k_max_ids));
        } else if (name == "fields") {
            if (!split_list(value, s.fields))
                return fail(name, "fields: an empty name; give metric names, comma-separated");
            if (!relay.fields.empty())
                for (const auto& f : s.fields)
                    if (!contains(relay.fields, f))
                        return fail(name, fmt::format("fields: '{}' is not tracked by this relay (its --fields: {})", f,
                                                      fmt::join(relay.fields, ",")));
        } else if (name == "where") {
            if (value.size() > k_max_where_bytes)
                return fail(name, fmt::format("where: {} bytes; a viewer's expression may have at most {}",
                                              value.size(), k_max_where_bytes));
            auto w = filter::Where::parse(value);
            if (!w) return fail(name, fmt::format("where: {}", w.error().message));
            const auto cost = w->cost();
            if (cost.comparisons > k_max_where_comparisons)
                return fail(name, fmt::format("where: {} comparisons; a viewer's expression may have at most {}",
                                              cost.comparisons, k_max_where_comparisons));
            if (cost.depth > k_max_where_depth)
                return fail(name, fmt::format("where: nested {} deep; a viewer's expression may nest at most {}",
                                              cost.depth, k_max_where_depth));
            s.where = value;
        } else if (name == "throttle") {
            auto d = parse_duration(value);
            if (!d) return fail(name, fmt::format("throttle: {}", d.error().message));
            s.throttle = *d;
        } else if (name == "levelsOnly") {
            if (value.empty() || value == "1" || value == "true")
                s.levels_only = true;
            else if (value == "0" || value == "false")
                s.levels_only = false;
            else
                return fail(name, fmt::format("levelsOnly '{}': use true or false", value));
        } else {
            return fail(name, fmt::format("unknown parameter '{}'; use queueId, skillId, agentId, fields, where, "
                                          "throttle or levelsOnly",
                                          name));
        }
    }
    return s;
}

app::Config stage_config(const ViewerSelection& selection) {
    app::Config c;
    c.queues = selection.queues;
    c.skills = selection.skills;
    c.agents = selection.agents;
    c.fields = selection.fields;
    c.where = selection.where;
    c.throttle = selection.throttle;
    return c;
}

}  // namespace rtwatch::relay
