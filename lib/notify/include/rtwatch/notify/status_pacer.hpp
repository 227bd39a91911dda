// Paces STATUS= messages: at most one a second, the latest text wins, and a
// text equal to the last one sent is not sent again. Pure: time is a parameter.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/duration.hpp"

namespace rtwatch::notify {

class StatusPacer {
public:
    explicit StatusPacer(Millis interval = std::chrono::seconds(1)) : m_interval(interval) {}

    // The text to send now, if any; otherwise it is held until due().
    std::optional<std::string> offer(std::string_view text, TimePoint now);
    // The held text, once its time has come.
    std::optional<std::string> take_due(TimePoint now);
    // When the held text may be sent; nullopt when nothing is held.
    std::optional<TimePoint> due() const;

private:
    bool may_send(TimePoint now) const { return !m_last_sent_at || now - *m_last_sent_at >= m_interval; }
    std::string sent(std::string text, TimePoint now);

    Millis m_interval;
    std::optional<TimePoint> m_last_sent_at;
    std::string m_last_sent;
    std::optional<std::string> m_held;
};

}  // namespace rtwatch::notify
