// Differential fuzzing of the decoder's fast path against the RapidJSON
// reference: wherever the fast path accepts an input, the reference must
// accept it too and give the same Record; decode() as a whole must always
// agree with the reference, errors included; and skipping settled metrics
// (equal to a text decoded before) must never change an answer.
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

bool same_metrics(const rtwatch::Record& a, const rtwatch::Record& b) {
    rtwatch::Record x = a, y = b;
    x.id = y.id;
    x.source_ts = y.source_ts;
    x.kind = y.kind;
    return same_record(x, y);
}

// Says every resource's settled metrics are the warm-up event's.
struct WarmupSettled : rtwatch::decode::SettledMetrics {
    std::string_view text;
    std::string_view settled_metrics(rtwatch::ResourceKind, std::string_view) override { return text; }
};

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
    if (got.ok())
        FUZZ_CHECK(same_record(combined, reference));
    else
        FUZZ_CHECK(got.error().message == expected.error().message);

    // With settled metrics: the same verdict; a skipped metrics object must
    // be one whose decoded content equals the settled one's.
    rtwatch::Record warm;
    FUZZ_CHECK(rtwatch::decode::Decoder::decode_fast(k_warmup, warm) && !warm.metrics_json.empty());
    WarmupSettled settled;
    settled.text = warm.metrics_json;
    rtwatch::Record skipping;
    auto with_settled = decoder.decode(json, skipping, &settled);
    FUZZ_CHECK(with_settled.ok() == expected.ok());
    if (with_settled.ok() && skipping.metrics_settled) {
        FUZZ_CHECK(skipping.kind == reference.kind && skipping.id == reference.id);
        FUZZ_CHECK(skipping.source_ts == reference.source_ts);
        FUZZ_CHECK(same_metrics(warm, reference));
    } else if (with_settled.ok()) {
        FUZZ_CHECK(same_record(skipping, reference));
    }
    return 0;
}
