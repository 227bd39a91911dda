// The NDJSON serializer (lines per second, bytes per second) and an
// in-memory run of the whole hot path — parse, decode, diff, serialize —
// which is the ceiling for rtwatch's end-to-end events/s.
#include <benchmark/benchmark.h>

#include "rtwatch/decode/decoder.hpp"
#include "rtwatch/diff/change_tracker.hpp"
#include "rtwatch/output/ndjson.hpp"
#include "rtwatch/sse/parser.hpp"
#include "rtwatch/throttle/throttler.hpp"
#include "workload.hpp"

namespace {

const rtwatch::bench::Workload& workload() {
    static const auto w = rtwatch::bench::make_workload({});
    return w;
}

void metrics_line(benchmark::State& state) {
    rtwatch::decode::Decoder decoder;
    rtwatch::Record record;
    (void)decoder.decode(workload().data.front(), record);
    record.event_id = "1834200";
    const std::string_view changed[] = {"waitDuration"};
    const auto now = rtwatch::WallClock::now();
    std::string out;
    std::size_t bytes = 0;
    for (auto _ : state) {
        rtwatch::output::append_metrics_line(out, record, changed, now);
        if (out.size() > (64 << 10)) {
            bytes += out.size();
            out.clear();
        }
    }
    bytes += out.size();
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
    state.SetItemsProcessed(state.iterations());
}

// Everything the live pipeline does per event except the socket and write().
class InMemoryPipeline : public rtwatch::sse::Handler, public rtwatch::throttle::Sink {
public:
    void on_event(const rtwatch::sse::Event& e) override {
        if (e.type != "data" || !m_decoder.decode(e.data, m_record)) return;
        m_record.event_id.assign(e.id);
        m_throttler.offer(m_record, rtwatch::TimePoint{}, *this);
    }
    void emit(const rtwatch::Record& record, std::span<const std::string_view> changed) override {
        rtwatch::output::append_metrics_line(m_out, record, changed, rtwatch::WallClock::now());
        ++lines;
        if (m_out.size() > (64 << 10)) m_out.clear();
    }
    std::size_t lines = 0;

private:
    rtwatch::decode::Decoder m_decoder;
    rtwatch::Record m_record;
    rtwatch::diff::ChangeTracker m_tracker;
    rtwatch::throttle::Throttler m_throttler{rtwatch::Millis{0}, m_tracker};
    std::string m_out;
};

void whole_pipeline(benchmark::State& state) {
    const auto& w = workload();
    const std::string_view stream = w.stream;
    std::size_t lines = 0;
    for (auto _ : state) {
        InMemoryPipeline pipeline;
        rtwatch::sse::Parser parser(pipeline);
        for (std::size_t at = 0; at < stream.size(); at += 16384) parser.feed(stream.substr(at, 16384));
        lines = pipeline.lines;
    }
    if (lines != 1000 + w.changed) state.SkipWithError("pipeline emitted the wrong number of records");
    state.SetBytesProcessed(static_cast<int64_t>(stream.size()) * state.iterations());
    state.SetItemsProcessed(static_cast<int64_t>(w.data.size()) * state.iterations());
}

}  // namespace

BENCHMARK(metrics_line)->Name("ndjson/metrics_line");
BENCHMARK(whole_pipeline)->Name("pipeline/in_memory")->Unit(benchmark::kMillisecond);
