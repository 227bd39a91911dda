// SSE parser throughput (MB/s of wire text) in the chunk sizes the network
// hands over: curl's 16 KiB buffers, one big buffer, and a drip of 1 KiB;
// also the same stream with CRLF line ends, which servers may send.
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

// The workload's stream with every LF turned into CRLF.
const std::string& crlf_stream() {
    static const std::string stream = [] {
        std::string out;
        for (char c : workload().stream) {
            if (c == '\n') out.push_back('\r');
            out.push_back(c);
        }
        return out;
    }();
    return stream;
}

void parse_stream(benchmark::State& state, const std::string& stream) {
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

void parse_in_chunks(benchmark::State& state) { parse_stream(state, workload().stream); }
void parse_crlf_in_chunks(benchmark::State& state) { parse_stream(state, crlf_stream()); }

}  // namespace

BENCHMARK(parse_in_chunks)->Name("sse_parser/chunk")->Arg(1024)->Arg(16384)->Arg(1 << 30);
BENCHMARK(parse_crlf_in_chunks)->Name("sse_parser/crlf_chunk")->Arg(16384);
