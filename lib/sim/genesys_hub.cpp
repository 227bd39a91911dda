// The Genesys driver and publisher: the model stepped against the clock,
// observed after each pass, and each topic's changes published at most once
// per topic interval (the documented 1 s) as partial metric sets; sockets
// with heartbeats and pong.
#include "genesys_hub.hpp"

#include <rapidjson/document.h>

#include <algorithm>

#include <fmt/format.h>

#include "genesys_frames.hpp"
#include "rtwatch/core/log.hpp"

namespace rtwatch::sim::genesys {

namespace {

constexpr auto k_pace = std::chrono::milliseconds(20);
constexpr int k_max_ticks_per_pass = 2000;
constexpr auto k_half_hour = std::chrono::minutes(30);

}  // namespace

GenesysHub::GenesysHub(SimServer::Impl& s) : m_s(s), m_o(s.options.genesys), m_org(s.options.model.seed) {
    const WallTime wall = WallClock::now();
    m_queues.resize(s.model->queue_count());
    m_agents.resize(s.model->agent_count());
    for (uint32_t q = 0; q < m_queues.size(); ++q) m_queues[q].current = observe_queue(*s.model, q, m_o.plain_on_queue);
    for (uint32_t a = 0; a < m_agents.size(); ++a) {
        m_agents[a].current = observe_agent(*s.model, a);
        m_agents[a].since = wall;
    }
    m_next_aggregate = SteadyClock::now() + m_o.aggregate_every;
}

void GenesysHub::run() {
    TimePoint start = SteadyClock::now();
    TimePoint last = start;
    std::vector<ModelEvent> ignored;  // the SSE events: this platform reads state instead
    std::unique_lock lock(m_s.stop_mutex);
    while (!m_s.stopping) {
        lock.unlock();
        const TimePoint now = SteadyClock::now();
        const WallTime wall = WallClock::now();
        const bool paused = m_s.faults.paused();
        if (paused) start += now - last;  // simulated time stands still too
        last = now;
        const double due_ms = std::chrono::duration<double, std::milli>(now - start).count() * m_s.options.speed;
        for (int ticks = 0; !paused && ticks < k_max_ticks_per_pass && m_s.model->now_ms() < due_ms; ++ticks) {
            ignored.clear();
            m_s.model->step(ignored);
        }
        if (!paused) observe(wall);
        flush(now, wall);
        aggregates(now, wall);
        expire_due(now);
        lock.lock();
        m_s.stop_cv.wait_for(lock, k_pace, [&] { return m_s.stopping.load(); });
    }
    std::lock_guard channels(m_mutex);
    for (auto& [id, c] : m_channels)
        if (c.socket) c.socket->close(1001, "server stopping");
}

void GenesysHub::observe(WallTime wall) {
    std::vector<QueueObservation> queues(m_queues.size());
    for (uint32_t q = 0; q < queues.size(); ++q) queues[q] = observe_queue(*m_s.model, q, m_o.plain_on_queue);
    std::lock_guard lock(m_state_mutex);
    for (uint32_t q = 0; q < queues.size(); ++q) {
        mark_changes(m_queues[q].current, queues[q], m_queues[q].unsent);
        m_queues[q].current = std::move(queues[q]);
    }
    for (uint32_t a = 0; a < m_agents.size(); ++a) {
        AgentTopic& t = m_agents[a];
        const AgentStatus s = observe_agent(*m_s.model, a);
        if (s == t.current) continue;
        t.presence_unsent |= s.presence != t.current.presence;
        t.routing_unsent |= s.routing_status != t.current.routing_status;
        t.current = s;
        t.since = wall;
    }
}

void GenesysHub::flush(TimePoint now, WallTime wall) {
    Frames frames;
    const Model& model = *m_s.model;
    {
        std::lock_guard lock(m_state_mutex);
        const std::string interval = interval_text(wall, wall);  // an observation: zero length
        for (uint32_t q = 0; q < m_queues.size(); ++q) {
            QueueTopic& t = m_queues[q];
            if (now - t.last_flush < m_o.topic_interval || !t.unsent.any) continue;
            const std::string& id = model.id(q);
            for (const Group& g : masked_groups(t.current, t.unsent))
                frames.push_back({queue_topic(id), observation_frame(m_org, id, g, interval), OutFrame::observation});
            t.unsent = {};
            t.last_flush = now;
        }
        for (uint32_t a = 0; a < m_agents.size(); ++a) {
            AgentTopic& t = m_agents[a];
            if (now - t.last_flush < m_o.topic_interval || !t.pending()) continue;
            const std::string& id = model.id(agent_resource(model, a));
            frames.push_back({fmt::format("v2.users.{}.activity", id), activity_frame(m_org, id, t.current, t.since),
                              OutFrame::user});
            if (t.presence_unsent)
                frames.push_back({fmt::format("v2.users.{}.presence", id),
                                  presence_frame(m_org, id, t.current, t.since), OutFrame::user});
            if (t.routing_unsent)
                frames.push_back({fmt::format("v2.users.{}.routingStatus", id),
                                  routing_status_frame(id, t.current, t.since), OutFrame::user});
            t.presence_unsent = t.routing_unsent = false;
            t.last_flush = now;
        }
        // Still under the state lock: once /sim/state shows nothing pending,
        // every frame is on its sockets' queues.
        if (!frames.empty()) fan_out(frames, now);
    }
}

// A 30-minute aggregate interval on each subscribed observation topic: not
// an observation, with counts that would corrupt a client that took it for one.
void GenesysHub::aggregates(TimePoint now, WallTime wall) {
    if (m_o.aggregate_every.count() <= 0 || now < m_next_aggregate) return;
    m_next_aggregate = now + m_o.aggregate_every;
    const auto since_epoch = wall.time_since_epoch();
    const WallTime start{std::chrono::floor<std::chrono::minutes>(since_epoch) -
                         std::chrono::floor<std::chrono::minutes>(since_epoch) % k_half_hour};
    const std::string interval = interval_text(start, start + k_half_hour);
    Frames frames;
    const Model& model = *m_s.model;
    for (uint32_t q = 0; q < m_queues.size(); ++q) {
        const int64_t answered = static_cast<int64_t>(model.queue_answered(q));
        for (std::string_view media : k_media_names) {
            Group g{
                media,
                {{"oWaiting", "", answered + 1000}, {"oInteracting", "", answered + 500}, {"nOffered", "", answered}}};
            frames.push_back(
                {queue_topic(model.id(q)), observation_frame(m_org, model.id(q), g, interval), OutFrame::aggregate});
        }
    }
    fan_out(frames, now);
}

void GenesysHub::fan_out(const Frames& frames, TimePoint now) {
    std::lock_guard lock(m_mutex);
    const bool silent = silent_now(now);
    for (auto& [id, c] : m_channels) {
        if (!c.socket) continue;
        for (const OutFrame& f : frames) {
            if (!c.topics.count(f.topic)) continue;
            if (silent) {
                ++stats.frames_dropped_silent;
                continue;
            }
            if (!c.socket->send_text(f.text)) continue;
            ++stats.frames_sent;
            ++(f.kind == OutFrame::user        ? stats.user_messages
               : f.kind == OutFrame::aggregate ? stats.aggregate_messages
                                               : stats.observation_messages);
        }
    }
}

bool GenesysHub::silent_now(TimePoint now) const { return now < m_silent_until; }

std::shared_ptr<WsSession> GenesysHub::attach_socket(const std::string& channel, int fd) {
    auto session = std::make_shared<WsSession>(
        fd, WsLimits{m_o.max_message_bytes, m_o.max_queued_bytes, m_s.options.write_timeout});
    std::lock_guard lock(m_mutex);
    Channel* c = find_locked(channel, SteadyClock::now());
    if (!c) return nullptr;
    if (c->socket) {
        c->socket->close(1000, "another socket connected to this channel");
        ++stats.sockets_kicked;
    }
    c->socket = session;
    touch(*c, SteadyClock::now(), false);
    storm_socket(session);
    return session;
}

void GenesysHub::serve_socket(const std::shared_ptr<WsSession>& session) {
    ++stats.sockets_opened;
    ++stats.sockets_open;
    TimePoint next_heartbeat = SteadyClock::now() + m_s.options.heartbeat;
    WsHooks hooks;
    hooks.tick = std::min<std::chrono::milliseconds>(std::chrono::milliseconds(100), m_s.options.heartbeat);
    hooks.stopping = [this] { return m_s.stopping.load(); };
    hooks.on_tick = [&](TimePoint now) {
        if (now < next_heartbeat) return;
        next_heartbeat = now + m_s.options.heartbeat;
        std::lock_guard lock(m_mutex);
        if (!silent_now(now) && session->send_text(heartbeat_frame())) ++stats.heartbeats_sent;
    };
    hooks.on_text = [&](std::string_view text) {
        rapidjson::Document doc;
        doc.Parse(text.data(), text.size());
        if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("message") || !doc["message"].IsString() ||
            std::string_view(doc["message"].GetString()) != "ping")
            return;
        std::lock_guard lock(m_mutex);
        if (!silent_now(SteadyClock::now())) session->send_text(pong_frame());
    };
    session->run(hooks);
    --stats.sockets_open;
    std::lock_guard lock(m_mutex);
    for (auto& [id, c] : m_channels)
        if (c.socket == session) c.socket.reset();
}

