// Per-resource memory of the last committed (emitted) record, so a record is
// output only when one of its tracked metrics differs from what the reader
// last saw, and so a late joiner can be given the current state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rtwatch/core/record.hpp"
#include "rtwatch/diff/resource_key.hpp"
#include "rtwatch/diff/resource_table.hpp"

namespace rtwatch::diff {

class ChangeTracker {
public:
    // Names of the metrics of `record` that differ from the last committed
    // state of the same resource (all of them for a new resource), plus
    // metrics that disappeared. Views stay valid until the next commit()
    // (and as long as `record` is unchanged). Returns !changed.empty().
    bool compare(const Record& record, std::vector<std::string_view>& changed) const;
    // `record` is now what the reader has seen for its resource. Its
    // metrics_json, when known, is kept as the resource's committed text.
    void commit(const Record& record);
    // The metrics JSON text the committed state of the resource was decoded
    // from; empty when unknown or when the resource is new.
    std::string_view committed_json(ResourceKeyView key) const;
    std::size_t resources() const { return m_states.size(); }

    // The committed state of `key` (kind, id, source_ts, event_id, metrics)
    // into `out`, reusing its buffers; false when the resource is unknown.
    bool committed(ResourceKeyView key, Record& out) const;
    // Calls fn(const Record&) with each resource's committed state, in the
    // order the resources were first committed. `scratch` is reused for
    // every call: nothing is copied but the state being handed out.
    template <class Fn>
    void for_each_committed(Record& scratch, Fn&& fn) const {
        for (std::size_t i = 0; i < m_states.size(); ++i) {
            const auto& e = m_states.entry(i);
            unpack(e.kind, e.id, e.value, scratch);
            fn(static_cast<const Record&>(scratch));
        }
    }

private:
    // Per resource: a table entry, its id, and one exact-size buffer: the
    // committed metrics JSON text, the record's source_ts and event_id
    // (packed texts), then pack_metrics() of it (~20 bytes per metric):
    // ~500 bytes for 8 metrics and a UUID id, so 50,000 resources take ~25 MB.
    struct State {
        std::string bytes;
        std::uint32_t json_size = 0;  // bytes[0, json_size) is the JSON text
        std::uint32_t meta_size = 0;  // then source_ts and event_id
        std::uint32_t count = 0;      // metrics in the packed part
        std::string_view json() const { return std::string_view(bytes).substr(0, json_size); }
        std::string_view meta() const { return std::string_view(bytes).substr(json_size, meta_size); }
        std::string_view packed() const { return std::string_view(bytes).substr(json_size + meta_size); }
    };
    void add_disappeared(const State& state, const Record& record, std::vector<std::string_view>& changed) const;
    static void unpack(ResourceKind kind, std::string_view id, const State& state, Record& out);

    ResourceTable<State> m_states;
    std::string m_scratch;
};

}  // namespace rtwatch::diff
