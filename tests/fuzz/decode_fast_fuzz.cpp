// Differential fuzzing of the decoder's fast path against the RapidJSON
// reference: wherever the fast path accepts an input, the reference must
// accept it too and give the same Record; decode() as a whole must always
// agree with the reference, errors included.
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "rtwatch/decode/decoder.hpp"

namespace {

constexpr std::string_view k_warmup =
    R"({"event":"data","agentId":"agent-7","timestamp":"2026-11-27T14:30:00.123Z",)"
    R"("metrics":{"waitDuration":45,"availableAgents":5,"totalAgents":10,"serviceLevelPercentile":85.5,)"
    R"("waiting":3,"state":"available","paused":false,"note":null,"extra":"x"}})";

bool same_record(const rtwatch::Record& a, const rtwatch::Record& b) {
    if (a.kind != b.kind || a.id != b.id || a.source_ts != b.source_ts || a.metric_count != b.metric_count)
        return false;
    for (size_t i = 0; i < a.metric_count; ++i) {
        const auto& x = a.metrics[i];
        const auto& y = b.metrics[i];
        if (x.name != y.name || !(x.value == y.value) || x.value.boolean != y.value.boolean) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view json(reinterpret_cast<const char*>(data), size);
    rtwatch::decode::Decoder decoder;

    rtwatch::Record reference;
    auto expected = decoder.decode_reference(json, reference);

    // The fast path into a record that still holds another event's buffers.
    rtwatch::Record fast;
    FUZZ_CHECK(decoder.decode(k_warmup, fast).ok());
    if (rtwatch::decode::Decoder::decode_fast(json, fast)) {
        FUZZ_CHECK(expected.ok());
        FUZZ_CHECK(same_record(fast, reference));
    }

    rtwatch::Record combined;
    auto got = decoder.decode(json, combined);
    FUZZ_CHECK(got.ok() == expected.ok());
    if (got.ok()) FUZZ_CHECK(same_record(combined, reference));
    else FUZZ_CHECK(got.error().message == expected.error().message);
    return 0;
}
