// The packed metric encoding: LEB128 lengths, one type byte that also holds
// a boolean's value, and raw bytes.
#include "rtwatch/diff/packed_metrics.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "rtwatch/core/number_text.hpp"

namespace rtwatch::diff {

namespace {

enum Tag : unsigned char { tag_null, tag_false, tag_true, tag_number, tag_string };

void put_varint(std::string& out, std::size_t n) {
    while (n >= 0x80) {
        out.push_back(static_cast<char>((n & 0x7F) | 0x80));
        n >>= 7;
    }
    out.push_back(static_cast<char>(n));
}

bool get_varint(std::string_view& in, std::size_t& n) {
    n = 0;
    for (int shift = 0; !in.empty() && shift < 64; shift += 7) {
        auto b = static_cast<unsigned char>(in.front());
        in.remove_prefix(1);
        n |= static_cast<std::size_t>(b & 0x7F) << shift;
        if (!(b & 0x80)) return true;
    }
    return false;
}

bool get_text(std::string_view& in, std::string_view& text) {
    std::size_t n;
    if (!get_varint(in, n) || n > in.size()) return false;
    text = in.substr(0, n);
    in.remove_prefix(n);
    return true;
}

Tag tag_of(const MetricValue& v) {
    switch (v.type) {
        case MetricValue::Type::null:
            return tag_null;
        case MetricValue::Type::boolean:
            return v.boolean ? tag_true : tag_false;
        case MetricValue::Type::number:
            return tag_number;
        case MetricValue::Type::string:
            return tag_string;
    }
    return tag_null;
}

// Matches one pack_text(text) at `p`, advancing past it.
bool match_text(const char*& p, const char* end, std::string_view text) {
    if (text.size() < 0x80) {
        if (p == end || static_cast<unsigned char>(*p) != text.size()) return false;
        ++p;
    } else {
        std::string_view rest(p, static_cast<std::size_t>(end - p));
        std::size_t n;
        if (!get_varint(rest, n) || n != text.size()) return false;
        p = rest.data();
    }
    if (static_cast<std::size_t>(end - p) < text.size() || std::memcmp(p, text.data(), text.size()) != 0) return false;
    p += text.size();
    return true;
}

}  // namespace

void pack_text(std::string& out, std::string_view text) {
    put_varint(out, text.size());
    out.append(text);
}

void pack_metrics(std::string& out, const Record& record) {
    for (std::size_t i = 0; i < record.metric_count; ++i) {
        const Metric& m = record.metrics[i];
        pack_text(out, m.name);
        Tag tag = tag_of(m.value);
        out.push_back(static_cast<char>(tag));
        if (tag == tag_number || tag == tag_string) pack_text(out, m.value.text);
    }
}

bool PackedReader::next_text(std::string_view& text) { return get_text(m_rest, text); }

bool PackedReader::next(PackedMetric& metric) {
    if (m_rest.empty() || !get_text(m_rest, metric.name) || m_rest.empty()) return false;
    auto tag = static_cast<Tag>(m_rest.front());
    m_rest.remove_prefix(1);
    metric.boolean = tag == tag_true;
    metric.text = {};
    switch (tag) {
        case tag_null:
            metric.type = MetricValue::Type::null;
            return true;
        case tag_false:
        case tag_true:
            metric.type = MetricValue::Type::boolean;
            return true;
        case tag_number:
            metric.type = MetricValue::Type::number;
            break;
        case tag_string:
            metric.type = MetricValue::Type::string;
            break;
        default:
            return false;
    }
    return get_text(m_rest, metric.text);
}

bool same_value(const PackedMetric& packed, const MetricValue& value) {
    if (packed.type != value.type) return false;
    switch (packed.type) {
        case MetricValue::Type::null:
            return true;
        case MetricValue::Type::boolean:
            return packed.boolean == value.boolean;
        default:
            return packed.text == value.text;
    }
}

void unpack_metric(const PackedMetric& packed, Metric& out) {
    out.name.assign(packed.name);
    out.value.type = packed.type;
    out.value.boolean = packed.boolean;
    out.value.text.assign(packed.text);
    out.value.number = packed.type == MetricValue::Type::number ? number_from_text(packed.text) : 0;
}

bool packed_equals(std::string_view packed, const Record& record) {
    const char* p = packed.data();
    const char* end = p + packed.size();
    for (std::size_t i = 0; i < record.metric_count; ++i) {
        const Metric& m = record.metrics[i];
        if (!match_text(p, end, m.name) || p == end) return false;
        Tag tag = tag_of(m.value);
        if (static_cast<unsigned char>(*p++) != tag) return false;
        if ((tag == tag_number || tag == tag_string) && !match_text(p, end, m.value.text)) return false;
    }
    return p == end;
}

bool find_packed(std::string_view packed, std::string_view name, PackedMetric& out) {
    PackedReader reader(packed);
    while (reader.next(out))
        if (out.name == name) return true;
    return false;
}

}  // namespace rtwatch::diff