std::string GenesysHub::state_json(bool per_media) const {
    const Model& model = *m_s.model;
    std::string out = "{\"queues\":{";
    size_t pending = 0;
    std::lock_guard lock(m_state_mutex);
    for (uint32_t q = 0; q < m_queues.size(); ++q) {
        out += fmt::format("{}\"{}\":", q ? "," : "", model.id(q));
        out += flat_queue_json(m_queues[q].current, per_media);
        pending += m_queues[q].unsent.any ? 1 : 0;
    }
    out += "},\"agents\":{";
    for (uint32_t a = 0; a < m_agents.size(); ++a) {
        out += fmt::format("{}\"{}\":", a ? "," : "", model.id(agent_resource(model, a)));
        out += flat_agent_json(m_agents[a].current);
        pending += m_agents[a].pending() ? 1 : 0;
    }
    out += fmt::format("}},\"pending\":{}}}", pending);
    return out;
}

std::string GenesysHub::query(const std::vector<std::string>& queue_ids, const std::set<std::string>& metrics) const {
    std::string out = "{\"results\":[";
    bool first = true;
    std::lock_guard lock(m_state_mutex);
    for (const std::string& id : queue_ids) {
        const auto r = m_s.model->find(ResourceKind::queue, id);
        if (!r) continue;
        for (const Group& g : m_queues[*r].current.groups) {
            Group selected{g.media, {}};
            for (const Metric& m : g.metrics)
                if (metrics.empty() || metrics.count(std::string(m.metric))) selected.metrics.push_back(m);
            if (selected.metrics.empty()) continue;
            if (!first) out += ',';
            first = false;
            append_query_result(m_org, out, id, selected);
        }
    }
    out += ']';
    // As Genesys does: which organisation presence ids each system presence
    // has (left out when the simulator is told to, as an older API would).
    if (!m_o.omit_mappings) out += ',' + m_org.mappings_json();
    out += '}';
    return out;
}

std::optional<std::pair<AgentStatus, WallTime>> GenesysHub::agent(std::string_view id) const {
    const auto r = m_s.model->find(ResourceKind::agent, id);
    if (!r) return std::nullopt;
    const uint32_t a = *r - m_s.model->queue_count() - m_s.model->skill_count();
    std::lock_guard lock(m_state_mutex);
    return std::pair{m_agents[a].current, m_agents[a].since};
}

ResourceIndex agent_resource(const Model& model, uint32_t agent) {
    return model.queue_count() + model.skill_count() + agent;
}

}  // namespace rtwatch::sim::genesys
