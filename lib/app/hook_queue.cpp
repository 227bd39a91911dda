// Coalescing by key with a bound: see hook_queue.hpp.
#include "hook_queue.hpp"

namespace rtwatch::app {

HookQueue::Pushed HookQueue::push(HookJob job) {
    if (auto it = m_by_key.find(job.key); it != m_by_key.end()) {
        // Latest wins, in the place of the first: a busy key does not lose its turn.
        HookJob& waiting = *it->second;
        waiting.what = std::move(job.what);
        waiting.line = std::move(job.line);
        waiting.env = std::move(job.env);
        return Pushed::replaced;
    }
    Pushed result = Pushed::queued;
    if (m_limit && m_jobs.size() >= m_limit) {
        m_by_key.erase(m_jobs.front().key);
        m_jobs.pop_front();
        result = Pushed::dropped_oldest;
    }
    m_jobs.push_back(std::move(job));
    m_by_key.emplace(m_jobs.back().key, std::prev(m_jobs.end()));
    if (m_jobs.size() > m_peak) m_peak = m_jobs.size();
    return result;
}

std::optional<HookJob> HookQueue::take(const std::function<bool(std::string_view key)>& busy) {
    for (auto it = m_jobs.begin(); it != m_jobs.end(); ++it) {
        if (busy(it->key)) continue;
        m_by_key.erase(it->key);
        HookJob job = std::move(*it);
        m_jobs.erase(it);
        return job;
    }
    return std::nullopt;
}

std::size_t HookQueue::clear() {
    std::size_t n = m_jobs.size();
    m_by_key.clear();
    m_jobs.clear();
    return n;
}

}  // namespace rtwatch::app
