// A compact byte encoding of a record's metrics (and optional text fields),
// used to remember state for tens of thousands of resources without a
// std::string per metric: per metric, varint name length, name, a type
// byte, and for numbers and strings a varint text length and the text.
#pragma once

#include <string>
#include <string_view>

#include "rtwatch/core/record.hpp"

namespace rtwatch::diff {

struct PackedMetric {
    std::string_view name;
    MetricValue::Type type = MetricValue::Type::null;
    bool boolean = false;
    std::string_view text;  // number: JSON text; string: UTF-8
};

// Appends a length-prefixed text field.
void pack_text(std::string& out, std::string_view text);
// Appends metrics[0, metric_count) of `record`.
void pack_metrics(std::string& out, const Record& record);

// Reads back, in the order written. Views point into the packed bytes.
class PackedReader {
public:
    explicit PackedReader(std::string_view packed) : m_rest(packed) {}
    bool next_text(std::string_view& text);
    bool next(PackedMetric& metric);

private:
    std::string_view m_rest;
};

// Same as MetricValue::operator== (number text equal implies equal value).
bool same_value(const PackedMetric& packed, const MetricValue& value);
// Restores a metric into `out`, reusing its buffers.
void unpack_metric(const PackedMetric& packed, Metric& out);
// True when `packed` is exactly what pack_metrics(record) would write: the
// same metrics with the same values in the same order. One pass of byte
// compares, nothing written; the common no-change case of the diff.
bool packed_equals(std::string_view packed, const Record& record);
// Finds `name` among the metrics in `packed` (a linear scan).
bool find_packed(std::string_view packed, std::string_view name, PackedMetric& out);

}  // namespace rtwatch::diff
