// Benchmark mode: N events generated from the model up front, one buffer
// shared by every stream, written in large blocks so a reader is limited by
// the socket, not by the server.
#include <algorithm>

#include "rtwatch/core/log.hpp"
#include "rtwatch/core/time_format.hpp"
#include "rtwatch/sim/frames.hpp"
#include "stream_session.hpp"

namespace rtwatch::sim {

namespace {

constexpr size_t k_block_bytes = 8 << 20;

// The opening for a filtered stream: one frame per wanted resource from the
// initial state, the last one with `id: 0`.
std::string filtered_head(const SimServer::Impl& s, const Filter& filter) {
    const FlatOutData& f = *s.flat;
    std::string out = retry_frame(s.options.retry_ms);
    const std::string ts = format_rfc3339_ms(WallClock::now());
    size_t last = std::string::npos;
    for (ResourceIndex r = 0; r < f.initial_metrics.size(); ++r) {
        if (!filter.matches(r)) continue;
        last = out.size();
        append_data_frame(out, std::nullopt, s.model->kind(r), s.model->id(r), ts, f.initial_metrics[r]);
    }
    if (last != std::string::npos) out.insert(last, "id: 0\n");
    return out;
}

bool send_counted(SimServer::Impl& s, httplib::DataSink& sink, std::string_view bytes, size_t events) {
    if (!sink.write(bytes.data(), bytes.size())) return false;
    s.stats.events_sent += events;
    return true;
}

bool send_all(SimServer::Impl& s, httplib::DataSink& sink, uint64_t from) {
    const FlatOutData& f = *s.flat;
    uint64_t i = from;
    while (i < f.count && !s.stopping) {
        const uint64_t limit = f.offsets[i] + k_block_bytes;
        const uint64_t end = static_cast<uint64_t>(std::upper_bound(f.offsets.begin() + static_cast<ptrdiff_t>(i) + 1,
                                                                    f.offsets.end(), limit) -
                                                   f.offsets.begin()) -
                             1;
        const uint64_t stop = std::max(end, i + 1);
        if (!send_counted(s, sink, std::string_view(f.events).substr(f.offsets[i], f.offsets[stop] - f.offsets[i]),
                          stop - i))
            return false;
        i = stop;
    }
    return !s.stopping;
}

bool send_filtered(SimServer::Impl& s, httplib::DataSink& sink, const Filter& filter, uint64_t from) {
    const FlatOutData& f = *s.flat;
    std::string block;
    size_t events = 0;
    for (uint64_t i = from; i < f.count && !s.stopping; ++i) {
        if (!filter.matches(f.resources[i])) continue;
        block.append(f.events, f.offsets[i], f.offsets[i + 1] - f.offsets[i]);
        ++events;
        if (block.size() >= k_block_bytes) {
            if (!send_counted(s, sink, block, events)) return false;
            block.clear();
            events = 0;
        }
    }
    return !s.stopping && send_counted(s, sink, block, events);
}

}  // namespace

void build_flat_out(SimServer::Impl& s) {
    auto f = std::make_unique<FlatOutData>();
    const uint64_t n = s.options.flat_out;
    for (ResourceIndex r = 0; r < s.model->resource_count(); ++r) f->initial_metrics.push_back(*s.model->metrics(r));
    size_t snapshot_events = 0;
    f->head = retry_frame(s.options.retry_ms);
    s.log->snapshot(Filter{}, f->head, snapshot_events);
    f->events.reserve(n * 220);
    f->offsets.reserve(n + 1);
    f->resources.reserve(n);
    const WallTime start = WallClock::now();
    std::vector<ModelEvent> tick;
    while (f->count < n) {
        tick.clear();
        s.model->step(tick);
        if (tick.size() > n - f->count) tick.resize(n - f->count);
        const std::string ts = format_rfc3339_ms(start + std::chrono::milliseconds(s.model->now_ms()));
        for (const ModelEvent& e : tick) {
            f->offsets.push_back(f->events.size());
            f->resources.push_back(e.resource);
            append_data_frame(f->events, ++f->count, s.model->kind(e.resource), s.model->id(e.resource), ts,
                              *e.metrics);
        }
        s.log->publish(tick, WallClock::now(), false);
    }
    f->offsets.push_back(f->events.size());
    log::info("flat-out: {} events, {} MiB", f->count, f->events.size() >> 20);
    s.flat = std::move(f);
}

httplib::ContentProviderWithoutLength flat_out_stream(SimServer::Impl& s, StreamRequest r) {
    auto request = std::make_shared<StreamRequest>(std::move(r));
    return [&s, request](size_t, httplib::DataSink& sink) {
        OpenStream counted(s.stats);
        const bool resume = request->last_event_id.has_value();
        const uint64_t from = resume ? *request->last_event_id : 0;
        const bool filtered = !request->filter.wanted.empty();
        const std::string head =
            resume ? retry_frame(s.options.retry_ms) : (filtered ? filtered_head(s, request->filter) : s.flat->head);
        if (!send_counted(s, sink, head, resume ? 0 : (filtered ? 0 : s.model->resource_count()))) return false;
        // The body has no length: closing the connection (by reporting
        // failure to httplib) is what ends it, also after the last event.
        filtered ? send_filtered(s, sink, request->filter, from) : send_all(s, sink, from);
        return false;
    };
}

}  // namespace rtwatch::sim
