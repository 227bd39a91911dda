// SSE parser throughput (MB/s of wire text) in the chunk sizes the network
// hands over: curl's 16 KiB buffers, one big buffer, and a drip of 1 KiB.
#include <benchmark/benchmark.h>

#include <algorithm>

#include "rtwatch/sse/parser.hpp"
#include "workload.hpp"

namespace {

struct CountingHandler : rtwatch::sse::Handler {
    std::size_t events = 0;
    std::size_t bytes = 0;
    void on_event(const rtwatch::sse::Event& e) override {
        ++events;
        bytes += e.data.size();
    }
};

const rtwatch::bench::Workload& workload() {
    static const auto w = rtwatch::bench::make_workload({});
    return w;
}

void parse_in_chunks(benchmark::State& state) {
    const std::string& stream = workload().stream;
    const auto chunk = static_cast<std::size_t>(state.range(0));
    CountingHandler handler;
    for (auto _ : state) {
        rtwatch::sse::Parser parser(handler);
        for (std::size_t at = 0; at < stream.size(); at += chunk)
            parser.feed(std::string_view(stream).substr(at, std::min(chunk, stream.size() - at)));
        benchmark::DoNotOptimize(handler.bytes);
    }
    if (handler.events != workload().data.size() * static_cast<std::size_t>(state.iterations()))
        state.SkipWithError("parser dispatched the wrong number of events");
    state.SetBytesProcessed(static_cast<int64_t>(stream.size()) * state.iterations());
    state.SetItemsProcessed(static_cast<int64_t>(workload().data.size()) * state.iterations());
}

}  // namespace

BENCHMARK(parse_in_chunks)->Name("sse_parser/chunk")->Arg(1024)->Arg(16384)->Arg(1 << 30);
