// Genesys Cloud as a Source: a token, the channels the topic plan needs,
// a REST snapshot, then socket deltas merged into the state and passed on
// as records. After any gap a fresh snapshot is diffed against what was
// written, so nothing is lost or repeated, and a status record says so.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include "genesys_budget.hpp"
#include "genesys_channel.hpp"
#include "genesys_socket.hpp"
#include "rtwatch/app/config.hpp"
#include "rtwatch/app/source.hpp"
#include "rtwatch/genesys/presence.hpp"
#include "rtwatch/genesys/state.hpp"
#include "services.hpp"
#include "token_keeper.hpp"

namespace rtwatch::app {

class GenesysSource final : public Source, private GenesysChannel::Owner {
public:
    GenesysSource(const Config& config, net::Loop& loop);
    // Over other services and sockets (tests: a fake clock, scripted
    // answers and sockets); `jitter` in [0, 1), random when empty.
    GenesysSource(const Config& config, Services& services, SocketFactory sockets, std::function<double()> jitter = {});
    ~GenesysSource() override;

    void start(SourceListener& listener) override;
    void stop() override;
    void pause() override { m_paused = true; }
    void resume() override;

private:
    void channel_subscribed(GenesysChannel& channel, const genesys::Subscriptions& answer) override;
    void channel_open(GenesysChannel& channel) override;
    void channel_frame(GenesysChannel& channel, genesys::Frame& frame) override;
    void channel_lost(GenesysChannel& channel, const std::string& why) override;
    void channel_failed(ExitCode code, std::string message) override { end_run(code, std::move(message)); }

    bool all_open() const;
    void take_snapshot();
    enum class Part { queues, users, definitions };
    void snapshot_request(net::Request request, std::string what, Part part);
    bool take_answer(Part part, const net::Response& response);
    bool name_snapshot();
    bool name_frame(genesys::Frame& frame);
    void warn_unnamed(const std::vector<std::string>& ids);
    void snapshot_for_names();
    void stamp(ResourceKind kind, const std::string& id, const std::string& time);
    static std::string source_key(ResourceKind kind, const std::string& id) {
        return std::string(kind_name(kind)) + '/' + id;
    }
    void snapshot_answered();
    void apply(genesys::Frame& frame, std::vector<std::pair<ResourceKind, std::string>>& changed);
    void emit(const std::vector<std::pair<ResourceKind, std::string>>& resources);
    void drain_held();
    void end_run(ExitCode code, std::string message);
    double jitter() { return m_jitter ? m_jitter() : std::uniform_real_distribution<double>(0.0, 1.0)(m_rng); }
    TokenKeeper::Events token_events();

    const Config& m_config;
    std::unique_ptr<LoopServices> m_loop_services;  // when over a real loop
    BudgetedServices m_services;                    // every REST call of the run, token ones too
    SocketFactory m_sockets;
    std::function<double()> m_jitter;
    SourceListener* m_listener = nullptr;
    std::mt19937_64 m_rng{std::random_device{}()};
    TokenKeeper m_tokens;
    std::vector<std::unique_ptr<GenesysChannel>> m_channels;
    genesys::ObservationState m_state;
    // Organisation presence ids -> system presences; the definitions are read
    // at most once, when a snapshot or a frame carries an id not mapped.
    genesys::PresenceNames m_presence;
    bool m_definitions_asked = false, m_definitions_wanted = false;
    std::set<std::string, std::less<>> m_unnamed;  // ids warned about

    // Subscriptions: rejected topics are reported once, when every channel has answered.
    std::size_t m_subscribed = 0, m_permitted = 0;
    std::vector<genesys::RejectedTopic> m_rejected;
    std::vector<std::string> m_permitted_topics;
    bool m_judged = false;
    // What is watched: the selection less the resources whose topic was rejected.
    std::vector<std::string> m_queues, m_agents;
    std::set<std::string, std::less<>> m_watched_queues, m_watched_agents;

    // The snapshot: frames that arrive while it is taken (or while paused) are
    // held and applied after it, in order.
    std::uint64_t m_generation = 0;
    std::size_t m_pending = 0;
    bool m_snapshot_in_flight = false;
    TimePoint m_last_snapshot{};  // when the last one began: the next waits k_snapshot_floor
    std::optional<Services::TimerId> m_snapshot_timer;
    std::uint64_t m_snapshots_begun = 0;
    bool m_have_snapshot = false;
    bool m_gap = false;  // since the last snapshot, data may have been missed
    std::string m_gap_why;
    std::vector<genesys::QueueObservation> m_snapshot_queues;
    std::vector<genesys::AgentUpdate> m_snapshot_agents;
    std::vector<genesys::Frame> m_held;
    bool m_held_overflow = false;
    bool m_paused = false;
    bool m_connected_once = false;
    bool m_stopped = false;
    Record m_record;
    // Per watched resource, the source_ts of its next record; event_id is
    // this run's sequence of records.
    std::map<std::string, std::string> m_source_ts;
    std::uint64_t m_event_seq = 0;
    std::uint64_t m_unasked = 0;    // messages about resources not watched, dropped
    std::uint64_t m_overflows = 0;  // metrics left out for not being finite
};

}  // namespace rtwatch::app
