// Records for diff tests, written as "name=value" pairs: quoted values are
// strings, null/true/false their JSON selves, anything else a number.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "rtwatch/core/record.hpp"

namespace rtwatch::testing {

inline void set_value(MetricValue& v, std::string_view text) {
    v = MetricValue{};
    if (text == "null") return;
    if (text == "true" || text == "false") {
        v.type = MetricValue::Type::boolean;
        v.boolean = text == "true";
    } else if (text.front() == '"') {
        v.type = MetricValue::Type::string;
        v.text = text.substr(1, text.size() - 2);
    } else {
        v.type = MetricValue::Type::number;
        v.text = text;
        v.number = std::stod(std::string(text));
    }
}

inline Record make_record(ResourceKind kind, std::string_view id,
                          std::initializer_list<std::pair<const char*, const char*>> metrics) {
    Record r;
    r.kind = kind;
    r.id = id;
    for (auto [name, value] : metrics) {
        Metric& m = r.add_metric();
        m.name = name;
        set_value(m.value, value);
    }
    return r;
}

}  // namespace rtwatch::testing
