// What the wallboard page learns from the relay beyond the records: each
// metric's unit (--unit over the defaults), display names (--names FILE,
// reloaded on SIGHUP), the default fields, and per-resource trend series.
// Sent as a `meta` event with each snapshot and again after a reload.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "rtwatch/core/metric_units.hpp"
#include "rtwatch/core/resource_names.hpp"
#include "selection.hpp"
#include "trend.hpp"

namespace rtwatch::relay {

class Board {
public:
    // Reads --names; an error names the file, the line and the fix.
    static Result<Board> make(const app::Config& config);

    void observe(const Record& record, WallTime now) { m_trends.observe(record, now); }
    // A snapshot line of `record` (a JSON object without its newline) gets
    // its trend series; its metric names are noted for the next meta().
    void annotate(std::string& line, const Record& record);
    // {"type":"meta",...}: units of the names noted since the last call and
    // of every known one, the default fields, the trend step and the names
    // of the resources `selection` wants.
    std::string meta(const ViewerSelection& selection);
    // SIGHUP: reads --names again; on an error the old names stay.
    Result<void> reload();

    const Trends& trends() const { return m_trends; }

private:
    Board(const app::Config& config, ResourceNames names);
    std::string m_names_path;
    std::string m_levels_json;  // "levels":{...}: the --level thresholds, for the page to show
    ResourceNames m_names;
    MetricUnits m_units;
    Trends m_trends;
    std::set<std::string, std::less<>> m_seen;  // metric names of the snapshot being sent
};

}  // namespace rtwatch::relay
