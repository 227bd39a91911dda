// The run's clock, timers and requests, driven by hand: what the glue of a
// source runs on in a unit test, with exact times and no waiting.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "services.hpp"

namespace rtwatch::test {

// The clock and the timers; how requests are answered is the subclass's.
struct FakeTimers : app::Services {
    TimePoint clock{std::chrono::seconds(1'000)};
    TimerId next = 1;
    std::multimap<TimePoint, std::pair<TimerId, std::function<void()>>> timers;

    TimePoint now() const override { return clock; }
    TimerId add_timer(TimePoint when, std::function<void()> fn) override {
        timers.emplace(when, std::make_pair(next, std::move(fn)));
        return next++;
    }
    void cancel_timer(TimerId id) override {
        for (auto it = timers.begin(); it != timers.end(); ++it)
            if (it->second.first == id) return void(timers.erase(it));
    }
    // Moves the clock to `to`, firing the timers due on the way.
    void advance_to(TimePoint to) {
        while (!timers.empty() && timers.begin()->first <= to) {
            auto it = timers.begin();
            clock = std::max(clock, it->first);  // a timer set in the past fires now
            auto fn = std::move(it->second.second);
            timers.erase(it);
            fn();
        }
        clock = to;
    }
    void advance(Millis by) { advance_to(clock + by); }
};

// Requests wait until the test answers them.
struct FakeServices final : FakeTimers {
    std::vector<std::pair<net::Request, std::function<void(net::Response)>>> requests;

    void request(net::Request r, std::function<void(net::Response)> done) override {
        requests.emplace_back(std::move(r), std::move(done));
    }
    void answer(std::size_t i, long status, std::string body, std::string retry_after = "") {
        net::Response r;
        r.status = status;
        r.body = std::move(body);
        r.retry_after = std::move(retry_after);
        requests.at(i).second(r);
    }
};

}  // namespace rtwatch::test
