// The Genesys Cloud upstream: channels per the topic plan, the snapshot
// (observations query, users with routing status and presence), deltas
// merged into rtwatch/genesys's state, and records for what changed.
#include "genesys_source.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "rtwatch/auth/token.hpp"
#include "rtwatch/core/log.hpp"
#include "rtwatch/genesys/plan.hpp"

namespace rtwatch::app {

namespace {

// Frames held while a snapshot is taken or the output is backlogged; past
// this the held frames are dropped and a fresh snapshot replaces them.
constexpr std::size_t k_max_held = 100'000;
// Ids per snapshot request: Genesys caps filter predicates and id lists.
constexpr std::size_t k_ids_per_request = 100;
// The least time between the starts of two snapshots.
constexpr Millis k_snapshot_floor{2'000};

std::string trimmed(std::string base) {
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
}

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

// Snapshots are paced: one begins no sooner than k_snapshot_floor after the
// one before, so sockets that keep reopening cannot make a query each time.
void GenesysSource::take_snapshot() {
    const TimePoint now = m_services.now();
    if (m_snapshots_begun > 0 && now < m_last_snapshot + k_snapshot_floor) {
        if (m_snapshot_timer) return;
        m_snapshot_timer = m_services.add_timer(m_last_snapshot + k_snapshot_floor, [this] {
            m_snapshot_timer.reset();
            if (!m_stopped && m_gap && all_open()) take_snapshot();
        });
        return;
    }
    m_last_snapshot = now;
    ++m_snapshots_begun;
    ++m_generation;
    m_snapshot_in_flight = true;
    // What was heard before the query went is in its answer.
    m_held.clear();
    m_held_overflow = false;
    m_pending = 0;
    m_snapshot_queues.clear();
    m_snapshot_agents.clear();
    const std::string base = trimmed(m_config.api_url);
    const auto& queues = m_queues;
    for (std::size_t i = 0; i < queues.size(); i += k_ids_per_request) {
        std::vector<std::string> chunk(
            queues.begin() + static_cast<std::ptrdiff_t>(i),
            queues.begin() + static_cast<std::ptrdiff_t>(std::min(queues.size(), i + k_ids_per_request)));
        net::Request r;
        r.method = "POST";
        r.url = base + "/api/v2/analytics/queues/observations/query";
        r.headers = {"Content-Type: application/json"};
        r.body = genesys::observations_query_body(chunk);
        snapshot_request(std::move(r), "the queue observations query", true);
    }
    const auto& agents = m_agents;
    for (std::size_t i = 0; i < agents.size(); i += k_ids_per_request) {
        std::string ids;
        for (std::size_t j = i; j < std::min(agents.size(), i + k_ids_per_request); ++j)
            ids += "&id=" + genesys::url_component(agents[j]);
        net::Request r;
        r.url = base + "/api/v2/users?pageSize=" + std::to_string(k_ids_per_request) + ids +
                "&expand=presence,routingStatus";
        snapshot_request(std::move(r), "the users query", false);
    }
    if (m_pending == 0) snapshot_answered();
}

void GenesysSource::snapshot_request(net::Request request, std::string what, bool queues) {
    ++m_pending;
    const std::uint64_t generation = m_generation;
    auto unauthorized = std::make_shared<int>(0);
    auto backoff = std::make_shared<genesys::Backoff>();
    backoff->max = m_config.max_backoff;
    auto send = std::make_shared<std::function<void()>>();
    // The function holds itself weakly: what is pending (the token wait, the
    // request, a retry timer) keeps it alive, and a run that stops or moves
    // on to a new generation frees it with them.
    *send = [this, request, what, queues, generation, backoff, unauthorized,
             weak = std::weak_ptr<std::function<void()>>(send)] {
        auto send = weak.lock();
        if (!send) return;
        m_tokens.with_token([this, request, what, queues, generation, backoff, unauthorized, send] {
            if (m_stopped || generation != m_generation) return;
            net::Request r = request;
            r.headers.push_back("Authorization: Bearer " + m_tokens.access_token());
            r.headers.push_back("Accept: application/json");
            r.follow_redirects = false;
            r.timeout = m_config.request_timeout;
            m_services.request(std::move(r), [this, request, what, queues, generation, backoff, unauthorized,
                                              send](net::Response response) {
                if (m_stopped || generation != m_generation) return;
                genesys::RestReply reply{response.status,
                                         auth::parse_retry_after(response.retry_after, WallClock::now()),
                                         response.transport_error,
                                         response.untrusted_certificate,
                                         what,
                                         request.url,
                                         false,
                                         false,
                                         response.body_too_large};
                auto step = genesys::classify_rest(reply, *backoff, jitter(), *unauthorized);
                using A = genesys::RestStep::Action;
                if (step.action == A::fail || step.action == A::new_channel)
                    return end_run(step.exit_code, step.message);
                if (step.action != A::ok) {
                    if (step.action == A::new_token) m_tokens.invalidate();
                    log::warn("{}; trying again in {}", step.message, format_duration(step.delay));
                    m_services.add_timer(m_services.now() + step.delay, [send] { (*send)(); });
                    return;
                }
                if (queues) {
                    auto groups = genesys::parse_observations_query(response.body);
                    if (!groups) return end_run(groups.error().code, groups.error().message);
                    m_snapshot_queues.insert(m_snapshot_queues.end(), groups->begin(), groups->end());
                } else {
                    auto users = genesys::parse_users(response.body);
                    if (!users) return end_run(users.error().code, users.error().message);
                    m_snapshot_agents.insert(m_snapshot_agents.end(), users->begin(), users->end());
                }
                *send = nullptr;  // breaks the cycle through its own capture
                if (--m_pending == 0) snapshot_answered();
            });
        });
    };
    (*send)();
}

// The snapshot replaces the state; the frames held meanwhile go on top, in
// order; every resource is offered, and the diff stage writes only what
// differs from the last written state.
void GenesysSource::snapshot_answered() {
    m_snapshot_in_flight = false;
    for (const auto& q : m_queues) m_state.replace_queue(q, m_snapshot_queues);
    for (const auto& a : m_snapshot_agents) m_state.apply(a);
    std::vector<std::pair<ResourceKind, std::string>> all;
    for (const auto& q : m_queues) all.emplace_back(ResourceKind::queue, q);
    for (const auto& a : m_agents) all.emplace_back(ResourceKind::agent, a);
    const bool resync = m_have_snapshot;
    const std::string why = m_gap_why;
    m_have_snapshot = true;
    m_gap = false;
    if (!m_paused && !m_held_overflow) {
        std::vector<std::pair<ResourceKind, std::string>> ignored;
        for (const auto& f : m_held) apply(f, ignored);
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
}

// Only what was asked is kept: a message about a queue or user that is not
// watched (another client's topic, a server's mistake) is counted and dropped.
void GenesysSource::apply(const genesys::Frame& frame, std::vector<std::pair<ResourceKind, std::string>>& changed) {
    auto watched = [](const std::set<std::string, std::less<>>& ids, const std::string& id) {
        return ids.count(id) != 0;
    };
    auto unasked = [&](const std::string& id) {
        if (++m_unasked == 1 || m_unasked % 10'000 == 0)
            log::warn("dropped {} message(s) about resources rtwatch did not subscribe to (e.g. {})", m_unasked, id);
    };
    if (frame.kind == genesys::Frame::Kind::agent_update) {
        if (!watched(m_watched_agents, frame.agent.user_id)) return unasked(frame.agent.user_id);
        if (m_state.apply(frame.agent)) changed.emplace_back(ResourceKind::agent, frame.agent.user_id);
        return;
    }
    for (const auto& q : frame.queues) {
        if (!watched(m_watched_queues, q.queue_id)) {
            unasked(q.queue_id);
            continue;
        }
        if (m_state.apply(q)) changed.emplace_back(ResourceKind::queue, q.queue_id);
    }
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
        if (known) m_listener->record(m_record);
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
    for (const auto& f : m_held) apply(f, changed);
    m_held.clear();
    emit(changed);
    m_listener->input_ends();
}

}  // namespace rtwatch::app
