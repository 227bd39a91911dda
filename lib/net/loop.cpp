// The event loop: one thread running curl's multi interface, a timer heap
// with lazy cancellation, watched fds, and a wakeup for post() from other
// threads. The clock is read once per pass.
#include "loop_impl.hpp"

#include <poll.h>

#include <algorithm>
#include <stdexcept>

namespace rtwatch::net {
namespace {

struct CurlGlobal {
    CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

}  // namespace

Loop::Impl::Impl(TransportOptions o) : options(std::move(o)) {
    static CurlGlobal global;  // thread-safe, once per process
    multi = curl_multi_init();
    if (!multi) throw std::runtime_error("rtwatch: cannot create a curl multi handle (out of memory?)");
}

Loop::Impl::~Impl() {
    requests.clear();
    graveyard.clear();  // each Transfer's destructor frees its easy handle
    curl_multi_cleanup(multi);
}

void Loop::Impl::start(Transfer& transfer) {
    curl_easy_setopt(transfer.handle(), CURLOPT_PRIVATE, static_cast<void*>(&transfer));
    to_add.push_back(&transfer);
}

void Loop::Impl::retire(std::unique_ptr<Transfer> transfer) {
    transfer->retired = true;
    graveyard.push_back(std::move(transfer));
}

void Loop::Impl::fire_timers() {
    // Only timers due now; ones added while firing wait for the next pass.
    std::vector<Id> due;
    while (!timer_heap.empty() && timer_heap.top().when <= now) {
        due.push_back(timer_heap.top().id);
        timer_heap.pop();
    }
    for (Id id : due) {
        auto it = timers.find(id);
        if (it == timers.end()) continue;  // cancelled, possibly by an earlier timer
        auto fn = std::move(it->second);
        timers.erase(it);
        fn();
    }
}

void Loop::Impl::run_posted() {
    std::vector<std::function<void()>> batch;
    {
        std::lock_guard<std::mutex> lock(posted_mutex);
        batch.swap(posted);
    }
    for (auto& fn : batch) fn();
}

void Loop::Impl::run_pass_done() {
    // By index: a listener may forget() another (null) or ask again (appended).
    for (std::size_t i = 0; i < pass_listeners.size(); ++i)
        if (PassListener* l = pass_listeners[i]) l->on_pass_done();
    pass_listeners.clear();
}

void Loop::Impl::safe_point() {
    for (Transfer* t : to_add) {
        if (!t->retired) curl_multi_add_handle(multi, t->handle());
    }
    to_add.clear();
    for (auto& t : graveyard) curl_multi_remove_handle(multi, t->handle());
    graveyard.clear();
}

void Loop::Impl::read_done() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        void* p = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &p);
        auto* transfer = static_cast<Transfer*>(p);
        CURLcode result = msg->data.result;
        // Keep it out of perform() until it is retired; a finished handle
        // left in the multi would be reported again.
        if (!transfer || !transfer->keeps_connection()) curl_multi_remove_handle(multi, msg->easy_handle);
        if (transfer && !transfer->retired) transfer->on_done(result);
    }
}

int Loop::Impl::poll_timeout_ms() {
    {
        std::lock_guard<std::mutex> lock(posted_mutex);
        if (!posted.empty()) return 0;
    }
    if (!to_add.empty() || !graveyard.empty()) return 0;
    long curl_ms = -1;
    curl_multi_timeout(multi, &curl_ms);
    long ms = curl_ms < 0 ? 60'000 : curl_ms;
    while (!timer_heap.empty() && !timers.count(timer_heap.top().id)) timer_heap.pop();
    if (!timer_heap.empty()) {
        auto wait = std::chrono::ceil<std::chrono::milliseconds>(timer_heap.top().when - SteadyClock::now());
        ms = std::min<long>(ms, std::max<long>(0, static_cast<long>(wait.count())));
    }
    return static_cast<int>(ms);
}

