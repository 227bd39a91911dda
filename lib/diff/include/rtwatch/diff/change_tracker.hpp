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
    // Bytes mapped for the states outside the heap (see BlockArena).
    std::size_t arena_bytes() const { return m_states.arena_bytes(); }

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
            unpack(e, scratch);
            fn(static_cast<const Record&>(scratch));
        }
    }

    // Starts loading the state of the resource with id hash `h`
    // (hash_key()): prefetch_slot() some events before its lookup, then
    // prefetch_state() (which reads that slot) a few events before it.
    void prefetch_slot(std::uint64_t h) const { m_states.prefetch_slot(h); }
    void prefetch_state(std::uint64_t h) const { m_states.prefetch_entry(h); }

private:
    // Per resource one table entry: its id, then the committed metrics JSON
    // text, the record's source_ts and event_id (packed texts), then
    // pack_metrics() of it (~20 bytes per metric): ~330 bytes, 384 with the
    // arena's rounding, for 7 metrics and a short id, so 50,000 resources
    // take ~19 MB.
    struct Sizes {
        std::uint32_t json = 0;   // bytes[0, json) is the JSON text
        std::uint32_t meta = 0;   // then source_ts and event_id
        std::uint32_t count = 0;  // metrics in the packed part
    };
    using Table = ResourceTable<Sizes>;
    using State = Table::Entry;
    static std::string_view json(const State& s) { return s.bytes().substr(0, s.header.json); }
    static std::string_view meta(const State& s) { return s.bytes().substr(s.header.json, s.header.meta); }
    static std::string_view packed(const State& s) { return s.bytes().substr(s.header.json + s.header.meta); }
    void add_disappeared(const State& state, const Record& record, std::vector<std::string_view>& changed) const;
    static void unpack(const State& state, Record& out);

    Table m_states;
    std::string m_scratch;
};

}  // namespace rtwatch::diff
