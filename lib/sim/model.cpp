// One tick of the contact-center day: agent timers, call arrivals and
// abandons, answering, then the metric changes that become events.
#include "rtwatch/sim/model.hpp"

#include <algorithm>

namespace rtwatch::sim {

namespace {

constexpr double k_mean_talk_ms = 180'000;
constexpr double k_mean_wrapup_ms = 30'000;
constexpr double k_mean_patience_ms = 90'000;
constexpr double k_mean_break_ms = 600'000;
constexpr double k_break_chance = 0.03;  // after a wrap-up, an agent takes a break
constexpr int64_t k_service_target_ms = 20'000;
constexpr int64_t k_service_window_ms = 900'000;

// A call's media type comes from a hash of its queue and arrival time, not
// from the seeded generator, so the SSE platform's sequence is unchanged.
Media media_of(uint32_t queue, int64_t arrived_ms) {
    uint64_t z = (uint64_t{queue} << 40) ^ static_cast<uint64_t>(arrived_ms);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return ((z ^ (z >> 31)) % 4) == 0 ? Media::chat : Media::voice;
}

}  // namespace

Model::Model(const ModelOptions& options) : m_options(options), m_rng(options.seed) {
    m_options.queues = std::max<uint32_t>(1, m_options.queues);
    m_options.skills = std::max<uint32_t>(1, m_options.skills);
    m_options.agents = std::max<uint32_t>(1, m_options.agents);
    m_options.redundant_ratio = std::clamp(m_options.redundant_ratio, 0.0, 0.99);
    build_topology();
    m_dirty.assign(m_ids.size(), 0);
    m_change_pos.assign(m_ids.size(), -1);
    init_agents();
    m_texts.resize(m_ids.size());
    for (ResourceIndex r = 0; r < m_ids.size(); ++r)
        m_texts[r] = std::make_shared<const std::string>(compute_metrics(r));
}

void Model::init_agents() {
    for (uint32_t a = 0; a < m_agents.size(); ++a) {
        Agent& agent = m_agents[a];
        agent.current_queue = agent.queues.front();
        agent.activity = Activity::offline;
        if (m_rng.chance(0.1)) {
            agent.until_ms = m_rng.exponential_ms(k_mean_break_ms / 2);
            m_timers.push({agent.until_ms, a});
        } else {
            set_activity(a, Activity::available, 0);
        }
    }
}

void Model::step(std::vector<ModelEvent>& out) {
    m_now_ms += k_tick_ms;
    run_timers();
    arrivals_and_abandons();
    dispatch();
    trim_windows();
    std::vector<Changed> changed;
    collect_changes(changed);
    mix_redundant(changed, out);
}

// Moves an agent to a new activity, keeping the availability counts that
// queue and skill metrics read.
void Model::set_activity(uint32_t a, Activity next, int64_t until_ms) {
    Agent& agent = m_agents[a];
    const bool was_available = agent.activity == Activity::available;
    const bool was_in = agent.activity != Activity::offline;
    const int d_avail = int(next == Activity::available) - int(was_available);
    const int d_in = int(next != Activity::offline) - int(was_in);
    agent.activity = next;
    agent.until_ms = until_ms;
    if (next == Activity::available) agent.started = true;
    if (until_ms > 0) m_timers.push({until_ms, a});
    m_dirty[agent_index(a)] = 1;
    for (uint32_t q : agent.queues) {
        m_queues[q].available += d_avail;
        m_queues[q].logged_in += d_in;
        if (d_avail || d_in) m_dirty[q] = 1;
    }
    for (uint32_t s : agent.skills) {
        m_skills[s].available += d_avail;
        if (d_avail) m_dirty[skill_index(s)] = 1;
    }
}

void Model::run_timers() {
    while (!m_timers.empty() && m_timers.top().at_ms <= m_now_ms) {
        const Timer timer = m_timers.top();
        m_timers.pop();
        Agent& agent = m_agents[timer.agent];
        if (agent.until_ms != timer.at_ms) continue;  // superseded
        switch (agent.activity) {
            case Activity::busy:
                agent.talk_ms_total += static_cast<uint64_t>(agent.call_talk_ms);
                set_activity(timer.agent, Activity::wrapup, m_now_ms + m_rng.exponential_ms(k_mean_wrapup_ms, 2000));
                break;
            case Activity::wrapup:
                if (m_rng.chance(k_break_chance))
                    set_activity(timer.agent, Activity::offline,
                                 m_now_ms + m_rng.exponential_ms(k_mean_break_ms, 60'000));
                else
                    set_activity(timer.agent, Activity::available, 0);
                break;
            case Activity::offline:
                set_activity(timer.agent, Activity::available, 0);
                break;
            case Activity::available:
                break;
        }
    }
}

void Model::arrivals_and_abandons() {
    for (uint32_t q = 0; q < m_queues.size(); ++q) {
        Queue& queue = m_queues[q];
        while (queue.next_arrival_ms <= m_now_ms) {
            const int64_t at = queue.next_arrival_ms;
            queue.calls.push_back({at, at + m_rng.exponential_ms(k_mean_patience_ms, 5000), media_of(q, at)});
            queue.next_arrival_ms += m_rng.exponential_ms(queue.mean_interarrival_ms);
            m_dirty[q] = 1;
        }
        const auto before = queue.calls.size();
        std::erase_if(queue.calls, [&](const Call& c) { return c.abandon_ms <= m_now_ms; });
        if (queue.calls.size() != before) {
            queue.abandoned += before - queue.calls.size();
            m_dirty[q] = 1;
        }
    }
}

// Queues whose oldest caller has waited longest are served first; each takes
// its lowest-numbered available member.
void Model::dispatch() {
    std::vector<uint32_t> waiting;
    for (uint32_t q = 0; q < m_queues.size(); ++q)
        if (!m_queues[q].calls.empty() && m_queues[q].available > 0) waiting.push_back(q);
    std::sort(waiting.begin(), waiting.end(), [&](uint32_t a, uint32_t b) {
        const int64_t ta = m_queues[a].calls.front().arrived_ms, tb = m_queues[b].calls.front().arrived_ms;
        return ta != tb ? ta < tb : a < b;
    });
    for (uint32_t q : waiting) {
        Queue& queue = m_queues[q];
        for (uint32_t a : queue.members) {
            if (queue.calls.empty() || queue.available == 0) break;
            if (m_agents[a].activity == Activity::available) answer(q, a);
        }
    }
}

void Model::answer(uint32_t q, uint32_t a) {
    Queue& queue = m_queues[q];
    const Call call = queue.calls.front();
    queue.calls.pop_front();
    queue.answered += 1;
    const bool within = m_now_ms - call.arrived_ms <= k_service_target_ms;
    queue.window.push_back({m_now_ms, within});
    queue.window_within += within ? 1 : 0;
    m_dirty[q] = 1;
    Agent& agent = m_agents[a];
    agent.current_queue = q;
    agent.media = call.media;
    agent.call_talk_ms = m_rng.exponential_ms(k_mean_talk_ms, 10'000);
    set_activity(a, Activity::busy, m_now_ms + agent.call_talk_ms);
}

void Model::trim_windows() {
    for (uint32_t q = 0; q < m_queues.size(); ++q) {
        Queue& queue = m_queues[q];
        while (!queue.window.empty() && queue.window.front().at_ms <= m_now_ms - k_service_window_ms) {
            queue.window_within -= queue.window.front().within_target ? 1 : 0;
            queue.window.pop_front();
            m_dirty[q] = 1;
        }
        if (!queue.calls.empty()) m_dirty[q] = 1;  // the longest wait grows
        if (m_dirty[q]) m_dirty[skill_index(queue.skill)] = 1;
    }
}

void Model::collect_changes(std::vector<Changed>& changed) {
    for (ResourceIndex r = 0; r < m_ids.size(); ++r) {
        if (!m_dirty[r]) continue;
        m_dirty[r] = 0;
        std::string text = compute_metrics(r);
        if (text == *m_texts[r]) continue;
        m_change_pos[r] = static_cast<int32_t>(changed.size());
        changed.push_back({r, std::move(m_texts[r])});
        m_texts[r] = std::make_shared<const std::string>(std::move(text));
    }
}

// A redundant event repeats one resource's metrics as they stand at that
// point of the sequence: a resource that changes later in this tick repeats
// its previous state, so the published state stays exactly the last event.
void Model::mix_redundant(std::vector<Changed>& changed, std::vector<ModelEvent>& out) {
    const double per_change = m_options.redundant_ratio / (1.0 - m_options.redundant_ratio);
    for (size_t i = 0; i < changed.size(); ++i) {
        out.push_back({changed[i].resource, m_texts[changed[i].resource], false});
        m_redundant_credit += per_change;
        while (m_redundant_credit >= 1.0) {
            m_redundant_credit -= 1.0;
            const auto r = static_cast<ResourceIndex>(m_rng.below(m_ids.size()));
            const int32_t pos = m_change_pos[r];
            const bool later = pos >= 0 && static_cast<size_t>(pos) > i;
            out.push_back({r, later ? changed[pos].previous : m_texts[r], true});
        }
    }
    for (const Changed& c : changed) m_change_pos[c.resource] = -1;
}

size_t Model::queue_waiting(uint32_t q, Media media) const {
    size_t n = 0;
    for (const Call& c : m_queues[q].calls) n += c.media == media ? 1 : 0;
    return n;
}

std::optional<ResourceIndex> Model::find(ResourceKind k, std::string_view id) const {
    auto it = m_by_id.find(std::string(id));
    if (it == m_by_id.end() || kind(it->second) != k) return std::nullopt;
    return it->second;
}

ResourceKind Model::kind(ResourceIndex r) const {
    if (r < m_queues.size()) return ResourceKind::queue;
    if (r < m_queues.size() + m_skills.size()) return ResourceKind::skill;
    return ResourceKind::agent;
}

}  // namespace rtwatch::sim
