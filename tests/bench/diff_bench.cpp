// The diff stage: ChangeTracker compare (+ commit when changed) per decoded
// record, alone and behind a throttler with the interval off, at the
// resource counts the end-to-end benchmark uses.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>

#include "rtwatch/decode/decoder.hpp"
#include "rtwatch/diff/change_tracker.hpp"
#include "rtwatch/throttle/throttler.hpp"
#include "workload.hpp"

namespace {

std::vector<rtwatch::Record> decoded(std::size_t resources) {
    const auto w = rtwatch::bench::make_workload({.resources = resources, .events = resources + 100'000});
    rtwatch::decode::Decoder decoder;
    std::vector<rtwatch::Record> out(w.data.size());
    for (std::size_t i = 0; i < w.data.size(); ++i) (void)decoder.decode(w.data[i], out[i]);
    return out;
}

// With `ahead`, as the pipeline prefetches past 4,096 resources: each
// record's hash slot 16 records ahead and its state 8 ahead, so at 50,000
// resources the lookups' cache misses overlap.
template <bool ahead>
void compare_and_commit(benchmark::State& state) {
    const auto records = decoded(static_cast<std::size_t>(state.range(0)));
    const std::size_t n = records.size();
    std::vector<std::uint64_t> hashes(n);
    for (std::size_t i = 0; i < n; ++i) hashes[i] = rtwatch::diff::hash_key(rtwatch::diff::key_of(records[i]));
    rtwatch::diff::ChangeTracker tracker;
    std::vector<std::string_view> changed;
    std::size_t i = 0, emitted = 0;
    for (auto _ : state) {
        if constexpr (ahead) {
            tracker.prefetch_slot(hashes[i + 16 < n ? i + 16 : i + 16 - n]);
            tracker.prefetch_state(hashes[i + 8 < n ? i + 8 : i + 8 - n]);
        }
        const auto& record = records[i];
        if (++i == n) i = 0;
        changed.clear();
        if (tracker.compare(record, changed)) {
            tracker.commit(record);
            ++emitted;
        }
    }
    benchmark::DoNotOptimize(emitted);
    state.SetItemsProcessed(state.iterations());
    state.counters["resources"] = static_cast<double>(tracker.resources());
}

struct NullSink : rtwatch::throttle::Sink {
    std::size_t emitted = 0;
    void emit(const rtwatch::Record&, std::span<const std::string_view> changed) override { emitted += changed.size(); }
};

void throttle_off(benchmark::State& state) {
    const auto records = decoded(static_cast<std::size_t>(state.range(0)));
    rtwatch::diff::ChangeTracker tracker;
    rtwatch::throttle::Throttler throttler(rtwatch::Millis{0}, tracker);
    NullSink sink;
    const rtwatch::TimePoint now{};
    std::size_t i = 0;
    for (auto _ : state) {
        throttler.offer(records[i], now, sink);
        if (++i == records.size()) i = 0;
    }
    benchmark::DoNotOptimize(sink.emitted);
    state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(compare_and_commit<false>)->Name("diff/compare_commit")->Arg(1000)->Arg(50'000);
BENCHMARK(compare_and_commit<true>)->Name("diff/compare_commit_prefetched")->Arg(1000)->Arg(50'000);
BENCHMARK(throttle_off)->Name("throttle/off")->Arg(1000)->Arg(50'000);
