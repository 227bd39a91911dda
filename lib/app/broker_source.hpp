// The tenant's stream on NATS JetStream as a Source (rtwatch --broker):
// the last record of every resource, then live records, through the same
// stages as a live run. In rtwatch relay it also runs the UpstreamLease:
// the relay that holds the lease runs the upstream and publishes to the
// stream that every relay, itself included, reads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "rtwatch/app/config.hpp"
#include "rtwatch/app/run.hpp"
#include "rtwatch/app/source.hpp"
#include "rtwatch/broker/client.hpp"
#include "services.hpp"

namespace rtwatch::app {

// What this process has read from the stream, shared by the reader and
// the publisher (loop thread only).
struct StreamView {
    // per subject: the metrics of its last message (metrics_key())
    std::unordered_map<std::string, std::string> last_metrics;
    std::uint64_t last_seq = 0;       // the highest sequence handed on
    std::uint64_t max_term = 0;       // the highest lease term seen on a message
    std::uint64_t stale_dropped = 0;  // messages of an older term than one already seen
    bool caught_up = false;
    bool broker_up = false;
    std::string broker_why;  // why it is down, as last told ("" before anything was told)
    std::string holder;      // who publishes, from the last status message
};

// A resource's metrics as one comparable string (names, types and values).
std::string metrics_key(const Record& record);
// A metrics record line (output::append_metrics_line) back into `out`;
// false when `json` is not one.
bool parse_metrics_line(std::string_view json, Record& out);

class UpstreamLease;
using UpstreamFactory = std::function<std::unique_ptr<Source>(const Config&)>;

class BrokerSource final : public Source {
public:
    // On NATS, the holder's upstream a live SSE or Genesys source.
    BrokerSource(const Config& config, net::Loop& loop);
    // On any client (tests: a fake), with the holder's upstream from `upstream`.
    BrokerSource(const Config& config, Services& services, std::unique_ptr<broker::Client> client,
                 UpstreamFactory upstream);
    ~BrokerSource() override;

    void start(SourceListener& listener) override;
    void stop() override;
    // The stream is read at the broker's pace; the loop's queue holds what
    // arrives meanwhile (bounded by the client's pending limits).
    void pause() override {}
    void resume() override {}

    // rtwatch relay: whether it holds the upstream lease, and its publications.
    BrokerStats stats() const;

private:
    void on_message(const broker::Message& m);

    std::unique_ptr<Services> m_own_services;  // the loop's, when made from one
    std::unique_ptr<broker::Client> m_client;
    std::string m_status_subject;
    StreamView m_view;
    SourceListener* m_listener = nullptr;
    std::unique_ptr<UpstreamLease> m_lease;  // rtwatch relay only
    Record m_record;
    bool m_stopped = false;
    bool m_in_batch = false;  // between the client's batch(true) and batch(false)
};

}  // namespace rtwatch::app
