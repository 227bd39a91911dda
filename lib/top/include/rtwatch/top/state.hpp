// The model behind `rtwatch top`: the latest display text of every metric of
// every resource, its level, whether it changed since the last frame, the
// connection header and the view options. Updates are a hash lookup and a
// string compare; sorting and filtering wait for render time.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/metric_units.hpp"
#include "rtwatch/core/record.hpp"
#include "rtwatch/core/resource_key.hpp"
#include "rtwatch/core/resource_names.hpp"

namespace rtwatch::top {

enum class Level : std::uint8_t { none, green, yellow, red };
enum class Status : std::uint8_t { connecting, connected, reconnecting, stale, gave_up, stopped };

// The header status for a status record's name ("connected", "reconnecting",
// "stale", "gave_up", "stopped"); nullopt for names that leave it as it is
// ("token_refreshed").
std::optional<Status> status_from_name(std::string_view name);

struct CellValue {
    std::string text;                                          // as shown: numbers in their unit, strings decoded
    double number = std::numeric_limits<double>::quiet_NaN();  // NaN: sorts as text
    bool present = false;
    Level level = Level::none;
    std::uint64_t changed_in = 0;  // the frame generation of the last change
};

struct Row {
    ResourceKind kind = ResourceKind::queue;
    std::string id;
    std::string listed_name;       // from --names; the record's own name wins
    std::vector<CellValue> cells;  // by column index; may be shorter than columns()
    Level worst() const;
};

struct Header {
    std::string host;
    Status status = Status::connecting;
    TimePoint retry_at{};             // when status is reconnecting
    std::optional<TimePoint> newest;  // when the last record arrived
    double records_per_second = 0;
};

// Sort column 0 is the id; column i > 0 is metric columns()[i - 1].
struct ViewOptions {
    int sort_column = 0;
    bool descending = false;
    std::string filter;  // id substring, ASCII case-insensitive
    bool editing_filter = false;
    std::string filter_before_edit;
    int scroll = 0;  // first table row shown
    bool paused = false;
};

class TopState {
public:
    TopState();

    // A record's metrics become the resource's latest values; `now` is when
    // it arrived (the header's data age).
    void apply(const Record& record, TimePoint now);
    void set_level(ResourceKind kind, std::string_view id, std::string_view metric, Level level);
    // Declares a column ahead of data, so tracked fields keep their order.
    int add_column(std::string_view metric);

    void set_host(std::string host) { m_header.host = std::move(host); }
    void set_status(Status status, TimePoint retry_at = {});

    // The frame just drawn showed every change: clear the highlights, and
    // once a second take the records/s sample.
    void mark_drawn(TimePoint now);
    // Pausing freezes what rows() shows; apply() keeps the live rows current.
    void set_paused(bool paused);

    const Header& header() const { return m_header; }
    ViewOptions& view() { return m_view; }
    const ViewOptions& view() const { return m_view; }
    const std::vector<std::string>& columns() const { return m_columns; }
    const std::vector<Row>& rows() const { return m_view.paused ? m_frozen : m_rows; }
    std::size_t total_rows() const { return rows().size(); }
    std::size_t matching_rows() const;
    bool changed(const CellValue& cell) const { return cell.changed_in == m_generation; }

    // How numbers read: m:ss for durations, % for percentages.
    void set_units(MetricUnits units) { m_units = std::move(units); }
    // The widest text a kind's ids, or a kind's values of a column, have had
    // this run (0: never a value): widths only grow, so columns stay put.
    int id_width(ResourceKind kind) const { return m_widths[kind_index(kind)].id; }
    int value_width(ResourceKind kind, int column) const;
    // The column of the "name" field (shown beside the id), or -1.
    int name_column() const { return m_name_column; }
    // --names FILE: names for the rows there are and the rows to come,
    // replacing the last file's (SIGHUP).
    void set_names(ResourceNames names);
    // The row's name: its records' own "name", else the file's; "" if none.
    std::string_view name_of(const Row& row) const;
    // The widest name a kind's rows have had this run (0: none).
    int name_width(ResourceKind kind) const;

    static std::size_t kind_index(ResourceKind kind) { return static_cast<std::size_t>(kind); }

private:
    Row& row_for(ResourceKind kind, std::string_view id);
    int column_for(std::string_view metric, std::size_t position);
    void list_name(Row& row);

    std::vector<Row> m_rows;
    std::vector<Row> m_frozen;
    std::unordered_map<ResourceKey, std::uint32_t, ResourceKeyHash, ResourceKeyEqual> m_index;
    std::vector<std::string> m_columns;
    std::vector<int> m_column_hint;  // record position -> column last seen there
    Header m_header;
    ViewOptions m_view;
    std::uint64_t m_generation = 1;
    std::uint64_t m_records = 0;
    std::uint64_t m_rate_records = 0;
    std::optional<TimePoint> m_rate_since;
    MetricUnits m_units;
    struct KindWidths {
        int id = 0;
        int listed_name = 0;
        std::vector<int> values;  // by column
    };
    std::array<KindWidths, 3> m_widths;
    int m_name_column = -1;
    ResourceNames m_names;
};

// "https://user:pw@sim.example.net:8443/v1/stream?x" -> "sim.example.net:8443":
// what the header shows of the upstream URL, never its credentials or query.
std::string url_host(std::string_view url);

// The filter rule render() and scrolling share.
bool matches_filter(std::string_view id, std::string_view filter);

}  // namespace rtwatch::top
