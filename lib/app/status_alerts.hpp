// Which changes of the upstream's status run a hook (--exec): the ones a
// person acts on, never one per attempt. An outage is one alert when it
// begins (its first reconnecting or stale), one if rtwatch gives up, and one
// when it is over: a connection that has held for k_recovery_hold. A
// connection that merely opened and dropped again does not end the outage,
// so an upstream that accepts and closes does not page twice per attempt.
// Each alert says how many attempts failed and for how long. Pure: the
// caller passes the times and runs due() on a timer.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rtwatch/app/sink.hpp"
#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/duration.hpp"

namespace rtwatch::app {

// How long a connection must hold before an outage counts as over.
inline constexpr Millis k_recovery_hold{10'000};

struct StatusAlert {
    UpstreamStatus status = UpstreamStatus::connected;
    std::string message;
    unsigned attempts = 0;  // failed connection attempts in this outage
    Millis down_for{0};     // from the outage's start to now (or to the connection that held)
};

class StatusAlerts {
public:
    explicit StatusAlerts(Millis recovery_hold = k_recovery_hold) : m_hold(recovery_hold) {}

    // A change of status at `now`; the alert to run at once, if any.
    std::optional<StatusAlert> on_status(UpstreamStatus status, std::string_view message, TimePoint now);
    // When a connection will have held long enough to end the outage.
    std::optional<TimePoint> due() const;
    // At or after due(): the recovery alert, once.
    std::optional<StatusAlert> on_due(TimePoint now);

    bool in_outage() const { return m_outage.has_value(); }

private:
    struct Outage {
        TimePoint start;
        unsigned attempts = 0;
    };
    struct Pending {
        TimePoint connected_at;
        std::string message;
    };
    StatusAlert alert(UpstreamStatus status, std::string_view message, TimePoint now) const;

    Millis m_hold;
    std::optional<Outage> m_outage;
    std::optional<Pending> m_pending;  // connected during an outage, not yet held
};

}  // namespace rtwatch::app
