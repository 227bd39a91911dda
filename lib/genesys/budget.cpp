// The token bucket of rtwatch/genesys/budget.hpp.
#include "rtwatch/genesys/budget.hpp"

#include <algorithm>
#include <cmath>

namespace rtwatch::genesys {

RequestBudget::RequestBudget(std::uint32_t per_minute, std::uint32_t burst)
    : m_per_minute(std::max<std::uint32_t>(per_minute, 1)),
      m_burst(std::max<std::uint32_t>(burst, 1)),
      m_tokens(m_burst),
      m_interval(Millis{60'000} / m_per_minute) {
    if (m_interval < Millis{1}) m_interval = Millis{1};
}

void RequestBudget::refill(TimePoint now) {
    if (!m_started) {
        m_started = true;
        m_last = now;
        return;
    }
    if (now <= m_last) return;
    auto elapsed = std::chrono::duration_cast<Millis>(now - m_last);
    m_tokens =
        std::min(m_burst, m_tokens + static_cast<double>(elapsed.count()) / static_cast<double>(m_interval.count()));
    m_last = now;
}

Millis RequestBudget::wait(TimePoint now) {
    refill(now);
    Millis hold{0};
    if (now < m_hold_until) hold = std::chrono::duration_cast<Millis>(m_hold_until - now);
    if (m_tokens >= 1.0) return hold;
    double missing = 1.0 - m_tokens;
    auto refill_wait = Millis(static_cast<Millis::rep>(std::ceil(missing * static_cast<double>(m_interval.count()))));
    return std::max(hold, refill_wait);
}

void RequestBudget::take(TimePoint now) {
    refill(now);
    m_tokens = std::max(0.0, m_tokens - 1.0);
    ++m_spent;
}

void RequestBudget::drain(TimePoint now, std::optional<Millis> hold) {
    refill(now);
    m_tokens = 0;
    m_hold_until = std::max(m_hold_until, now + hold.value_or(m_interval));
}

}  // namespace rtwatch::genesys
