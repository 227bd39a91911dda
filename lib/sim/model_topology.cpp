// The shape of the contact center and how each resource's metrics read:
// ids, queue membership, skills, and the metric JSON computed from state.
#include <algorithm>

#include <fmt/format.h>

#include "rtwatch/sim/model.hpp"

namespace rtwatch::sim {

namespace {

constexpr const char* k_skill_names[] = {"billing",    "sales",   "support",  "technical", "claims",   "retention",
                                         "onboarding", "returns", "payments", "shipping",  "accounts", "vip"};
constexpr uint32_t k_named_skills = sizeof(k_skill_names) / sizeof(k_skill_names[0]);
constexpr double k_mean_handle_ms = 210'000;  // talk + wrap-up

int width_for(uint32_t count, int minimum) {
    int digits = 1;
    for (uint32_t v = count; v >= 10; v /= 10) ++digits;
    return std::max(digits, minimum);
}

std::string numbered(std::string_view prefix, uint32_t index, uint32_t count, int min_width) {
    return fmt::format("{}{:0{}}", prefix, index + 1, width_for(count, min_width));
}

const char* activity_name(uint8_t activity) {
    static constexpr const char* names[] = {"available", "busy", "wrapup", "offline"};
    return names[activity];
}

// 85.5 for 855 tenths, 100 for 1000: one decimal only when it is not zero.
std::string tenths_text(uint64_t tenths) {
    if (tenths % 10 == 0) return fmt::format("{}", tenths / 10);
    return fmt::format("{}.{}", tenths / 10, tenths % 10);
}

}  // namespace

std::string queue_id(uint32_t index, uint32_t count) { return numbered("queue-", index, count, 4); }
std::string agent_id(uint32_t index, uint32_t count) { return numbered("agent-", index, count, 5); }
std::string skill_id(uint32_t index, uint32_t count) {
    if (count <= k_named_skills) return std::string("skill-") + k_skill_names[index];
    return numbered("skill-", index, count, 4);
}

// Every agent has a home queue (agents are spread evenly) and some also
// serve a second queue. A queue's call volume is sized to its staff, with a
// load between 55% and 110% so some queues build up waits and abandons.
void Model::build_topology() {
    const uint32_t nq = m_options.queues, ns = m_options.skills, na = m_options.agents;
    m_queues.resize(nq);
    m_skills.resize(ns);
    m_agents.resize(na);
    for (uint32_t q = 0; q < nq; ++q) {
        m_queues[q].skill = q % ns;
        m_skills[q % ns].queues.push_back(q);
    }
    for (uint32_t a = 0; a < na; ++a) {
        Agent& agent = m_agents[a];
        agent.queues.push_back(a % nq);
        if (nq > 1 && m_rng.chance(0.3)) {
            const auto extra = static_cast<uint32_t>(m_rng.below(nq));
            if (extra != agent.queues.front()) agent.queues.push_back(extra);
        }
        for (uint32_t q : agent.queues) {
            m_queues[q].members.push_back(a);
            if (std::find(agent.skills.begin(), agent.skills.end(), m_queues[q].skill) == agent.skills.end())
                agent.skills.push_back(m_queues[q].skill);
        }
    }
    for (uint32_t q = 0; q < nq; ++q) {
        const double staff = std::max<double>(1.0, static_cast<double>(na / nq + (q < na % nq ? 1 : 0)));
        const double load = m_rng.uniform(0.55, 1.10);
        m_queues[q].mean_interarrival_ms = k_mean_handle_ms / (staff * load);
        m_queues[q].next_arrival_ms = m_rng.exponential_ms(m_queues[q].mean_interarrival_ms);
    }
    for (uint32_t q = 0; q < nq; ++q) m_ids.push_back(queue_id(q, nq));
    for (uint32_t s = 0; s < ns; ++s) m_ids.push_back(skill_id(s, ns));
    for (uint32_t a = 0; a < na; ++a) m_ids.push_back(agent_id(a, na));
    for (ResourceIndex r = 0; r < m_ids.size(); ++r) m_by_id.emplace(m_ids[r], r);
}

std::string Model::compute_metrics(ResourceIndex r) const {
    if (r < m_queues.size()) return queue_metrics(r);
    if (r < m_queues.size() + m_skills.size()) return skill_metrics(r - static_cast<uint32_t>(m_queues.size()));
    return agent_metrics(r - static_cast<uint32_t>(m_queues.size() + m_skills.size()));
}

std::string Model::queue_metrics(uint32_t q) const {
    const Queue& queue = m_queues[q];
    const int64_t wait_s = queue.calls.empty() ? 0 : (m_now_ms - queue.calls.front().arrived_ms) / 1000;
    const size_t n = queue.window.size();
    const uint64_t sl_tenths = n == 0 ? 1000 : (uint64_t{queue.window_within} * 1000 + n / 2) / n;
    return fmt::format(R"({{"waitDuration":{},"availableAgents":{},"totalAgents":{},"serviceLevelPercentile":{},)"
                       R"("waiting":{},"abandoned":{},"answered":{}}})",
                       wait_s, queue.available, queue.logged_in, tenths_text(sl_tenths), queue.calls.size(),
                       queue.abandoned, queue.answered);
}

std::string Model::skill_metrics(uint32_t s) const {
    int64_t longest_s = 0;
    size_t waiting = 0;
    for (uint32_t q : m_skills[s].queues) {
        const Queue& queue = m_queues[q];
        waiting += queue.calls.size();
        if (!queue.calls.empty()) longest_s = std::max(longest_s, (m_now_ms - queue.calls.front().arrived_ms) / 1000);
    }
    return fmt::format(R"({{"availableAgents":{},"waitDuration":{},"waiting":{}}})", m_skills[s].available, longest_s,
                       waiting);
}

std::string Model::agent_metrics(uint32_t a) const {
    const Agent& agent = m_agents[a];
    return fmt::format(R"({{"state":"{}","talkTime":{},"queueId":"{}"}})",
                       activity_name(static_cast<uint8_t>(agent.activity)), agent.talk_ms_total / 1000,
                       m_ids[agent.current_queue]);
}

}  // namespace rtwatch::sim
