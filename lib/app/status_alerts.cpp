#include "status_alerts.hpp"

#include <fmt/format.h>

namespace rtwatch::app {

StatusAlert StatusAlerts::alert(UpstreamStatus status, std::string_view message, TimePoint now) const {
    StatusAlert a{status, std::string(message), 0, Millis{0}};
    if (m_outage) {
        a.attempts = m_outage->attempts;
        a.down_for = std::chrono::duration_cast<Millis>(now - m_outage->start);
    }
    return a;
}

std::optional<StatusAlert> StatusAlerts::on_status(UpstreamStatus status, std::string_view message, TimePoint now) {
    switch (status) {
        case UpstreamStatus::token_acquired:
        case UpstreamStatus::token_refreshed:
            return std::nullopt;
        case UpstreamStatus::connected:
            // The first connection is no news; one during an outage ends it
            // only once it has held.
            if (m_outage && !m_pending) m_pending = Pending{now, std::string(message)};
            return std::nullopt;
        case UpstreamStatus::reconnecting:
        case UpstreamStatus::stale: {
            m_pending.reset();
            bool begins = !m_outage;
            if (begins) m_outage = Outage{now, 0};
            if (status == UpstreamStatus::reconnecting) ++m_outage->attempts;
            if (!begins) return std::nullopt;
            return alert(status, message, now);
        }
        case UpstreamStatus::gave_up:
        case UpstreamStatus::stopped: {
            m_pending.reset();
            auto a = alert(status, message, now);
            m_outage.reset();
            return a;
        }
    }
    return std::nullopt;
}

std::optional<TimePoint> StatusAlerts::due() const {
    if (!m_pending) return std::nullopt;
    return m_pending->connected_at + m_hold;
}

std::optional<StatusAlert> StatusAlerts::on_due(TimePoint now) {
    if (!m_pending || now < m_pending->connected_at + m_hold) return std::nullopt;
    auto a = alert(UpstreamStatus::connected, {}, m_pending->connected_at);
    a.message = fmt::format("recovered after {} failed attempt{} in {}", a.attempts, a.attempts == 1 ? "" : "s",
                            format_duration(a.down_for));
    if (!m_pending->message.empty()) a.message += "; " + m_pending->message;
    m_pending.reset();
    m_outage.reset();
    return a;
}

}  // namespace rtwatch::app
