// Fuzzes the --where expression parser: any text parses or gives a usage
// error naming a position, and a parsed expression evaluates the same way
// every time on fixed records.
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "rtwatch/filter/filter.hpp"

namespace {

rtwatch::Record make_record(bool strings_everywhere) {
    rtwatch::Record r;
    r.kind = rtwatch::ResourceKind::queue;
    r.id = "queue-0001";
    auto add = [&](const char* name, rtwatch::MetricValue::Type type, double number, const char* text) {
        auto& m = r.add_metric();
        m.name = name;
        m.value.type = strings_everywhere ? rtwatch::MetricValue::Type::string : type;
        m.value.number = number;
        m.value.text = text;
        m.value.boolean = number != 0;
    };
    using T = rtwatch::MetricValue::Type;
    add("waitDuration", T::number, 45, "45");
    add("availableAgents", T::number, 0, "0");
    add("serviceLevelPercentile", T::number, 85.5, "85.5");
    add("waiting", T::number, -3, "-3");
    add("state", T::string, 0, "available");
    add("paused", T::boolean, 1, "");
    add("note", T::null, 0, "");
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const rtwatch::Record k_records[] = {make_record(false), make_record(true), rtwatch::Record{}};
    std::string_view expression(reinterpret_cast<const char*>(data), size);
    auto where = rtwatch::filter::Where::parse(expression);
    if (!where.ok()) {
        FUZZ_CHECK(where.error().code == rtwatch::ExitCode::usage);
        FUZZ_CHECK(!where.error().message.empty());
        return 0;
    }
    for (const auto& record : k_records) {
        bool first = where->matches(record);
        FUZZ_CHECK(where->matches(record) == first);
    }
    return 0;
}
