// Decoder throughput: one `data` JSON to a reused Record, as the pipeline
// calls it once per event.
#include <benchmark/benchmark.h>

#include "rtwatch/decode/decoder.hpp"
#include "workload.hpp"

namespace {

void decode_events(benchmark::State& state) {
    static const auto w = rtwatch::bench::make_workload({});
    rtwatch::decode::Decoder decoder;
    rtwatch::Record record;
    std::size_t bytes = 0, i = 0;
    for (auto _ : state) {
        const std::string& json = w.data[i];
        if (++i == w.data.size()) i = 0;
        if (!decoder.decode(json, record)) {
            state.SkipWithError("decoder rejected a valid event");
            break;
        }
        bytes += json.size();
        benchmark::DoNotOptimize(record.metric_count);
    }
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
    state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(decode_events)->Name("decode/event");
