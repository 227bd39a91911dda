// Per-resource memory of the last EMITTED metrics, so a record is output only
// when one of its (tracked) metrics differs from what the reader last saw.
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

private:
    // Per resource: a table entry, its id, and one exact-size buffer with all
    // metrics (~20 bytes per metric) after the metrics' JSON text: ~450 bytes
    // for 8 metrics and a UUID id, so 50,000 resources take ~23 MB.
    // One buffer per resource: the committed metrics JSON text, then
    // pack_metrics() of the last committed record.
    struct State {
        std::string bytes;
        std::uint32_t json_size = 0;  // bytes[0, json_size) is the JSON text
        std::uint32_t count = 0;      // metrics in the packed part
        std::string_view json() const { return std::string_view(bytes).substr(0, json_size); }
        std::string_view packed() const { return std::string_view(bytes).substr(json_size); }
    };
    void add_disappeared(const State& state, const Record& record, std::vector<std::string_view>& changed) const;

    ResourceTable<State> m_states;
    std::string m_scratch;
};

}  // namespace rtwatch::diff
