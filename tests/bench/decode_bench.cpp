// Decoder throughput: one `data` JSON to a reused Record, as the pipeline
// calls it once per event; also each of its two paths alone (the fast
// scanner must take every workload event, the RapidJSON reference is what
// decode() falls back to).
#include <benchmark/benchmark.h>

#include "rtwatch/decode/decoder.hpp"
#include "workload.hpp"

namespace {

enum class Path { both, fast, reference };

template <Path path>
void decode_events(benchmark::State& state) {
    static const auto w = rtwatch::bench::make_workload({});
    rtwatch::decode::Decoder decoder;
    rtwatch::Record record;
    std::size_t bytes = 0, i = 0;
    for (auto _ : state) {
        const std::string& json = w.data[i];
        if (++i == w.data.size()) i = 0;
        bool ok = path == Path::fast        ? rtwatch::decode::Decoder::decode_fast(json, record)
                  : path == Path::reference ? decoder.decode_reference(json, record).ok()
                                            : decoder.decode(json, record).ok();
        if (!ok) {
            state.SkipWithError("decoder rejected a valid event (or the fast path declined it)");
            break;
        }
        bytes += json.size();
        benchmark::DoNotOptimize(record.metric_count);
    }
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
    state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(decode_events<Path::both>)->Name("decode/event");
BENCHMARK(decode_events<Path::fast>)->Name("decode/fast_path");
BENCHMARK(decode_events<Path::reference>)->Name("decode/reference");
