// Fuzzes the data-event decoder: any bytes give a record or an error value,
// a decoder and record reused after another event give the same answer as
// fresh ones, and decoded text is valid UTF-8.
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "rtwatch/core/json_text.hpp"
#include "rtwatch/decode/decoder.hpp"

namespace {

constexpr std::string_view k_warmup =
    R"({"event":"data","queueId":"queue-0001","timestamp":"2026-11-27T14:30:00.123Z",)"
    R"("metrics":{"waitDuration":45,"availableAgents":5,"totalAgents":10,"serviceLevelPercentile":85.5,)"
    R"("waiting":3,"state":"available","paused":false,"note":null}})";

bool same_record(const rtwatch::Record& a, const rtwatch::Record& b) {
    if (a.kind != b.kind || a.id != b.id || a.source_ts != b.source_ts || a.metric_count != b.metric_count)
        return false;
    for (size_t i = 0; i < a.metric_count; ++i)
        if (a.metrics[i].name != b.metrics[i].name || !(a.metrics[i].value == b.metrics[i].value)) return false;
    return true;
}

void check_text(const rtwatch::Record& r) {
    FUZZ_CHECK(r.metric_count <= r.metrics.size());
    FUZZ_CHECK(rtwatch::is_valid_utf8(r.id));
    for (size_t i = 0; i < r.metric_count; ++i) {
        const auto& m = r.metrics[i];
        FUZZ_CHECK(rtwatch::is_valid_utf8(m.name));
        if (m.value.type == rtwatch::MetricValue::Type::string) FUZZ_CHECK(rtwatch::is_valid_utf8(m.value.text));
        if (m.value.type == rtwatch::MetricValue::Type::number) FUZZ_CHECK(!m.value.text.empty());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view json(reinterpret_cast<const char*>(data), size);

    rtwatch::decode::Decoder fresh_decoder;
    rtwatch::Record fresh;
    auto first = fresh_decoder.decode(json, fresh);
    if (first.ok())
        check_text(fresh);
    else
        FUZZ_CHECK(!first.error().message.empty());

    rtwatch::decode::Decoder reused_decoder;
    rtwatch::Record reused;
    FUZZ_CHECK(reused_decoder.decode(k_warmup, reused).ok());
    auto second = reused_decoder.decode(json, reused);
    FUZZ_CHECK(first.ok() == second.ok());
    if (first.ok())
        FUZZ_CHECK(same_record(fresh, reused));
    else
        FUZZ_CHECK(first.error().message == second.error().message);
    return 0;
}
