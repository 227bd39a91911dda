// Bounded RapidJSON parsing, typed lookups, and the observation group shape
// shared by notifications and the observations query.
#include "json_read.hpp"

#include <fmt/format.h>
#include <rapidjson/error/en.h>

namespace rtwatch::genesys::detail {

bool parse_bounded(std::string_view text, std::size_t max_bytes, rapidjson::Document& doc, std::string& why) {
    if (text.size() > max_bytes) {
        why = fmt::format("{} bytes, more than the {} accepted", text.size(), max_bytes);
        return false;
    }
    constexpr unsigned k_flags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
    doc.Parse<k_flags>(text.data(), text.size());
    if (doc.HasParseError()) {
        why = fmt::format("not JSON ({} at offset {})", rapidjson::GetParseError_En(doc.GetParseError()),
                          doc.GetErrorOffset());
        return false;
    }
    return true;
}

const Value* member(const Value& v, std::string_view name) {
    if (!v.IsObject()) return nullptr;
    const Value* found = nullptr;  // of duplicate names the last wins
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it)
        if (std::string_view(it->name.GetString(), it->name.GetStringLength()) == name) found = &it->value;
    return found;
}

std::optional<std::string_view> string_member(const Value& v, std::string_view name) {
    const Value* m = member(v, name);
    if (!m || !m->IsString()) return std::nullopt;
    return std::string_view(m->GetString(), m->GetStringLength());
}

std::optional<double> number_member(const Value& v, std::string_view name) {
    const Value* m = member(v, name);
    if (!m || !m->IsNumber()) return std::nullopt;
    return m->GetDouble();
}

namespace {

// [{metric, qualifier?, stats:{count}}] into `out`; entries without a
// metric name or a count are skipped (a count is what we report).
void read_metrics(const Value& metrics, QueueObservation& out) {
    if (!metrics.IsArray()) return;
    for (const auto& m : metrics.GetArray()) {
        auto name = string_member(m, "metric");
        const Value* stats = member(m, "stats");
        auto count = stats ? number_member(*stats, "count") : std::nullopt;
        if (!name || name->empty() || !count) continue;
        MetricCount c;
        c.metric = std::string(*name);
        c.qualifier = std::string(string_member(m, "qualifier").value_or(""));
        c.count = *count;
        out.metrics.push_back(std::move(c));
    }
}

}  // namespace

bool read_observation_group(const Value& body, std::string_view topic_queue, std::vector<QueueObservation>& out,
                            std::size_t& aggregates_skipped) {
    const Value* group = member(body, "group");
    const Value* data = member(body, "data");
    if (!data || !data->IsArray()) return false;
    QueueObservation obs;
    if (group) {
        obs.queue_id = std::string(string_member(*group, "queueId").value_or(""));
        obs.media_type = std::string(string_member(*group, "mediaType").value_or(""));
    }
    if (obs.queue_id.empty()) obs.queue_id = std::string(topic_queue);
    if (obs.queue_id.empty()) return false;
    for (const auto& entry : data->GetArray()) {
        if (!entry.IsObject()) return false;
        if (const Value* metrics = member(entry, "metrics")) {
            // A notification: {interval, metrics:[...]}; only observations count.
            auto interval = string_member(entry, "interval");
            if (interval && !zero_length_interval(*interval)) {
                ++aggregates_skipped;
                continue;
            }
            // The observation's own time: its interval's end.
            if (interval) obs.time = std::string(interval->substr(interval->find('/') + 1));
            read_metrics(*metrics, obs);
        } else if (member(entry, "metric")) {
            // A query result lists the metrics themselves.
            auto name = string_member(entry, "metric");
            const Value* stats = member(entry, "stats");
            auto count = stats ? number_member(*stats, "count") : std::nullopt;
            if (name && !name->empty() && count)
                obs.metrics.push_back(MetricCount{std::string(*name),
                                                  std::string(string_member(entry, "qualifier").value_or("")), *count});
        }
    }
    out.push_back(std::move(obs));
    return true;
}

}  // namespace rtwatch::genesys::detail
