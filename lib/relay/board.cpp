// The wallboard's meta event and snapshot annotations.
#include "board.hpp"

#include <fmt/format.h>

#include "rtwatch/core/json_text.hpp"
#include "rtwatch/levels/spec.hpp"

namespace rtwatch::relay {

namespace {

// Metric names a snapshot may note for its meta event: beyond, the page
// falls back to plain numbers rather than the relay growing without bound.
constexpr std::size_t k_max_seen = 1000;

void append_unit(std::string& out, bool& first, std::string_view metric, MetricUnit unit) {
    if (unit == MetricUnit::none) return;
    out += first ? "" : ",";
    first = false;
    append_json_string(out, metric);
    out += ':';
    append_json_string(out, unit_name(unit));
}

// {"waiting":{"yellow":{"op":">=","value":1},"red":{...}},...}
std::string levels_json(const std::vector<levels::LevelSpec>& specs) {
    std::string out = "{";
    for (const auto& spec : specs) {
        if (out.size() > 1) out += ',';
        append_json_string(out, spec.metric);
        out += ":{";
        bool first = true;
        for (auto level : {levels::Level::yellow, levels::Level::red}) {
            const levels::Threshold* t = spec.threshold(level);
            if (!t) continue;
            out += first ? "" : ",";
            first = false;
            append_json_string(out, levels::level_name(level));
            out += R"(:{"op":)";
            append_json_string(out, levels::op_text(t->op));
            out += R"(,"value":)";
            if (t->is_number)
                out += t->text;
            else
                append_json_string(out, t->text);
            out += '}';
        }
        out += '}';
    }
    return out + "}";
}

}  // namespace

Board::Board(const app::Config& config, ResourceNames names)
    : m_names_path(config.names_file),
      m_levels_json(levels_json(config.levels)),
      m_names(std::move(names)),
      m_units(config.units),
      m_trends(config.trend_step) {}

Result<Board> Board::make(const app::Config& config) {
    ResourceNames names;
    if (!config.names_file.empty()) {
        auto loaded = ResourceNames::load(config.names_file);
        if (!loaded) return loaded.error();
        names = std::move(*loaded);
    }
    return Board(config, std::move(names));
}

void Board::annotate(std::string& line, const Record& record) {
    for (std::size_t i = 0; i < record.metric_count && m_seen.size() < k_max_seen; ++i)
        if (!m_seen.contains(record.metrics[i].name)) m_seen.emplace(record.metrics[i].name);
    if (line.empty() || line.back() != '}') return;
    line.pop_back();
    m_trends.append_json(line, key_of(record));
    line += '}';
}

std::string Board::meta(const ViewerSelection& selection) {
    std::string out = R"({"type":"meta","units":{)";
    bool first = true;
    for (const auto& name : m_seen) append_unit(out, first, name, m_units.unit_of(name));
    for (auto name : default_fields())
        if (!m_seen.contains(name)) append_unit(out, first, name, m_units.unit_of(name));
    for (const auto& [name, unit] : m_units.overrides())
        if (!m_seen.contains(name)) append_unit(out, first, name, unit);
    m_seen.clear();
    out += R"(},"fields":[)";
    first = true;
    for (auto name : default_fields()) {
        out += first ? "" : ",";
        first = false;
        append_json_string(out, name);
    }
    out += fmt::format(R"(],"trend_step_ms":{},"levels":{},"names":{{)", m_trends.step_ms(), m_levels_json);
    first = true;
    m_names.for_each([&](ResourceKind kind, std::string_view id, std::string_view name) {
        if (!selection.wants(kind, id)) return;
        out += first ? "" : ",";
        first = false;
        append_json_string(out, std::string(kind_name(kind)) + "/" + std::string(id));
        out += ':';
        append_json_string(out, name);
    });
    out += "}}";
    return out;
}

Result<void> Board::reload() {
    if (m_names_path.empty()) return {};
    auto loaded = ResourceNames::load(m_names_path);
    if (!loaded) return loaded.error();
    m_names = std::move(*loaded);
    return {};
}

}  // namespace rtwatch::relay
