// The Genesys platform's shared state: the model's observations and agent
// statuses (current, and as last published on their topics), the
// notification channels with their subscriptions and sockets, the standing
// faults, and the counters of /sim/stats. The driver thread steps the model
// and publishes deltas; REST handlers and socket threads call in.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "genesys_frames.hpp"
#include "rtwatch/sim/genesys_metrics.hpp"
#include "server_impl.hpp"
#include "ws_session.hpp"

namespace rtwatch::sim::genesys {

struct GenesysStats {
    std::atomic<uint64_t> token_requests{0}, tokens_issued{0}, channels_created{0}, channels_evicted{0},
        channels_expired{0}, sockets_opened{0}, sockets_kicked{0}, subscription_requests{0}, rest_calls{0},
        throttled{0}, frames_sent{0}, heartbeats_sent{0}, observation_messages{0}, aggregate_messages{0},
        user_messages{0}, frames_dropped_silent{0}, definition_requests{0};
    std::atomic<int64_t> sockets_open{0};
};

struct ChannelView {
    std::string id;
    WallTime expires;
};

// What a subscription request was answered.
struct SubscribeAnswer {
    int status = 200;
    std::string body;
};

// A standing fault that REST answers consult.
struct Throttle {
    int count = 0;
    int64_t retry_after_s = 1;
    bool token = false;  // the token endpoint instead of the REST API
};

class GenesysHub {
public:
    explicit GenesysHub(SimServer::Impl& s);

    // The driver, until the server stops: steps the model, publishes each
    // topic's changes and the aggregates, ends expired channels.
    void run();

    // REST.
    // Channels belong to the token that made them: the listing, as the
    // platform documents it, shows only the calling token's channels, or
    // with includechannels=oauthclient every channel of the client.
    ChannelView create_channel(TimePoint now, const std::string& token = {});
    std::vector<ChannelView> channels(TimePoint now, const std::string& token = {}, bool whole_client = false);
    bool channel_exists(const std::string& id, TimePoint now);  // HEAD .../channels/{id}
    std::string available_topics_json() const;                  // GET .../availabletopics
    // PUT (replace) or POST (add) of subscriptions; body is [{"id":topic},...].
    SubscribeAnswer subscribe(const std::string& channel, std::string_view body, bool ignore_errors, bool replace,
                              TimePoint now);
    // nullopt when the channel does not exist (or expired).
    std::optional<std::vector<std::string>> subscriptions(const std::string& channel, TimePoint now);
    bool unsubscribe_all(const std::string& channel, TimePoint now);
    // {"results":[...]} for these queues (unknown ids are left out).
    std::string query(const std::vector<std::string>& queue_ids, const std::set<std::string>& metrics) const;
    // The organisation's presence definitions (ids stable per seed).
    const OrgPresences& org() const { return m_org; }
    // An agent's status and when it last changed; nullopt for an unknown id.
    std::optional<std::pair<AgentStatus, WallTime>> agent(std::string_view id) const;
    // True when the OAuth client lacks it: options and reject-topics faults.
    bool missing(std::string_view permission) const;
    std::optional<Throttle> take_throttle(bool token);

    // The socket of a channel, on the connection's thread.
    // Makes a socket the channel's (kicking the one before) before the
    // upgrade is answered, so nothing sent after the 101 can miss it; null
    // when the channel is gone.
    std::shared_ptr<WsSession> attach_socket(const std::string& channel, int fd);
    void serve_socket(const std::shared_ptr<WsSession>& session);

    // /sim/state and /sim/stats.
    std::string state_json(bool per_media) const;
    std::string stats_json() const;

    // Faults; each returns how many channels it touched.
    size_t socket_closing(std::optional<std::string> channel, std::chrono::milliseconds delay);
    size_t expire_channel(std::optional<std::string> channel);
    size_t evict_channel(std::optional<std::string> channel);
    size_t kick(std::optional<std::string> channel);
    size_t revoke();
    void silent(std::optional<std::chrono::milliseconds> for_ms);
    void throttle(Throttle t);
    void reject_permission(std::string permission);
    // A standing storm: what the platform does to every socket as it opens
    // ("socket-closing", "no-longer-subscribed", "token-revoked",
    // "close-on-open"), or "expired-channel": channels created with an
    // `expires` already past. Empty: none.
    void storm(std::string shape);
    void restore();

    GenesysStats stats;

private:
    struct Channel {
        std::string id;
        TimePoint expires;
        WallTime expires_wall;
        uint64_t last_used = 0;
        std::string token;  // the access token that made it
        std::set<std::string> topics;
        std::shared_ptr<WsSession> socket;
    };
    // What is current, and what changed since the topic was last published
    // (even if it changed back: a snapshot may have seen it).
    struct QueueTopic {
        QueueObservation current;
        ChangeMask unsent;
        TimePoint last_flush{};
    };
    struct AgentTopic {
        AgentStatus current;
        WallTime since{};
        bool presence_unsent = false, routing_unsent = false;
        TimePoint last_flush{};
        bool pending() const { return presence_unsent || routing_unsent; }
    };
    struct OutFrame {
        std::string topic;
        std::string text;
        enum Kind { observation, aggregate, user } kind;
    };
    using Frames = std::vector<OutFrame>;

    void observe(WallTime wall);
    void flush(TimePoint now, WallTime wall);
    void aggregates(TimePoint now, WallTime wall);
    void expire_due(TimePoint now);
    void fan_out(const Frames& frames, TimePoint now);
    bool silent_now(TimePoint now) const;
    // Ends a channel: an optional system message, then a close.
    void end_channel(Channel& c, std::string_view system, uint16_t code, std::string_view reason);
    Channel* find_locked(const std::string& id, TimePoint now);
    std::optional<std::string_view> permission_for(std::string_view topic) const;
    void touch(Channel& c, TimePoint now, bool extend);
    bool missing_locked(std::string_view permission) const;

    SimServer::Impl& m_s;
    const GenesysOptions& m_o;
    const OrgPresences m_org;

    // Lock order: m_state_mutex, then m_mutex, then a socket's own.
    mutable std::mutex m_state_mutex;  // the observations below
    std::vector<QueueTopic> m_queues;
    std::vector<AgentTopic> m_agents;

    mutable std::mutex m_mutex;  // channels and faults
    std::map<std::string, Channel> m_channels;
    uint64_t m_use_counter = 0;
    TimePoint m_silent_until{};
    std::optional<Throttle> m_throttle;
    std::vector<std::string> m_rejected_permissions;
    std::string m_storm;
    TimePoint m_next_aggregate{};
    // The storm's work on a socket just attached; under m_mutex.
    void storm_socket(const std::shared_ptr<WsSession>& session);
};

// The model's resource index of agent number `agent`.
ResourceIndex agent_resource(const Model& model, uint32_t agent);

inline constexpr std::string_view k_queue_permission = "analytics:queueObservation:view";
inline constexpr std::string_view k_user_permission = "analytics:userObservation:view";

void install_genesys_endpoints(SimServer::Impl& s);
void install_genesys_controls(SimServer::Impl& s);

}  // namespace rtwatch::sim::genesys
