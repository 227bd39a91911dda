// STATUS= pacing: a status line changes with every reconnect attempt and
// every second of data age; systemd needs to see only the latest.
#include "rtwatch/notify/status_pacer.hpp"

namespace rtwatch::notify {

std::optional<std::string> StatusPacer::offer(std::string_view text, TimePoint now) {
    if (text == m_last_sent) {
        m_held.reset();
        return std::nullopt;
    }
    if (!may_send(now)) {
        m_held = std::string(text);
        return std::nullopt;
    }
    m_held.reset();
    return sent(std::string(text), now);
}

std::optional<std::string> StatusPacer::take_due(TimePoint now) {
    if (!m_held || !may_send(now)) return std::nullopt;
    std::string text = std::move(*m_held);
    m_held.reset();
    return sent(std::move(text), now);
}

std::optional<TimePoint> StatusPacer::due() const {
    if (!m_held) return std::nullopt;
    return m_last_sent_at ? *m_last_sent_at + m_interval : TimePoint{};
}

std::string StatusPacer::sent(std::string text, TimePoint now) {
    m_last_sent_at = now;
    m_last_sent = text;
    return text;
}

}  // namespace rtwatch::notify