void Loop::Impl::poll(int timeout_ms) {
    std::vector<curl_waitfd> waits;
    waits.reserve(fds.size());
    for (auto& w : fds)
        waits.push_back(curl_waitfd{w.fd, static_cast<short>(w.writable ? CURL_WAIT_POLLOUT : CURL_WAIT_POLLIN), 0});
    int ready = 0;
    curl_multi_poll(multi, waits.data(), static_cast<unsigned>(waits.size()), timeout_ms, &ready);
    for (auto& w : waits) {
        // curl reports no error or hang-up, and a pipe whose reader left is
        // only POLLERR: ask poll(2) itself about the writers, so the writer
        // learns of EPIPE instead of the loop spinning.
        if (w.events & CURL_WAIT_POLLOUT) {
            pollfd p{w.fd, POLLOUT, 0};
            w.revents = ::poll(&p, 1, 0) > 0 ? CURL_WAIT_POLLOUT : 0;
        }
    }
    for (const auto& w : waits) {
        if (!(w.revents & (CURL_WAIT_POLLIN | CURL_WAIT_POLLPRI | CURL_WAIT_POLLOUT))) continue;
        bool writable = w.events & CURL_WAIT_POLLOUT;
        // Look it up again: an earlier callback may have unwatched it.
        auto it = std::find_if(fds.begin(), fds.end(), [&](auto& e) { return e.fd == w.fd && e.writable == writable; });
        if (it == fds.end()) continue;
        auto fn = it->fn;
        fn();
    }
}

Loop::Loop(TransportOptions options) : m_impl(std::make_unique<Impl>(std::move(options))) {}
Loop::~Loop() = default;

TimePoint Loop::now() const { return m_impl->now; }

Loop::Id Loop::add_timer(TimePoint when, std::function<void()> fn) {
    Id id = m_impl->next_id++;
    m_impl->timers.emplace(id, std::move(fn));
    m_impl->timer_heap.push(Impl::TimerEntry{when, id});
    return id;
}

void Loop::cancel_timer(Id id) { m_impl->timers.erase(id); }

namespace {
void unwatch(std::vector<Loop::Impl::Watch>& fds, int fd, bool writable) {
    std::erase_if(fds, [&](auto& e) { return e.fd == fd && e.writable == writable; });
}
}  // namespace

void Loop::watch_fd(int fd, std::function<void()> on_readable) {
    unwatch(m_impl->fds, fd, false);
    m_impl->fds.push_back(Impl::Watch{fd, false, std::move(on_readable)});
}

void Loop::unwatch_fd(int fd) { unwatch(m_impl->fds, fd, false); }

void Loop::watch_writable(int fd, std::function<void()> on_writable) {
    unwatch(m_impl->fds, fd, true);
    m_impl->fds.push_back(Impl::Watch{fd, true, std::move(on_writable)});
}

void Loop::unwatch_writable(int fd) { unwatch(m_impl->fds, fd, true); }

void Loop::post(std::function<void()> fn) {
    {
        std::lock_guard<std::mutex> lock(m_impl->posted_mutex);
        m_impl->posted.push_back(std::move(fn));
    }
    curl_multi_wakeup(m_impl->multi);
}

void Loop::run() {
    Impl& s = *m_impl;
    s.stopped = false;
    while (!s.stopped) {
        s.now = SteadyClock::now();
        s.fire_timers();
        s.run_posted();
        s.safe_point();
        int running = 0;
        curl_multi_perform(s.multi, &running);
        s.run_pass_done();
        s.read_done();
        s.safe_point();
        if (s.stopped) break;
        s.poll(s.poll_timeout_ms());
    }
}

void Loop::stop() {
    m_impl->stopped = true;
    curl_multi_wakeup(m_impl->multi);
}

const TransportOptions& Loop::transport() const { return m_impl->options; }
Loop::Impl& Loop::impl() { return *m_impl; }

}  // namespace rtwatch::net
