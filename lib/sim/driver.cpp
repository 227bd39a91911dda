// Runs the model against the clock: ticks are due at `speed` simulated
// seconds per real second, and their events are released no faster than
// `rate` per second. When the cap binds, simulated time falls behind rather
// than events being dropped or merged, so the sequence stays a function of
// the seed alone.
#include <algorithm>
#include <span>

#include "server_impl.hpp"

namespace rtwatch::sim {

namespace {

constexpr auto k_pace = std::chrono::milliseconds(5);
constexpr int k_max_ticks_per_pass = 2000;

}  // namespace

// Publishes what the allowance permits, stepping the model whenever its
// pending events are all out and a tick is due.
void publish_due(SimServer::Impl& s, std::vector<ModelEvent>& pending, size_t& next, double& allowance,
                 double sim_due_ms) {
    const bool capped = s.options.rate > 0;
    for (int ticks = 0; ticks < k_max_ticks_per_pass;) {
        if (next == pending.size()) {
            pending.clear();
            next = 0;
            if (s.model->now_ms() >= sim_due_ms) return;
            s.model->step(pending);
            ++ticks;
            continue;
        }
        size_t n = pending.size() - next;
        if (capped) n = std::min(n, static_cast<size_t>(allowance));
        if (n == 0) return;
        s.log->publish(std::span(pending).subspan(next, n), WallClock::now());
        next += n;
        if (capped) allowance -= static_cast<double>(n);
    }
}

void run_driver(SimServer::Impl& s) {
    TimePoint start = SteadyClock::now();
    const double burst = std::max(1.0, s.options.rate * 0.1);
    double allowance = burst;
    TimePoint last = start;
    std::vector<ModelEvent> pending;
    size_t next = 0;
    std::unique_lock lock(s.stop_mutex);
    while (!s.stopping) {
        lock.unlock();
        const TimePoint now = SteadyClock::now();
        if (s.faults.paused()) start += now - last;  // simulated time stands still too
        allowance = std::min(burst, allowance + std::chrono::duration<double>(now - last).count() * s.options.rate);
        last = now;
        const double sim_due_ms = std::chrono::duration<double, std::milli>(now - start).count() * s.options.speed;
        if (!s.faults.paused()) publish_due(s, pending, next, allowance, sim_due_ms);
        lock.lock();
        s.stop_cv.wait_for(lock, k_pace, [&] { return s.stopping.load(); });
    }
}

}  // namespace rtwatch::sim
