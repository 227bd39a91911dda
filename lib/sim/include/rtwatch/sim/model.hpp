// The contact-center model: queues, skills and agents driven by simulated
// call arrivals, waits, answers, abandons, talk and wrap-up. It advances in
// fixed simulated ticks, so a seed fully determines the sequence of events;
// real time only decides when ticks run. Metrics are computed from state.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rtwatch/core/record.hpp"
#include "rtwatch/sim/prng.hpp"

namespace rtwatch::sim {

struct ModelOptions {
    uint64_t seed = 1;
    uint32_t queues = 10;
    uint32_t skills = 4;
    uint32_t agents = 50;
    // Fraction of emitted events that repeat a resource's current metrics.
    double redundant_ratio = 0.5;
};

// Resources are numbered globally: queues, then skills, then agents.
using ResourceIndex = uint32_t;

// Metrics text is shared: a redundant event points at the same string as
// the change it repeats.
using MetricsText = std::shared_ptr<const std::string>;

struct ModelEvent {
    ResourceIndex resource = 0;
    MetricsText metrics;  // JSON object text: the resource's full current state
    bool redundant = false;
};

// What an interaction is: the SSE platform sees only calls; Genesys'
// observations split queues by media type.
enum class Media : uint8_t { voice, chat };
inline constexpr size_t k_media_count = 2;

class Model {
public:
    static constexpr int64_t k_tick_ms = 100;
    enum class Activity : uint8_t { available, busy, wrapup, offline };

    explicit Model(const ModelOptions& options);

    // Advances one tick and appends the events it produced, in publish order.
    void step(std::vector<ModelEvent>& out);
    int64_t now_ms() const { return m_now_ms; }

    size_t resource_count() const { return m_ids.size(); }
    ResourceKind kind(ResourceIndex r) const;
    const std::string& id(ResourceIndex r) const { return m_ids[r]; }
    // The metrics the model last emitted for `r` (its initial state before any).
    const MetricsText& metrics(ResourceIndex r) const { return m_texts[r]; }
    std::optional<ResourceIndex> find(ResourceKind kind, std::string_view id) const;
    uint32_t queue_count() const { return static_cast<uint32_t>(m_queues.size()); }
    uint32_t skill_count() const { return static_cast<uint32_t>(m_skills.size()); }
    uint32_t agent_count() const { return static_cast<uint32_t>(m_agents.size()); }

    // Read-only views of the state, for platforms whose metrics are shaped
    // differently from the SSE ones (Genesys observations).
    const std::vector<uint32_t>& queue_members(uint32_t q) const { return m_queues[q].members; }
    size_t queue_waiting(uint32_t q, Media media) const;
    uint64_t queue_answered(uint32_t q) const { return m_queues[q].answered; }
    Activity agent_activity(uint32_t a) const { return m_agents[a].activity; }
    uint32_t agent_queue(uint32_t a) const { return m_agents[a].current_queue; }
    Media agent_media(uint32_t a) const { return m_agents[a].media; }
    // True while an agent has not yet logged in today (offline from the start).
    bool agent_signed_out(uint32_t a) const { return !m_agents[a].started; }
    const std::vector<uint32_t>& agent_queues(uint32_t a) const { return m_agents[a].queues; }

private:
    struct Call {
        int64_t arrived_ms;
        int64_t abandon_ms;
        Media media;
    };
    struct Answer {
        int64_t at_ms;
        bool within_target;
    };
    struct Queue {
        uint32_t skill = 0;
        std::vector<uint32_t> members;
        std::deque<Call> calls;
        int64_t next_arrival_ms = 0;
        double mean_interarrival_ms = 0;
        uint64_t answered = 0;
        uint64_t abandoned = 0;
        std::deque<Answer> window;
        uint32_t window_within = 0;
        uint32_t available = 0;
        uint32_t logged_in = 0;
    };
    struct Agent {
        Activity activity = Activity::available;
        uint32_t current_queue = 0;
        int64_t until_ms = 0;
        int64_t call_talk_ms = 0;
        uint64_t talk_ms_total = 0;
        Media media = Media::voice;  // of the current or last interaction
        bool started = false;        // has been available at least once
        std::vector<uint32_t> queues;
        std::vector<uint32_t> skills;
    };
    struct Skill {
        uint32_t available = 0;
        std::vector<uint32_t> queues;
    };
    struct Timer {
        int64_t at_ms;
        uint32_t agent;
        bool operator>(const Timer& o) const { return at_ms != o.at_ms ? at_ms > o.at_ms : agent > o.agent; }
    };
    struct Changed {
        ResourceIndex resource;
        MetricsText previous;
    };

    void build_topology();
    void init_agents();
    void run_timers();
    void arrivals_and_abandons();
    void dispatch();
    void trim_windows();
    void set_activity(uint32_t agent, Activity next, int64_t until_ms);
    void answer(uint32_t queue, uint32_t agent);
    void collect_changes(std::vector<Changed>& changed);
    void mix_redundant(std::vector<Changed>& changed, std::vector<ModelEvent>& out);
    std::string queue_metrics(uint32_t q) const;
    std::string skill_metrics(uint32_t s) const;
    std::string agent_metrics(uint32_t a) const;
    std::string compute_metrics(ResourceIndex r) const;
    ResourceIndex skill_index(uint32_t s) const { return static_cast<ResourceIndex>(m_queues.size() + s); }
    ResourceIndex agent_index(uint32_t a) const {
        return static_cast<ResourceIndex>(m_queues.size() + m_skills.size() + a);
    }

    ModelOptions m_options;
    Prng m_rng;
    int64_t m_now_ms = 0;
    double m_redundant_credit = 0;
    std::vector<Queue> m_queues;
    std::vector<Skill> m_skills;
    std::vector<Agent> m_agents;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> m_timers;
    std::vector<std::string> m_ids;
    std::vector<MetricsText> m_texts;
    std::vector<uint8_t> m_dirty;
    std::vector<int32_t> m_change_pos;  // position in this tick's changes, or -1
    std::unordered_map<std::string, ResourceIndex> m_by_id;
};

// Resource ids: queue-0001, skill-billing (or skill-0001 past the named
// ones), agent-00001; numbers widen when the count needs more digits.
std::string queue_id(uint32_t index, uint32_t count);
std::string skill_id(uint32_t index, uint32_t count);
std::string agent_id(uint32_t index, uint32_t count);

}  // namespace rtwatch::sim
