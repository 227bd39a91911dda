// The request budget of a Genesys run: one token bucket for every REST call
// (token, channels, subscriptions, snapshots), so no retry path of any shape
// can spend the OAuth client's 300 requests a minute. Pure: `now` in, the
// wait out.
#pragma once

#include <cstdint>
#include <optional>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/duration.hpp"

namespace rtwatch::genesys {

inline constexpr std::uint32_t k_default_budget_per_minute = 120;
inline constexpr std::uint32_t k_default_budget_burst = 10;

class RequestBudget {
public:
    // `per_minute` tokens refill evenly; at most `burst` are held (and the
    // bucket starts full).
    RequestBudget(std::uint32_t per_minute = k_default_budget_per_minute, std::uint32_t burst = k_default_budget_burst);

    // How long from `now` until a request may go: zero when one may go now.
    Millis wait(TimePoint now);
    // Spends one token; call when wait() said zero.
    void take(TimePoint now);
    // A 429: the bucket is emptied and nothing goes before now + `hold`
    // (Retry-After, capped by the caller; the refill interval when absent).
    void drain(TimePoint now, std::optional<Millis> hold);

    std::uint32_t per_minute() const { return m_per_minute; }
    std::uint64_t spent() const { return m_spent; }

private:
    void refill(TimePoint now);

    std::uint32_t m_per_minute;
    double m_burst;
    double m_tokens;
    Millis m_interval;  // one token's refill time
    TimePoint m_last{};
    bool m_started = false;
    TimePoint m_hold_until{};
    std::uint64_t m_spent = 0;
};

}  // namespace rtwatch::genesys
