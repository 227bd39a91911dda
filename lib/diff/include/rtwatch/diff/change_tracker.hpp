// Per-resource memory of the last EMITTED metrics, so a record is output only
// when one of its (tracked) metrics differs from what the reader last saw.
#pragma once

#include <string_view>
#include <vector>

#include "rtwatch/core/record.hpp"

namespace rtwatch::diff {

class ChangeTracker {
public:
    // Names of the metrics of `record` that differ from the last committed
    // state of the same resource (all of them for a new resource), plus
    // metrics that disappeared. Views stay valid until the next commit().
    // Returns !changed.empty().
    bool compare(const Record& record, std::vector<std::string_view>& changed) const;
    // `record` is now what the reader has seen for its resource.
    void commit(const Record& record);
    std::size_t resources() const;

    // Implementation: a hash map keyed by (kind, id) with heterogeneous
    // lookup, storing metric names and values.
};

}  // namespace rtwatch::diff
