// Id matching and field projection: tiny loops over short lists, run for
// every event, so they avoid allocation and keep buffers in place.
#include "rtwatch/filter/filter.hpp"

#include <algorithm>
#include <utility>

namespace rtwatch::filter {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view id) {
    return std::find(list.begin(), list.end(), id) != list.end();
}

}  // namespace

bool IdFilter::matches(const Record& record) const {
    if (empty()) return true;
    switch (record.kind) {
        case ResourceKind::queue:
            return contains(queues, record.id);
        case ResourceKind::agent:
            return contains(agents, record.id);
        case ResourceKind::skill:
            return contains(skills, record.id);
    }
    return false;
}

FieldSet::FieldSet(std::vector<std::string> fields) : m_fields(std::move(fields)) {}

void FieldSet::project(Record& record) const {
    if (all()) return;
    size_t kept = 0;
    for (size_t i = 0; i < record.metric_count; ++i) {
        if (!contains(m_fields, record.metrics[i].name)) continue;
        // Swapping (not assigning) moves the dropped metric's buffers to the
        // spare tail, where the next event reuses them.
        if (i != kept) std::swap(record.metrics[kept], record.metrics[i]);
        ++kept;
    }
    record.metric_count = kept;
}

}  // namespace rtwatch::filter
