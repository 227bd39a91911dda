// Compares a record with the packed state of its resource. Usually nothing
// changed, which one byte-compare pass settles; otherwise metrics usually
// arrive in the same order every time, so the stored entries are walked in
// step with the record and a name search is the fallback, not the rule.
#include "rtwatch/diff/change_tracker.hpp"

#include "rtwatch/diff/packed_metrics.hpp"

namespace rtwatch::diff {

bool ChangeTracker::compare(const Record& record, std::vector<std::string_view>& changed) const {
    changed.clear();
    const State* found_state = m_states.find(key_of(record));
    if (!found_state) {
        for (std::size_t i = 0; i < record.metric_count; ++i) changed.push_back(record.metrics[i].name);
        return !changed.empty();
    }
    const State& state = *found_state;
    const std::string_view packed = ChangeTracker::packed(state);
    // Most events repeat the stored state byte for byte.
    if (packed_equals(packed, record)) return false;
    PackedReader in_order(packed);
    bool aligned = true;
    std::size_t matched = 0;
    for (std::size_t i = 0; i < record.metric_count; ++i) {
        const Metric& m = record.metrics[i];
        PackedMetric stored;
        bool found = aligned && in_order.next(stored) && stored.name == m.name;
        if (!found) {
            aligned = false;
            found = find_packed(packed, m.name, stored);
        }
        if (found) ++matched;
        if (!found || !same_value(stored, m.value)) changed.push_back(m.name);
    }
    if (matched != state.header.count) add_disappeared(state, record, changed);
    return !changed.empty();
}

void ChangeTracker::add_disappeared(const State& state, const Record& record,
                                    std::vector<std::string_view>& changed) const {
    PackedReader reader(packed(state));
    PackedMetric stored;
    while (reader.next(stored))
        if (!record.find(stored.name)) changed.push_back(stored.name);
}

void ChangeTracker::commit(const Record& record) {
    m_scratch.assign(record.metrics_json);
    pack_text(m_scratch, record.source_ts);
    pack_text(m_scratch, record.event_id);
    const std::size_t meta_end = m_scratch.size();
    pack_metrics(m_scratch, record);
    State& state = m_states.assign(key_of(record), m_scratch);
    state.header.json = static_cast<std::uint32_t>(record.metrics_json.size());
    state.header.meta = static_cast<std::uint32_t>(meta_end - record.metrics_json.size());
    state.header.count = static_cast<std::uint32_t>(record.metric_count);
}

bool ChangeTracker::committed(ResourceKeyView key, Record& out) const {
    const State* state = m_states.find(key);
    if (!state) return false;
    unpack(*state, out);
    return true;
}

void ChangeTracker::unpack(const State& state, Record& out) {
    out.clear();
    out.kind = state.kind;
    out.id.assign(state.id());
    PackedReader in_meta(meta(state));
    std::string_view text;
    if (in_meta.next_text(text)) out.source_ts.assign(text);
    if (in_meta.next_text(text)) out.event_id.assign(text);
    PackedReader metrics(packed(state));
    PackedMetric metric;
    while (metrics.next(metric)) unpack_metric(metric, out.add_metric());
}

std::string_view ChangeTracker::committed_json(ResourceKeyView key) const {
    const State* state = m_states.find(key);
    return state ? json(*state) : std::string_view();
}

}  // namespace rtwatch::diff
