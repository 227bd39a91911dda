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

void compare_and_commit(benchmark::State& state) {
    const auto records = decoded(static_cast<std::size_t>(state.range(0)));
    rtwatch::diff::ChangeTracker tracker;
    std::vector<std::string_view> changed;
    std::size_t i = 0, emitted = 0;
    for (auto _ : state) {
        const auto& record = records[i];
        if (++i == records.size()) i = 0;
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

// The same, with the pipeline's prefetch ahead of each run of 64 records
// (Pipeline::prefetch does it per window of stream bytes): at 50,000
// resources the state lookups' cache misses overlap.
void compare_and_commit_prefetched(benchmark::State& state) {
    const auto records = decoded(static_cast<std::size_t>(state.range(0)));
    std::vector<std::uint64_t> hashes(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) hashes[i] = rtwatch::diff::hash_key(rtwatch::diff::key_of(records[i]));
    rtwatch::diff::ChangeTracker tracker;
    std::vector<std::string_view> changed;
    constexpr std::size_t k_run = 64;
    std::size_t i = 0, emitted = 0;
    for (auto _ : state) {
        if (i % k_run == 0) {
            const std::size_t end = std::min(records.size(), i + k_run);
            for (std::size_t j = i; j < end; ++j) tracker.prefetch_slot(hashes[j]);
            for (std::size_t j = i; j < end; ++j) tracker.prefetch_state(hashes[j]);
        }
        const auto& record = records[i];
        if (++i == records.size()) i = 0;
        changed.clear();
        if (tracker.compare(record, changed)) {
            tracker.commit(record);
            ++emitted;
        }
    }
    benchmark::DoNotOptimize(emitted);
    state.SetItemsProcessed(state.iterations());
}

struct NullSink : rtwatch::throttle::Sink {
    std::size_t emitted = 0;
    void emit(const rtwatch::Record&, std::span<const std::string_view> changed) override {
        emitted += changed.size();
    }
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

BENCHMARK(compare_and_commit)->Name("diff/compare_commit")->Arg(1000)->Arg(50'000);
BENCHMARK(compare_and_commit_prefetched)->Name("diff/compare_commit_prefetched")->Arg(1000)->Arg(50'000);
BENCHMARK(throttle_off)->Name("throttle/off")->Arg(1000)->Arg(50'000);
