// The relay's history: a deque trimmed from the front by count and bytes.
#include "history.hpp"

#include <algorithm>

namespace rtwatch::relay {

void History::push(HistoryEntry entry) {
    m_bytes += entry.text.size() + entry.id.size();
    m_entries.push_back(std::move(entry));
    while (!m_entries.empty() && (m_entries.size() > m_max_events || m_bytes > m_max_bytes)) {
        auto& front = m_entries.front();
        m_floor = front.seq;
        m_bytes -= front.text.size() + front.id.size();
        m_entries.pop_front();
    }
}

bool History::after(std::uint64_t seq, const std::function<bool(const HistoryEntry&)>& wanted, std::size_t max,
                    std::vector<const HistoryEntry*>& out) const {
    out.clear();
    auto first = std::upper_bound(m_entries.begin(), m_entries.end(), seq,
                                  [](std::uint64_t s, const HistoryEntry& e) { return s < e.seq; });
    for (auto it = first; it != m_entries.end(); ++it) {
        if (!wanted(*it)) continue;
        if (out.size() == max) {
            out.clear();
            return false;
        }
        out.push_back(&*it);
    }
    return true;
}

}  // namespace rtwatch::relay
