// Bounded JSON reading shared by the frame and REST decoders: a size cap,
// iterative parsing (no recursion on hostile nesting), validated UTF-8, and
// typed lookups that treat a missing or mistyped member as absent.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "rtwatch/genesys/frame.hpp"

namespace rtwatch::genesys::detail {

using Value = rapidjson::Value;

// nullopt and `why` set when `text` is not one bounded JSON value.
bool parse_bounded(std::string_view text, std::size_t max_bytes, rapidjson::Document& doc, std::string& why);

const Value* member(const Value& v, std::string_view name);
std::optional<std::string_view> string_member(const Value& v, std::string_view name);
std::optional<double> number_member(const Value& v, std::string_view name);

// The groups of an observations body: {group:{queueId, mediaType}, data:[...]}
// (a notification) or a query result {group, data:[{metric, qualifier, stats}]}.
// Appends to `out`; counts skipped aggregate intervals. False when the
// body's shape is wrong.
bool read_observation_group(const Value& group_and_data, std::string_view topic_queue,
                            std::vector<QueueObservation>& out, std::size_t& aggregates_skipped);

}  // namespace rtwatch::genesys::detail
