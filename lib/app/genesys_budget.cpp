// The request budget carried out on the run's timers.
#include "genesys_budget.hpp"

#include <algorithm>

#include "rtwatch/auth/token.hpp"
#include "rtwatch/core/log.hpp"
#include "rtwatch/genesys/rest.hpp"

namespace rtwatch::app {

BudgetedServices::BudgetedServices(Services& inner, genesys::RequestBudget budget, Millis retry_cap)
    : m_inner(inner), m_budget(budget), m_retry_cap(retry_cap) {}

BudgetedServices::~BudgetedServices() {
    if (m_timer) m_inner.cancel_timer(*m_timer);
}

void BudgetedServices::request(net::Request request, std::function<void(net::Response)> done) {
    m_queue.emplace_back(std::move(request), std::move(done));
    pump();
}

void BudgetedServices::pump() {
    while (!m_queue.empty()) {
        const TimePoint now = m_inner.now();
        const Millis wait = m_budget.wait(now);
        if (wait > Millis{0}) {
            ++m_held;
            if (!m_warned) {
                m_warned = true;
                log::warn(
                    "the request budget of {} a minute is spent: holding REST calls ({} sent so far); "
                    "something keeps reopening, or raise --request-budget",
                    m_budget.per_minute(), m_budget.spent());
            } else {
                log::debug("request budget: {} calls waiting, the next in {} ({} held so far)", m_queue.size(),
                           format_duration(wait), m_held);
            }
            if (!m_timer)
                m_timer = m_inner.add_timer(now + wait, [this] {
                    m_timer.reset();
                    pump();
                });
            return;
        }
        m_budget.take(now);
        auto [request, done] = std::move(m_queue.front());
        m_queue.pop_front();
        request.max_body = genesys::k_max_rest_body;  // one limit for every REST answer of the run
        m_inner.request(std::move(request), [this, done = std::move(done)](net::Response response) {
            answered(response);
            done(std::move(response));
        });
    }
}

void BudgetedServices::answered(const net::Response& response) {
    if (response.status != 429) return;
    auto after = auth::parse_retry_after(response.retry_after, WallClock::now());
    if (after) after = std::min(*after, m_retry_cap);
    m_budget.drain(m_inner.now(), after);
}

}  // namespace rtwatch::app
