// rtwatch relay on a broker: every relay of the tenant competes for one
// lease (a key in the tenant's KV bucket, created only if absent, renewed
// by compare-and-swap on its revision, gone after --lease-ttl unrenewed).
// The holder runs the upstream (the live source) through its own stages
// and publishes each committed change to the stream; it stops publishing
// before its lease can expire at the broker, so a new holder never
// publishes beside it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "rtwatch/app/config.hpp"
#include "rtwatch/app/pipeline.hpp"
#include "rtwatch/app/sink.hpp"
#include "rtwatch/app/source.hpp"
#include "rtwatch/broker/client.hpp"
#include "services.hpp"

namespace rtwatch::app {

struct StreamView;

// The holder's upstream, made when the lease is taken (a live SSE or
// Genesys source in a relay, a fake in tests).
using UpstreamFactory = std::function<std::unique_ptr<Source>(const Config&)>;

class UpstreamLease final : private SourceListener, private RecordSink {
public:
    UpstreamLease(const Config& config, Services& services, broker::Client& client, StreamView& view,
                  UpstreamFactory upstream);
    ~UpstreamLease() override;

    // `alive` runs each time the lease shows that some relay's upstream is
    // up: a lease renewed by this relay while its upstream is connected, or
    // one held by another relay (which gives it up when its upstream is
    // down longer than the TTL). A quiet tenant sends nothing else.
    void start(std::function<void()> alive);
    // The run ends: the upstream closes, the lease is given back.
    void stop();
    bool holding() const { return m_holding; }
    // The reader handed on a message (m_view.last_seq moved): a new holder
    // waiting for its reader to reach the stream's end may go on.
    void stream_read();
    // The most publications in flight (sent, not yet answered).
    static constexpr std::size_t k_window = 128;

    struct Counters {
        std::uint64_t stored = 0, refused = 0, unconfirmed = 0;
    };
    const Counters& counters() const { return m_counters; }

private:
    // the lease
    void tick();
    void take();
    void renew();
    void became_holder(std::uint64_t revision);
    void lose(std::string_view why, bool release);
    bool may_publish() const;
    // publication
    void resync();
    // Publishes what m_wanted has and the stream does not: diffed against
    // the reader's picture, or everything when that picture is not known
    // to be current.
    void publish_wanted(bool diff);
    void send(const std::string& subject, const std::string& data, const std::string& key);
    // The stream holds `key` for `subject` already, or will once what is in
    // flight lands: what this term published counts, else what was read.
    // What waits in m_queued is not counted: the caller looks at it first.
    bool stream_has(const std::string& subject, const std::string& key) const;
    void pump();
    // A waiting publication withdrawn (the resource went back to what the
    // stream ends with).
    void unqueue(std::unordered_map<std::string, std::pair<std::string, std::string>>::iterator it);
    void sent(broker::PublishResult result, std::uint64_t generation, const std::string& subject);
    void publish_status(std::string_view status, std::string_view message);
    // the upstream (holder only)
    void open_upstream();
    void close_upstream();

    // SourceListener: the holder's upstream
    void input_begins(WallTime now) override;
    void event(const SourceEvent& event) override;
    void record(Record& record) override;
    void snapshot_complete() override {}
    void oversize(std::size_t limit) override;
    void status(const StatusChange& change) override;
    void input_ends() override {}
    void source_ended(ExitCode code, std::string message) override;
    // RecordSink: the holder's committed changes
    void metrics(const Record& record, std::span<const std::string_view> changed, WallTime now) override;
    void status(const StatusChange&, WallTime) override {}

    Config m_config;  // the upstream and selection; no --fields, --where, levels or throttle
    Services& m_services;
    broker::Client& m_client;
    StreamView& m_view;
    UpstreamFactory m_upstream_factory;
    std::string m_name;  // who holds: host/pid

    std::optional<Services::TimerId> m_timer;
    std::optional<Services::TimerId> m_deferred;  // lose() after the upstream ended
    std::function<void()> m_alive;
    Counters m_counters;
    bool m_stopped = false;
    bool m_request_in_flight = false;
    TimePoint m_compete_after{};

    bool m_holding = false;
    std::uint64_t m_term = 0;      // the revision that created our lease
    std::uint64_t m_revision = 0;  // the current revision, to renew with
    TimePoint m_deadline{};        // publish only before this (local clock)

    // publication state: the stream's last sequence when the run began,
    // then the id of our last publication
    bool m_publishing = false;
    std::uint64_t m_expect = 0;
    std::string m_last_id;
    std::uint64_t m_published = 0;   // publications of this term: their ids
    std::uint64_t m_generation = 0;  // results of an older generation are ignored
    bool m_resync_needed = false;
    std::unordered_map<std::string, std::pair<std::string, std::string>> m_wanted;  // subject -> line, key
    // Waiting to be published, in order; a newer line of a subject replaces
    // the one waiting, so a backlog (after an outage) shrinks to one per
    // resource. At most k_window publications are in flight.
    std::deque<std::string> m_order;
    std::unordered_map<std::string, std::pair<std::string, std::string>> m_queued;  // subject -> line, key
    std::unordered_map<std::string, std::string> m_sent;  // subject -> key published this term
    std::size_t m_in_flight = 0;
    bool m_resync_when_drained = false;
    // from resync() until publish_wanted(): what the upstream sends waits in
    // m_wanted and is diffed then
    bool m_resyncing = false;
    // the reader has not reached the stream's last sequence yet: wait for
    // it (stream_read()) until the timer, then publish everything wanted
    std::optional<Services::TimerId> m_reader_wait;
    std::uint64_t m_reader_target = 0;

    // the upstream
    std::unique_ptr<Pipeline> m_pipeline;
    std::unique_ptr<Source> m_source;
    bool m_upstream_ok = false;
    std::optional<TimePoint> m_unhealthy_since;
    std::string m_line;
};

}  // namespace rtwatch::app
