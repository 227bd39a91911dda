// The state of the nats client (private to lib/broker). Who touches what:
//  - the worker thread: the nats handles (conn, js, kv, sub) and the task
//    queue's consumer side; the destructor only after joining it;
//  - the nats C client's threads: on_message, on_disconnected,
//    on_reconnected and on_ack, which read atomics, take `mutex` for the
//    task queue and `pub_mutex` for the publications awaiting an answer;
//  - the loop thread: `handlers` and every `done`, reached only through
//    to_loop(), which drops the call once the client is gone.
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "rtwatch/broker/client.hpp"
#include "rtwatch/net/loop.hpp"

namespace rtwatch::broker::detail {

using PublishDone = std::function<void(PublishResult, std::uint64_t)>;

struct NatsImpl {
    net::Loop& loop;
    Options options;
    Handlers handlers;  // loop thread only

    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::function<void()>> tasks;  // run on the worker, in order
    std::thread worker;
    std::atomic<bool> stopping{false};
    std::atomic<int> in_callback{0};

    // worker thread only
    natsOptions* nopts = nullptr;
    natsConnection* conn = nullptr;
    jsCtx* js = nullptr;
    kvStore* kv = nullptr;
    natsSubscription* sub = nullptr;
    bool opened = false;              // connect() succeeded
    std::uint64_t seen_at_check = 0;  // last_seq at the last stall check

    // Publications sent and not answered yet, by message (the library hands
    // the same natsMsg back to on_ack, which destroys it: an address is not
    // reused while its entry can still be answered). Cleared, each answered
    // `failed`, when the JetStream context they were sent on is destroyed.
    std::mutex pub_mutex;
    std::unordered_map<const natsMsg*, PublishDone> awaiting;

    // Messages read and not yet handed to the loop (with: the reader is
    // caught up after it), in stream order.
    std::mutex inbox_mutex;
    std::vector<std::pair<Message, bool>> inbox;

    std::atomic<std::uint64_t> last_seq{0};  // highest stream sequence handed out
    std::atomic<bool> caught_up_sent{false};
    // set when the connection drops, cleared once the stream is read again
    std::atomic<bool> resubscribe{false};
    std::weak_ptr<NatsImpl> self;

    NatsImpl(net::Loop& l, Options o) : loop(l), options(std::move(o)) {}

    void enqueue(std::function<void()> task);
    // Runs `fn` on the loop thread unless the client is gone by then.
    template <class Fn>
    void to_loop(Fn fn) {
        if (stopping) return;
        loop.post([weak = self, fn = std::move(fn)]() mutable {
            auto impl = weak.lock();
            if (!impl || impl->stopping) return;
            fn(*impl);
        });
    }

    // worker
    void run_worker();
    bool pause_for(Millis d);
    void connect();
    bool open(std::string& why);
    bool ensure_stream(std::string& why);
    bool ensure_bucket(std::string& why);
    bool subscribe(std::string& why);
    void drop_subscription();
    void close_connection();
    bool consumer_lost();
    void reopen();
    void publish(std::string subject, std::string data, std::uint64_t term, std::string id, Expect expect,
                 PublishDone done);
    // Every publication still awaiting an answer is answered `failed`.
    void fail_awaiting();
    // loop: the messages of the inbox, in order, to the handlers
    void hand_out_inbox();

    // nats client threads
    static void on_disconnected(natsConnection*, void* closure);
    static void on_reconnected(natsConnection*, void* closure);
    static void on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure);
    static void on_ack(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure);
};

// Counts a nats thread inside a callback: the destructor waits for none.
struct CallbackScope {
    NatsImpl& impl;
    explicit CallbackScope(NatsImpl& i) : impl(i) { ++impl.in_callback; }
    ~CallbackScope() { --impl.in_callback; }
    bool live() const { return !impl.stopping; }
};

// A nats status as text, with the library's last error when there is one.
std::string status_text(natsStatus s);

}  // namespace rtwatch::broker::detail
