// What sources need from the run's event loop: its clock, timers and
// one-shot requests. An interface, so tests drive the token keeper with a
// fake clock and scripted answers instead of waiting on a real one.
#pragma once

#include <cstdint>
#include <functional>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/net/loop.hpp"

namespace rtwatch::app {

class Services {
public:
    using TimerId = std::uint64_t;
    virtual ~Services() = default;
    virtual TimePoint now() const = 0;
    virtual TimerId add_timer(TimePoint when, std::function<void()> fn) = 0;
    virtual void cancel_timer(TimerId id) = 0;
    virtual void request(net::Request request, std::function<void(net::Response)> done) = 0;
};

class LoopServices final : public Services {
public:
    explicit LoopServices(net::Loop& loop) : m_loop(loop) {}
    TimePoint now() const override { return m_loop.now(); }
    TimerId add_timer(TimePoint when, std::function<void()> fn) override {
        return m_loop.add_timer(when, std::move(fn));
    }
    void cancel_timer(TimerId id) override { m_loop.cancel_timer(id); }
    void request(net::Request request, std::function<void(net::Response)> done) override {
        m_loop.request(std::move(request), std::move(done));
    }

private:
    net::Loop& m_loop;
};

}  // namespace rtwatch::app
