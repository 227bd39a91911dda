// Private to the net layer: the loop's state, shared with the transfers it
// drives. Curl handles are added and removed only at safe points between
// curl calls, so any callback may open or close transfers.
#pragma once

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rtwatch/net/loop.hpp"

namespace rtwatch::net {

// An easy handle driven by the loop. CURLOPT_PRIVATE points at it.
class Transfer {
public:
    virtual ~Transfer() = default;
    virtual CURL* handle() const = 0;
    // The transfer finished (any reason). Runs at a safe point, outside curl.
    virtual void on_done(CURLcode result) = 0;
    // CONNECT_ONLY: the handle stays in the multi after it is done, as
    // curl_easy_send/recv need, until it is retired.
    virtual bool keeps_connection() const { return false; }
    bool retired = false;  // handed back to the loop: no more callbacks
};

// Told once when the curl pass it asked about is over: a connection that
// took a read's bytes in many write callbacks (one per HTTP chunk) ends its
// batch of input once, so output is written per read, not per chunk.
class PassListener {
public:
    virtual void on_pass_done() = 0;

protected:
    ~PassListener() = default;
};

struct Loop::Impl {
    explicit Impl(TransportOptions o);
    ~Impl();

    // `l` hears on_pass_done() after the running curl pass (once per call);
    // forget() takes it back (a listener that goes away before).
    void after_pass(PassListener& l) { pass_listeners.push_back(&l); }
    void forget(PassListener& l) {
        std::replace(pass_listeners.begin(), pass_listeners.end(), &l, static_cast<PassListener*>(nullptr));
    }
    void run_pass_done();

    void start(Transfer& transfer);                   // added at the next safe point
    void retire(std::unique_ptr<Transfer> transfer);  // removed and freed at the next safe point

    void fire_timers();
    void run_posted();
    void safe_point();
    void read_done();
    int poll_timeout_ms();
    void poll(int timeout_ms);

    struct TimerEntry {
        TimePoint when;
        Id id;
        bool operator>(const TimerEntry& o) const { return when != o.when ? when > o.when : id > o.id; }
    };
    TransportOptions options;
    CURLM* multi = nullptr;
    TimePoint now = SteadyClock::now();
    std::atomic<bool> stopped{false};
    Id next_id = 1;

    std::priority_queue<TimerEntry, std::vector<TimerEntry>, std::greater<>> timer_heap;
    std::unordered_map<Id, std::function<void()>> timers;
    struct Watch {
        int fd;
        bool writable;
        std::function<void()> fn;
    };
    std::vector<Watch> fds;

    std::mutex posted_mutex;
    std::vector<std::function<void()>> posted;

    std::vector<PassListener*> pass_listeners;
    std::vector<Transfer*> to_add;
    std::vector<std::unique_ptr<Transfer>> graveyard;
    std::unordered_map<Id, std::unique_ptr<Transfer>> requests;  // one-shot requests in flight
};

}  // namespace rtwatch::net
