// Fuzzes a viewer's query parameters: any query parses into a selection or
// is refused naming a parameter and saying why; a selection is within the
// relay's caps (ids, a where that parses again within its cost caps) and
// the same a second time.
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "rtwatch/filter/filter.hpp"
#include "selection.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const rtwatch::app::Config k_relay = [] {
        rtwatch::app::Config c;
        c.fields = {"waiting", "waitDuration", "availableAgents"};
        return c;
    }();
    std::string_view query(reinterpret_cast<const char*>(data), size);
    rtwatch::relay::SelectionError error;
    auto s = rtwatch::relay::parse_selection(query, k_relay, error);
    rtwatch::relay::SelectionError error_again;
    auto again = rtwatch::relay::parse_selection(query, k_relay, error_again);
    FUZZ_CHECK(s.has_value() == again.has_value());
    if (!s) {
        FUZZ_CHECK(!error.message.empty());
        FUZZ_CHECK(error.message == error_again.message && error.parameter == error_again.parameter);
        return 0;
    }
    FUZZ_CHECK(s->queues == again->queues && s->skills == again->skills && s->agents == again->agents);
    FUZZ_CHECK(s->queues.size() <= 10'000 && s->skills.size() <= 10'000 && s->agents.size() <= 10'000);
    for (const auto& f : s->fields) FUZZ_CHECK(f == "waiting" || f == "waitDuration" || f == "availableAgents");
    if (!s->where.empty()) {
        FUZZ_CHECK(s->where.size() <= 1024);
        auto w = rtwatch::filter::Where::parse(s->where);
        FUZZ_CHECK(w.ok());
        FUZZ_CHECK(w->cost().comparisons <= 32 && w->cost().depth <= 8);
    }
    return 0;
}
