// Where a Genesys Cloud organisation lives (hosts per region domain) and
// which topics go on which channel: at most 1,000 per channel, at most 20
// channels per OAuth client; more is refused with the numbers.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rtwatch/core/result.hpp"

namespace rtwatch::genesys {

inline constexpr std::size_t k_topics_per_channel = 1000;
inline constexpr std::size_t k_max_channels = 20;

struct Hosts {
    std::string auth_url;    // https://login.<domain> (the token is at /oauth/token)
    std::string api_url;     // https://api.<domain>
    std::string stream_url;  // wss://streaming.<domain> (connectUri comes from the channel)
};
Hosts hosts_for_region(std::string_view domain);
// Empty when `domain` looks like a host name; else why not.
std::string region_problem(std::string_view domain);

std::string queue_topic(std::string_view queue_id);  // v2.analytics.queues.{id}.observations
std::string agent_topic(std::string_view user_id);   // v2.users.{id}.activity

// The topics of the selection, queues first, each once.
std::vector<std::string> topics_for(std::span<const std::string> queues, std::span<const std::string> agents);

// Topics over as few channels as hold them. ExitCode::usage, with the
// numbers, when they need more than `max_channels`.
Result<std::vector<std::vector<std::string>>> plan_channels(std::span<const std::string> topics,
                                                            std::size_t per_channel = k_topics_per_channel,
                                                            std::size_t max_channels = k_max_channels);

}  // namespace rtwatch::genesys
