// The hooks' waiting room (--exec): runs that cannot start yet wait here,
// one per key (a resource's metric, or the upstream's status), the latest
// record replacing an earlier one in its place. Bounded: past the limit the
// oldest waiting run is dropped. Pure bookkeeping, no processes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rtwatch::app {

struct HookJob {
    std::string key;               // "queue/queue-0001/waiting", or "status"
    std::string what;              // for the log: "queue queue-0001 waiting red"
    std::string line;              // the record, one NDJSON line, for the hook's stdin
    std::vector<std::string> env;  // NAME=value, on top of the inherited environment
};

class HookQueue {
public:
    enum class Pushed { queued, replaced, dropped_oldest };

    explicit HookQueue(std::size_t limit) : m_limit(limit) {}

    Pushed push(HookJob job);
    // The oldest job whose key `busy` does not claim, taken out of the queue.
    std::optional<HookJob> take(const std::function<bool(std::string_view key)>& busy);
    // Everything waiting is given up (the run is out of time); returns how many.
    std::size_t clear();

    std::size_t size() const { return m_jobs.size(); }
    bool empty() const { return m_jobs.empty(); }
    std::size_t peak() const { return m_peak; }

private:
    std::size_t m_limit;
    std::size_t m_peak = 0;
    std::list<HookJob> m_jobs;                                                    // oldest first
    std::unordered_map<std::string_view, std::list<HookJob>::iterator> m_by_key;  // views into m_jobs' keys
};

}  // namespace rtwatch::app
