// Fuzzes the Genesys socket frame decoder and the REST answer parsers, and
// feeds what they accept to the observation merge. Properties: no crash; a
// frame over the bound is malformed; data frames carry ids; the merged
// state flattens to records whose names are never empty.
// Input: [bound selector][text]
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "rtwatch/genesys/frame.hpp"
#include "rtwatch/genesys/rest.hpp"
#include "rtwatch/genesys/state.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace rtwatch;
    using namespace rtwatch::genesys;
    if (size == 0) return 0;
    const std::size_t bound = (data[0] & 1) ? 64 : k_default_max_frame;
    std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

    Frame f = decode_frame(text, bound);
    if (text.size() > bound) FUZZ_CHECK(f.kind == Frame::Kind::malformed);
    ObservationState state({"voice"});
    Record r;
    if (f.kind == Frame::Kind::queue_observations) {
        for (const auto& q : f.queues) {
            FUZZ_CHECK(!q.queue_id.empty());
            state.apply(q);
            FUZZ_CHECK(state.queue_record(q.queue_id, r));
            for (std::size_t i = 0; i < r.metric_count; ++i) FUZZ_CHECK(!r.metrics[i].name.empty());
        }
    }
    if (f.kind == Frame::Kind::agent_update) {
        FUZZ_CHECK(!f.agent.user_id.empty());
        FUZZ_CHECK(f.agent.routing_status || f.agent.presence);
        state.apply(f.agent);
        FUZZ_CHECK(state.agent_record(f.agent.user_id, r));
        FUZZ_CHECK(r.metric_count == 2);
    }
    (void)parse_channel(text);
    if (auto s = parse_subscriptions(text)) (void)missing_permissions(s->rejected);
    if (auto groups = parse_observations_query(text))
        for (const auto& g : *groups) state.replace_queue(g.queue_id, *groups);
    (void)parse_users(text);
    return 0;
}
