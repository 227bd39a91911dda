// Runs a net::Loop on its own thread for tests, with helpers to run code on
// the loop thread and to wait for conditions with a deadline (never a sleep).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "rtwatch/net/loop.hpp"

namespace rtwatch::test {

class LoopThread {
public:
    explicit LoopThread(net::TransportOptions options = {}) : loop(std::move(options)) {
        m_thread = std::thread([this] { loop.run(); });
    }
    ~LoopThread() {
        loop.post([this] { loop.stop(); });
        m_thread.join();
    }

    // Runs `fn` on the loop thread and waits for it.
    void sync(std::function<void()> fn) {
        std::promise<void> done;
        loop.post([&] {
            fn();
            done.set_value();
        });
        done.get_future().wait();
    }

    net::Loop loop;

private:
    std::thread m_thread;
};

// A mutex-guarded value that tests wait on.
template <class T>
class Watched {
public:
    template <class F>
    void update(F f) {
        // Notified under the lock: a waiter that wakes may destroy this at
        // once, which must not happen while notify_all() still runs.
        std::lock_guard<std::mutex> lock(m_mutex);
        f(m_value);
        m_cv.notify_all();
    }
    template <class P>
    bool wait(P pred, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
        std::unique_lock<std::mutex> lock(m_mutex);
        return m_cv.wait_for(lock, timeout, [&] { return pred(m_value); });
    }
    T get() {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_value;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    T m_value{};
};

}  // namespace rtwatch::test
