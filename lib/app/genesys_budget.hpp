// Services whose requests all pass one request budget: a request the bucket
// has no token for waits on a timer, in order; a 429 drains the bucket and
// holds everything for its Retry-After (capped). The Genesys source hands
// these Services to its token keeper, channels and snapshot alike.
#pragma once

#include <deque>
#include <optional>

#include "rtwatch/genesys/budget.hpp"
#include "services.hpp"

namespace rtwatch::app {

class BudgetedServices final : public Services {
public:
    BudgetedServices(Services& inner, genesys::RequestBudget budget, Millis retry_cap);
    ~BudgetedServices() override;

    TimePoint now() const override { return m_inner.now(); }
    TimerId add_timer(TimePoint when, std::function<void()> fn) override {
        return m_inner.add_timer(when, std::move(fn));
    }
    void cancel_timer(TimerId id) override { m_inner.cancel_timer(id); }
    void request(net::Request request, std::function<void(net::Response)> done) override;

    std::uint64_t sent() const { return m_budget.spent(); }
    std::uint64_t held() const { return m_held; }

private:
    void pump();
    void answered(const net::Response& response);

    Services& m_inner;
    genesys::RequestBudget m_budget;
    Millis m_retry_cap;
    std::deque<std::pair<net::Request, std::function<void(net::Response)>>> m_queue;
    std::optional<TimerId> m_timer;
    std::uint64_t m_held = 0;  // requests that had to wait
    bool m_warned = false;
};

}  // namespace rtwatch::app
