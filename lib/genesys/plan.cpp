// Hosts from the region domain, topic names, and the split over channels.
#include "rtwatch/genesys/plan.hpp"

#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

namespace rtwatch::genesys {

Hosts hosts_for_region(std::string_view domain) {
    std::string d(domain);
    return Hosts{"https://login." + d, "https://api." + d, "wss://streaming." + d};
}

std::string region_problem(std::string_view domain) {
    if (domain.empty()) return "--region: empty; give a domain such as mypurecloud.com or euw2.pure.cloud";
    bool ok = domain.find('.') != std::string_view::npos && domain.front() != '.' && domain.back() != '.';
    for (char c : domain) {
        bool host_char =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
        ok = ok && host_char;
    }
    if (ok) return {};
    return fmt::format(
        "--region '{}': not a domain; give one such as mypurecloud.com, mypurecloud.ie or usw2.pure.cloud "
        "(not a URL: use --api-url, --auth-url and --stream-url for those)",
        domain);
}

std::string queue_topic(std::string_view queue_id) {
    return fmt::format("v2.analytics.queues.{}.observations", queue_id);
}
std::string agent_topic(std::string_view user_id) { return fmt::format("v2.users.{}.activity", user_id); }

std::vector<std::string> topics_for(std::span<const std::string> queues, std::span<const std::string> agents) {
    std::vector<std::string> out;
    std::unordered_set<std::string> seen;
    auto add = [&](std::string t) {
        if (seen.insert(t).second) out.push_back(std::move(t));
    };
    for (const auto& q : queues) add(queue_topic(q));
    for (const auto& a : agents) add(agent_topic(a));
    return out;
}

Result<std::vector<std::vector<std::string>>> plan_channels(std::span<const std::string> topics,
                                                            std::size_t per_channel, std::size_t max_channels) {
    per_channel = std::max<std::size_t>(per_channel, 1);
    std::size_t needed = (topics.size() + per_channel - 1) / per_channel;
    if (needed > max_channels)
        return make_error(ExitCode::usage,
                          fmt::format("{} topics need {} channels of at most {} topics, but Genesys Cloud allows {} "
                                      "channels per OAuth client (a 21st evicts the oldest): select at most {} queues "
                                      "and agents together",
                                      topics.size(), needed, per_channel, max_channels, per_channel * max_channels));
    std::vector<std::vector<std::string>> channels;
    for (std::size_t i = 0; i < topics.size(); i += per_channel)
        channels.emplace_back(topics.begin() + static_cast<std::ptrdiff_t>(i),
                              topics.begin() + static_cast<std::ptrdiff_t>(std::min(topics.size(), i + per_channel)));
    return channels;
}

}  // namespace rtwatch::genesys
