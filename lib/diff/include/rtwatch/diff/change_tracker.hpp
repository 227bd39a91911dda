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
    // `record` is now what the reader has seen for its resource.
    void commit(const Record& record);
    std::size_t resources() const { return m_states.size(); }

private:
    // Per resource: a table entry, its id, and one exact-size buffer with all
    // metrics (~20 bytes per metric): ~300 bytes for 8 metrics and a UUID
    // id, so 50,000 resources take ~15 MB.
    struct State {
        std::string packed;       // pack_metrics() of the last committed record
        std::uint32_t count = 0;  // metrics in `packed`
    };
    void add_disappeared(const State& state, const Record& record, std::vector<std::string_view>& changed) const;

    ResourceTable<State> m_states;
    std::string m_scratch;
};

}  // namespace rtwatch::diff
