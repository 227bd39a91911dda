// The Genesys Cloud upstream: channels per the topic plan, the snapshot
// (observations query, users with routing status and presence), deltas
// merged into rtwatch/genesys's state, and records for what changed.
#include "genesys_source.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "rtwatch/auth/token.hpp"
#include "rtwatch/core/log.hpp"
#include "rtwatch/core/time_format.hpp"
#include "rtwatch/genesys/plan.hpp"

namespace rtwatch::app {

namespace {

// Frames held while a snapshot is taken or the output is backlogged; past
// this the held frames are dropped and a fresh snapshot replaces them.
constexpr std::size_t k_max_held = 100'000;
}  // namespace

GenesysSource::GenesysSource(const Config& config, net::Loop& loop)
    : m_config(config),
      m_loop_services(std::make_unique<LoopServices>(loop)),
      m_services(*m_loop_services, genesys::RequestBudget(config.request_budget, genesys::k_default_budget_burst),
                 genesys::k_default_retry_cap),
      m_sockets(loop_sockets(loop)),
      m_tokens(
          config, m_services, [this] { return jitter(); }, token_events()),
      m_state(config.media) {}

GenesysSource::GenesysSource(const Config& config, Services& services, SocketFactory sockets,
                             std::function<double()> jitter)
    : m_config(config),
      m_services(services, genesys::RequestBudget(config.request_budget, genesys::k_default_budget_burst),
                 genesys::k_default_retry_cap),
      m_sockets(std::move(sockets)),
      m_jitter(std::move(jitter)),
      m_tokens(
          config, m_services, [this] { return this->jitter(); }, token_events()),
      m_state(config.media) {}

TokenKeeper::Events GenesysSource::token_events() {
    return TokenKeeper::Events{
        [this](bool first) {
            m_listener->status(first ? UpstreamStatus::token_acquired : UpstreamStatus::token_refreshed, "");
            m_listener->input_ends();
        },
        [this](const std::string& why) {
            m_listener->status(UpstreamStatus::reconnecting, why);
            m_listener->input_ends();
        },
        // A channel outlives the token that made it (REST calls take the new one).
        [] {}, [this](ExitCode code, std::string message) { end_run(code, std::move(message)); }};
}

GenesysSource::~GenesysSource() { stop(); }

void GenesysSource::start(SourceListener& listener) {
    m_listener = &listener;
    auto plan = genesys::plan_channels(genesys::topics_for(m_config.queues, m_config.agents));
    if (!plan) return end_run(plan.error().code, plan.error().message);
    for (auto& topics : *plan)
        m_channels.push_back(
            std::make_unique<GenesysChannel>(m_config, m_services, m_sockets, m_tokens, std::move(topics),
                                             static_cast<GenesysChannel::Owner&>(*this), [this] { return jitter(); }));
    log::info("Genesys Cloud: {} topics on {} channel(s)", m_config.queues.size() + m_config.agents.size(),
              m_channels.size());
    for (auto& c : m_channels) c->start();
}

void GenesysSource::stop() {
    m_stopped = true;
    if (m_snapshot_timer) m_services.cancel_timer(*m_snapshot_timer);
    m_snapshot_timer.reset();
    m_tokens.stop();
    for (auto& c : m_channels) c->stop();
}

void GenesysSource::end_run(ExitCode code, std::string message) {
    if (m_stopped) return;
    stop();
    m_listener->source_ended(code, std::move(message));
}

void GenesysSource::channel_subscribed(GenesysChannel&, const genesys::Subscriptions& answer) {
    if (m_judged) return;
    ++m_subscribed;
    m_permitted += answer.permitted.size();
    m_permitted_topics.insert(m_permitted_topics.end(), answer.permitted.begin(), answer.permitted.end());
    m_rejected.insert(m_rejected.end(), answer.rejected.begin(), answer.rejected.end());
    if (m_subscribed < m_channels.size()) return;
    m_judged = true;
    auto verdict = genesys::judge_subscriptions(m_permitted, m_rejected);
    if (!verdict.ok) return end_run(ExitCode::permission, verdict.error);
    if (!verdict.warning.empty()) log::warn("{}", verdict.warning);
    std::sort(m_permitted_topics.begin(), m_permitted_topics.end());
    auto permitted = [&](const std::string& topic) {
        return std::binary_search(m_permitted_topics.begin(), m_permitted_topics.end(), topic);
    };
    for (const auto& q : m_config.queues)
        if (permitted(genesys::queue_topic(q))) m_queues.push_back(q);
    for (const auto& a : m_config.agents)
        if (permitted(genesys::agent_topic(a))) m_agents.push_back(a);
    m_watched_queues.insert(m_queues.begin(), m_queues.end());
    m_watched_agents.insert(m_agents.begin(), m_agents.end());
}

bool GenesysSource::all_open() const {
    for (const auto& c : m_channels)
        if (!c->is_open()) return false;
    return true;
}

void GenesysSource::channel_open(GenesysChannel&) {
    if (!all_open()) return;
    if (!m_connected_once) {
        m_connected_once = true;
        m_listener->status(UpstreamStatus::connected, "fresh snapshot");
        m_listener->input_ends();
    }
    // Every socket is open: what was missed, or what was there before, comes
    // from a snapshot taken now.
    if (!m_have_snapshot || m_gap) take_snapshot();
}

void GenesysSource::channel_lost(GenesysChannel&, const std::string& why) {
    if (m_stopped) return;
    if (!m_gap) {
        m_listener->status(UpstreamStatus::reconnecting, why);
        m_listener->input_ends();
    }
    m_gap = true;
    m_gap_why = why;
    // An answer to a snapshot begun before the gap would not cover it, and
    // the frames held for it are older than the snapshot that will.
    if (m_snapshot_in_flight) {
        ++m_generation;
        m_snapshot_in_flight = false;
        m_held.clear();
        m_held_overflow = false;
    }
}

// The snapshot replaces the state; the frames held meanwhile go on top, in
// order; every resource is offered, and the diff stage writes only what
// differs from the last written state.
void GenesysSource::snapshot_answered() {
    if (name_snapshot()) return;  // the presence definitions first
    m_snapshot_in_flight = false;
    for (const auto& q : m_queues) m_state.replace_queue(q, m_snapshot_queues);
    for (const auto& a : m_snapshot_agents) m_state.apply(a);
    std::vector<std::pair<ResourceKind, std::string>> all;
    for (const auto& q : m_queues) all.emplace_back(ResourceKind::queue, q);
    for (const auto& a : m_agents) all.emplace_back(ResourceKind::agent, a);
    // A snapshot's records carry the time its answer arrived: the answers
    // have no time of their own.
    const std::string answered = format_rfc3339_ms(WallClock::now());
    for (const auto& [kind, id] : all) m_source_ts[source_key(kind, id)] = answered;
    const bool resync = m_have_snapshot;
    const std::string why = m_gap_why;
    m_have_snapshot = true;
    m_gap = false;
    if (!m_paused && !m_held_overflow) {
        std::vector<std::pair<ResourceKind, std::string>> ignored;
        for (auto& f : m_held) apply(f, ignored);
        m_held.clear();
    }
    emit(all);
    if (!resync) {
        m_listener->snapshot_complete();
    } else {
        const std::string message =
            "resynced after a gap (" + why + "): a fresh snapshot, diffed against the last written state";
        log::info("{}", message);
        m_listener->status(UpstreamStatus::connected, message);
    }
    m_listener->input_ends();
    // More arrived during the query than could be held: another snapshot.
    if (m_held_overflow && !m_paused) {
        m_gap = true;
        m_gap_why = "more updates arrived during a snapshot than could be held";
        take_snapshot();
    }
    snapshot_for_names();
}

// Only what was asked is kept: a message about a queue or user that is not
// watched (another client's topic, a server's mistake) is counted and dropped.
void GenesysSource::apply(genesys::Frame& frame, std::vector<std::pair<ResourceKind, std::string>>& changed) {
    auto watched = [](const std::set<std::string, std::less<>>& ids, const std::string& id) {
        return ids.count(id) != 0;
    };
    if (!name_frame(frame)) return;  // a snapshot that reads the presence definitions replaces it
    auto unasked = [&](const std::string& id) {
        if (++m_unasked == 1 || m_unasked % 10'000 == 0)
            log::warn("dropped {} message(s) about resources rtwatch did not subscribe to (e.g. {})", m_unasked, id);
    };
    if (frame.kind == genesys::Frame::Kind::agent_update) {
        if (!watched(m_watched_agents, frame.agent.user_id)) return unasked(frame.agent.user_id);
        if (m_state.apply(frame.agent)) {
            changed.emplace_back(ResourceKind::agent, frame.agent.user_id);
            stamp(ResourceKind::agent, frame.agent.user_id, frame.agent.time);
        }
        return;
    }
    for (const auto& q : frame.queues) {
        if (!watched(m_watched_queues, q.queue_id)) {
            unasked(q.queue_id);
            continue;
        }
        if (m_state.apply(q)) {
            changed.emplace_back(ResourceKind::queue, q.queue_id);
            stamp(ResourceKind::queue, q.queue_id, q.time);
        }
    }
}

// The time of what last changed a resource: the platform's own when the
// message carries one, else when it arrived.
void GenesysSource::stamp(ResourceKind kind, const std::string& id, const std::string& time) {
    m_source_ts[source_key(kind, id)] = time.empty() ? format_rfc3339_ms(WallClock::now()) : time;
}

void GenesysSource::channel_frame(GenesysChannel&, genesys::Frame& frame) {
    if (m_stopped) return;
    if (m_snapshot_in_flight || !m_have_snapshot || m_paused) {
        if (m_held.size() < k_max_held)
            m_held.push_back(std::move(frame));
        else
            m_held_overflow = true;
        return;
    }
    std::vector<std::pair<ResourceKind, std::string>> changed;
    apply(frame, changed);
    emit(changed);
    m_listener->input_ends();
    snapshot_for_names();
}

// A frame named a presence id the last snapshot's mappings did not: a new
// snapshot reads the presence definitions with it.
void GenesysSource::snapshot_for_names() {
    if (!m_definitions_wanted || m_definitions_asked || m_snapshot_in_flight || m_gap || m_stopped) return;
    m_gap = true;
    m_gap_why = "a presence id the observations answer did not map";
    take_snapshot();
}

void GenesysSource::emit(const std::vector<std::pair<ResourceKind, std::string>>& resources) {
    if (resources.empty()) return;
    m_listener->input_begins(WallClock::now());
    for (const auto& [kind, id] : resources) {
        bool known =
            kind == ResourceKind::queue ? m_state.queue_record(id, m_record) : m_state.agent_record(id, m_record);
        if (kind == ResourceKind::queue)
            for (const auto& name : m_state.dropped())
                if (++m_overflows == 1 || m_overflows % 1000 == 0)
                    log::warn(
                        "queue {}: {} is not a finite number (the counts overflowed); left out of its record "
                        "({} so far)",
                        id, name, m_overflows);
        if (!known) continue;
        m_record.source_ts = m_source_ts[source_key(kind, id)];
        m_record.event_id = std::to_string(++m_event_seq);
        m_listener->record(m_record);
    }
}

void GenesysSource::resume() {
    m_paused = false;
    if (m_held_overflow) {
        // More was held than kept: a snapshot says where things are now.
        m_held.clear();
        m_held_overflow = false;
        m_gap = true;
        m_gap_why = "more updates arrived than could be held while the output was backlogged";
        if (!m_snapshot_in_flight) take_snapshot();
        return;
    }
    if (m_snapshot_in_flight || !m_have_snapshot) return;
    std::vector<std::pair<ResourceKind, std::string>> changed;
    for (auto& f : m_held) apply(f, changed);
    m_held.clear();
    emit(changed);
    m_listener->input_ends();
}

}  // namespace rtwatch::app
