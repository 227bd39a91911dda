// TopState: the per-resource rows `rtwatch top` shows, kept current at the
// rate records arrive. A change is stamped with the frame generation, so
// clearing every highlight after a frame is one increment.
#include "rtwatch/top/state.hpp"

#include "text.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace rtwatch::top {
namespace {

void display_value(const MetricValue& value, MetricUnit unit, std::string& text, double& number) {
    switch (value.type) {
        case MetricValue::Type::null:
            text = "-";
            number = std::numeric_limits<double>::quiet_NaN();
            return;
        case MetricValue::Type::boolean:
            text = value.boolean ? "true" : "false";
            number = value.boolean ? 1 : 0;
            return;
        case MetricValue::Type::number:
            text = unit == MetricUnit::none ? value.text : format_metric_value(value.number, unit);
            number = value.number;
            return;
        case MetricValue::Type::string:
            text = value.text;
            number = std::numeric_limits<double>::quiet_NaN();
            return;
    }
}

// Cheap equality before any copy: most updates repeat the shown value.
bool same_value(const MetricValue& value, const CellValue& cell) {
    switch (value.type) {
        case MetricValue::Type::null:
            return cell.text == "-";
        case MetricValue::Type::boolean:
            return cell.text == (value.boolean ? "true" : "false");
        case MetricValue::Type::number:
            return cell.number == value.number;
        case MetricValue::Type::string:
            return std::isnan(cell.number) && cell.text == value.text;
    }
    return false;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

Level Row::worst() const {
    Level level = Level::none;
    for (const CellValue& cell : cells) level = std::max(level, cell.level);
    return level;
}

TopState::TopState() { m_index.reserve(256); }

Row& TopState::row_for(ResourceKind kind, std::string_view id) {
    auto it = m_index.find(ResourceKeyView{kind, id});
    if (it != m_index.end()) return m_rows[it->second];
    m_index.emplace(ResourceKey(ResourceKeyView{kind, id}), static_cast<std::uint32_t>(m_rows.size()));
    Row& row = m_rows.emplace_back();
    row.kind = kind;
    row.id = id;
    list_name(row);
    return row;
}

void TopState::list_name(Row& row) {
    row.listed_name = m_names.find(row.kind, row.id);
    int& width = m_widths[kind_index(row.kind)].listed_name;
    width = std::max(width, cell_width(row.listed_name));
}

void TopState::set_names(ResourceNames names) {
    m_names = std::move(names);
    for (Row& row : m_rows) list_name(row);
    for (Row& row : m_frozen) list_name(row);
}

std::string_view TopState::name_of(const Row& row) const {
    const auto column = static_cast<std::size_t>(m_name_column);
    if (m_name_column >= 0 && column < row.cells.size() && row.cells[column].present) return row.cells[column].text;
    return row.listed_name;
}

int TopState::name_width(ResourceKind kind) const {
    return std::max(m_widths[kind_index(kind)].listed_name, value_width(kind, m_name_column));
}

int TopState::add_column(std::string_view metric) {
    for (std::size_t i = 0; i < m_columns.size(); ++i)
        if (m_columns[i] == metric) return static_cast<int>(i);
    if (metric == "name") m_name_column = static_cast<int>(m_columns.size());
    m_columns.emplace_back(metric);
    return static_cast<int>(m_columns.size() - 1);
}

// Records of one kind list their metrics in the same order, so the column
// found at this position last time is almost always right.
int TopState::column_for(std::string_view metric, std::size_t position) {
    if (position >= m_column_hint.size()) m_column_hint.resize(position + 1, -1);
    int& hint = m_column_hint[position];
    if (hint >= 0 && m_columns[hint] == metric) return hint;
    hint = add_column(metric);
    return hint;
}

void TopState::apply(const Record& record, TimePoint now) {
    ++m_records;
    m_header.newest = now;
    Row& row = row_for(record.kind, record.id);
    KindWidths& widths = m_widths[kind_index(record.kind)];
    widths.id = std::max(widths.id, cell_width(row.id));
    for (std::size_t i = 0; i < record.metric_count; ++i) {
        const Metric& metric = record.metrics[i];
        const auto column = static_cast<std::size_t>(column_for(metric.name, i));
        if (row.cells.size() <= column) row.cells.resize(column + 1);
        CellValue& cell = row.cells[column];
        if (cell.present && same_value(metric.value, cell)) continue;
        display_value(metric.value, m_units.unit_of(metric.name), cell.text, cell.number);
        if (widths.values.size() <= column) widths.values.resize(column + 1);
        widths.values[column] = std::max(widths.values[column], std::max(1, cell_width(cell.text)));
        // A first value is news, not a change: the first frame is not all lit.
        cell.changed_in = cell.present ? m_generation : 0;
        cell.present = true;
    }
}

int TopState::value_width(ResourceKind kind, int column) const {
    const std::vector<int>& values = m_widths[kind_index(kind)].values;
    return column >= 0 && static_cast<std::size_t>(column) < values.size() ? values[column] : 0;
}

void TopState::set_level(ResourceKind kind, std::string_view id, std::string_view metric, Level level) {
    Row& row = row_for(kind, id);
    const auto column = static_cast<std::size_t>(add_column(metric));
    if (row.cells.size() <= column) row.cells.resize(column + 1);
    row.cells[column].level = level;
}

void TopState::set_status(Status status, TimePoint retry_at) {
    m_header.status = status;
    m_header.retry_at = retry_at;
}

void TopState::mark_drawn(TimePoint now) {
    ++m_generation;
    if (!m_rate_since) {
        m_rate_since = now;
        m_rate_records = m_records;
        return;
    }
    const std::chrono::duration<double> elapsed = now - *m_rate_since;
    if (elapsed.count() < 1.0) return;
    m_header.records_per_second = static_cast<double>(m_records - m_rate_records) / elapsed.count();
    m_rate_since = now;
    m_rate_records = m_records;
}

void TopState::set_paused(bool paused) {
    if (paused == m_view.paused) return;
    m_frozen = paused ? m_rows : std::vector<Row>{};
    m_view.paused = paused;
}

std::size_t TopState::matching_rows() const {
    if (m_view.filter.empty()) return rows().size();
    return static_cast<std::size_t>(std::count_if(
        rows().begin(), rows().end(), [&](const Row& row) { return matches_filter(row.id, m_view.filter); }));
}

std::string url_host(std::string_view url) {
    if (const auto scheme = url.find("://"); scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
    url = url.substr(0, url.find_first_of("/?#"));
    if (const auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
    return std::string(url);
}

std::optional<Status> status_from_name(std::string_view name) {
    if (name == "connected") return Status::connected;
    if (name == "reconnecting") return Status::reconnecting;
    if (name == "stale") return Status::stale;
    if (name == "gave_up") return Status::gave_up;
    if (name == "stopped") return Status::stopped;
    return std::nullopt;
}

bool matches_filter(std::string_view id, std::string_view filter) {
    if (filter.empty()) return true;
    const auto hit = std::search(id.begin(), id.end(), filter.begin(), filter.end(),
                                 [](char a, char b) { return lower(a) == lower(b); });
    return hit != id.end();
}

}  // namespace rtwatch::top
