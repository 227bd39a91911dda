// The broker client: one worker thread does every blocking call of the nats
// C client in order; the client's own threads deliver messages and
// connection events. Both hand results to the rtwatch loop with post().
#include "rtwatch/broker/client.hpp"

#include <nats/nats.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "rtwatch/core/log.hpp"
#include "rtwatch/net/loop.hpp"

namespace rtwatch::broker {

namespace {

constexpr const char* k_lease_key = "upstream";
constexpr const char* k_term_header = "Rtwatch-Lease";
constexpr const char* k_expect_last_header = "Nats-Expected-Last-Sequence";

std::string status_text(natsStatus s) {
    std::string text = natsStatus_GetText(s);
    if (const char* last = nats_GetLastError(nullptr); last && *last) text = fmt::format("{} ({})", text, last);
    return text;
}

}  // namespace

struct Client::Impl {
    net::Loop& loop;
    Options options;
    Handlers handlers;

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

    std::atomic<std::uint64_t> last_seq{0};  // highest stream sequence handed out
    std::atomic<bool> caught_up_sent{false};
    // set when the connection drops, cleared once the stream is read again
    std::atomic<bool> resubscribe{false};
    bool opened = false;  // worker only: connect() succeeded
    std::uint64_t seen_at_check = 0;  // worker only: last_seq at the last check
    std::weak_ptr<Impl> self;

    Impl(net::Loop& l, Options o) : loop(l), options(std::move(o)) {}

    void enqueue(std::function<void()> task) {
        {
            std::lock_guard lock(mutex);
            tasks.push_back(std::move(task));
        }
        wake.notify_one();
    }

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

    void run_worker() {
        for (;;) {
            std::function<void()> task;
            {
                std::unique_lock lock(mutex);
                wake.wait_for(lock, Millis{500}, [&] { return stopping || !tasks.empty(); });
                if (stopping) return;
                if (tasks.empty()) {
                    lock.unlock();
                    // the reconnected callback is not always called (seen
                    // after a quick server restart): check the connection too
                    if (opened && conn && natsConnection_Status(conn) == NATS_CONN_STATUS_CONNECTED) {
                        if (!resubscribe && consumer_lost()) resubscribe = true;
                        if (resubscribe) reopen();
                    }
                    continue;
                }
                task = std::move(tasks.front());
                tasks.pop_front();
            }
            task();
        }
    }

    // Sleeps up to `d`, waking early when the client stops.
    bool pause_for(Millis d) {
        std::unique_lock lock(mutex);
        return !wake.wait_for(lock, d, [&] { return stopping.load(); });
    }

    // --- connection (worker) ---------------------------------------------

    void connect() {
        Millis backoff{100};
        for (bool first = true; !stopping; first = false) {
            std::string why;
            if (open(why)) {
                opened = true;
                to_loop([](Impl& i) {
                    if (i.handlers.connection) i.handlers.connection(true, "");
                });
                return;
            }
            close_connection();
            if (first || backoff >= Millis{2'000}) log::warn("broker: {}; retrying", why);
            to_loop([why](Impl& i) {
                if (i.handlers.connection) i.handlers.connection(false, why);
            });
            if (!pause_for(backoff)) return;
            backoff = std::min(backoff * 2, Millis{2'000});
        }
    }

    bool open(std::string& why) {
        natsStatus s = natsOptions_Create(&nopts);
        std::vector<const char*> urls;
        for (const auto& u : options.urls) urls.push_back(u.c_str());
        if (s == NATS_OK) s = natsOptions_SetServers(nopts, urls.data(), static_cast<int>(urls.size()));
        if (s == NATS_OK) s = natsOptions_SetTimeout(nopts, 1'000);
        // reconnect for ever, quickly: an outage is a status, never the end
        if (s == NATS_OK) s = natsOptions_SetMaxReconnect(nopts, -1);
        if (s == NATS_OK) s = natsOptions_SetReconnectWait(nopts, 250);
        if (s == NATS_OK) s = natsOptions_SetPingInterval(nopts, 2'000);
        if (s == NATS_OK) s = natsOptions_SetMaxPingsOut(nopts, 2);
        if (s == NATS_OK) s = natsOptions_SetDisconnectedCB(nopts, &Impl::on_disconnected, this);
        if (s == NATS_OK) s = natsOptions_SetReconnectedCB(nopts, &Impl::on_reconnected, this);
        if (s == NATS_OK && !options.creds_file.empty())
            s = natsOptions_SetUserCredentialsFromFiles(nopts, options.creds_file.c_str(), nullptr);
        if (s == NATS_OK && !options.cacert.empty()) {
            s = natsOptions_LoadCATrustedCertificates(nopts, options.cacert.c_str());
            if (s == NATS_OK) s = natsOptions_SetSecure(nopts, true);
        }
        if (s != NATS_OK) return why = "broker options: " + status_text(s), false;
        s = natsConnection_Connect(&conn, nopts);
        if (s != NATS_OK) return why = "broker unreachable: " + status_text(s), false;
        jsOptions jo;
        jsOptions_Init(&jo);
        jo.Wait = 2'000;
        s = natsConnection_JetStream(&js, conn, &jo);
        if (s != NATS_OK) return why = "JetStream: " + status_text(s), false;
        if (!ensure_stream(why) || !ensure_bucket(why) || !subscribe(why)) return false;
        return true;
    }

    bool ensure_stream(std::string& why) {
        const std::string name = stream_name(options.tenant);
        const std::string subjects = fmt::format("rtwatch.{}.>", options.tenant);
        jsStreamInfo* si = nullptr;
        jsErrCode err = static_cast<jsErrCode>(0);
        if (js_GetStreamInfo(&si, js, name.c_str(), nullptr, &err) == NATS_OK) {
            jsStreamInfo_Destroy(si);
            return true;
        }
        jsStreamConfig cfg;
        jsStreamConfig_Init(&cfg);
        const char* subject_list[] = {subjects.c_str()};
        cfg.Name = name.c_str();
        cfg.Subjects = subject_list;
        cfg.SubjectsLen = 1;
        cfg.Storage = js_FileStorage;
        // the last message of a subject is the resource's state; the ones
        // before it are what a viewer resuming on another relay needs
        cfg.MaxMsgsPerSubject = options.history;
        natsStatus s = js_AddStream(&si, js, &cfg, nullptr, &err);
        if (s != NATS_OK) return why = fmt::format("stream {}: {}", name, status_text(s)), false;
        jsStreamInfo_Destroy(si);
        return true;
    }

    bool ensure_bucket(std::string& why) {
        const std::string name = bucket_name(options.tenant);
        if (kv) kvStore_Destroy(kv), kv = nullptr;
        if (js_KeyValue(&kv, js, name.c_str()) == NATS_OK) return true;
        kvConfig cfg;
        kvConfig_Init(&cfg);
        cfg.Bucket = name.c_str();
        cfg.History = 1;
        cfg.TTL = static_cast<std::int64_t>(options.lease_ttl.count()) * 1'000'000;  // nanoseconds
        cfg.StorageType = js_FileStorage;
        natsStatus s = js_CreateKeyValue(&kv, js, &cfg);
        if (s != NATS_OK) return why = fmt::format("lease bucket {}: {}", name, status_text(s)), false;
        return true;
    }

    // An ordered consumer: the last message per subject, then live; after
    // a reconnect, from the sequence after the last one handed out.
    bool subscribe(std::string& why) {
        drop_subscription();
        const std::string name = stream_name(options.tenant);
        const std::string subjects = fmt::format("rtwatch.{}.>", options.tenant);
        jsSubOptions so;
        jsSubOptions_Init(&so);
        so.Stream = name.c_str();
        so.Ordered = true;
        std::uint64_t after = last_seq.load();
        if (after == 0) {
            so.Config.DeliverPolicy = js_DeliverLastPerSubject;
        } else {
            so.Config.DeliverPolicy = js_DeliverByStartSequence;
            so.Config.OptStartSeq = after + 1;
        }
        jsErrCode err = static_cast<jsErrCode>(0);
        natsStatus s = js_Subscribe(&sub, js, subjects.c_str(), &Impl::on_message, this, nullptr, &so, &err);
        if (s != NATS_OK) return why = "stream subscription: " + status_text(s), false;
        if (!caught_up_sent) {
            jsStreamInfo* si = nullptr;
            if (js_GetStreamInfo(&si, js, name.c_str(), nullptr, &err) == NATS_OK) {
                bool empty = si->State.Msgs == 0;
                jsStreamInfo_Destroy(si);
                if (empty && !caught_up_sent.exchange(true))
                    to_loop([](Impl& i) {
                        if (i.handlers.caught_up) i.handlers.caught_up();
                    });
            }
        }
        return true;
    }

    // Destroy alone: it removes the interest, and the server drops the
    // ephemeral ordered consumer by itself. natsSubscription_Unsubscribe()
    // would also delete the consumer, reading its name while the library's
    // own thread may be recreating it after a reconnect (a use-after-free
    // in libnats 3.4 that ASan caught with the broker restarted mid-run).
    void drop_subscription() {
        if (sub) natsSubscription_Destroy(sub), sub = nullptr;
    }

    void close_connection() {
        drop_subscription();
        if (kv) kvStore_Destroy(kv), kv = nullptr;
        if (js) jsCtx_Destroy(js), js = nullptr;
        if (conn) natsConnection_Close(conn), natsConnection_Destroy(conn), conn = nullptr;
        if (nopts) natsOptions_Destroy(nopts), nopts = nullptr;
    }

    // --- nats client threads ----------------------------------------------

    struct CallbackScope {
        Impl& impl;
        explicit CallbackScope(Impl& i) : impl(i) { ++impl.in_callback; }
        ~CallbackScope() { --impl.in_callback; }
        bool live() const { return !impl.stopping; }
    };

    static void on_disconnected(natsConnection*, void* closure) {
        auto& impl = *static_cast<Impl*>(closure);
        CallbackScope scope(impl);
        if (!scope.live()) return;
        impl.resubscribe = true;
        log::info("broker: disconnected");
        impl.to_loop([](Impl& i) {
            if (i.handlers.connection) i.handlers.connection(false, "broker unreachable");
        });
    }

    static void on_reconnected(natsConnection*, void* closure) {
        auto& impl = *static_cast<Impl*>(closure);
        CallbackScope scope(impl);
        if (!scope.live()) return;
        impl.enqueue([&impl] {
            if (impl.resubscribe) impl.reopen();
        });
    }

    // A server that restarted has forgotten the reading consumer, and the
    // client does not always say so (worker).
    bool consumer_lost() {
        if (!sub) return true;
        jsConsumerInfo* ci = nullptr;
        jsErrCode err = static_cast<jsErrCode>(0);
        natsStatus s = natsSubscription_GetConsumerInfo(&ci, sub, nullptr, &err);
        std::uint64_t pending = ci ? ci->NumPending : 0;
        if (ci) jsConsumerInfo_Destroy(ci);
        if (s == NATS_OK) {
            // messages wait at the server and none came since the last
            // check: delivery stalled (flow control lost in an outage)
            std::uint64_t seen = last_seq.load();
            bool stalled = pending > 0 && seen == seen_at_check;
            seen_at_check = seen;
            if (stalled) log::info("broker: the stream's reader stalled; reading again");
            return stalled;
        }
        if (err == JSConsumerNotFoundErr || s == NATS_NOT_FOUND) {
            log::info("broker: the server lost the stream's reader; reading again");
            return true;
        }
        return false;  // a timeout: the next check decides
    }

    // After a reconnect (worker): the server may have restarted, and its
    // consumer is gone; read on after the last sequence handed out.
    void reopen() {
        std::string why;
        if (!ensure_stream(why) || !ensure_bucket(why) || !subscribe(why)) {
            log::warn("broker: {}", why);  // tried again on the next check
            return;
        }
        resubscribe = false;
        log::info("broker: reconnected; reading on after sequence {}", last_seq.load());
        to_loop([](Impl& i) {
            if (i.handlers.connection) i.handlers.connection(true, "");
        });
    }

    static void on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
        auto& impl = *static_cast<Impl*>(closure);
        CallbackScope scope(impl);
        if (!scope.live()) return natsMsg_Destroy(msg);
        Message m;
        jsMsgMetaData* meta = nullptr;
        if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
            m.seq = meta->Sequence.Stream;
            m.pending = meta->NumPending;
            jsMsgMetaData_Destroy(meta);
        }
        const char* term = nullptr;
        if (natsMsgHeader_Get(msg, k_term_header, &term) == NATS_OK && term) m.term = std::strtoull(term, nullptr, 10);
        m.subject = natsMsg_GetSubject(msg);
        m.data.assign(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
        natsMsg_Destroy(msg);
        if (m.seq == 0) return;
        std::uint64_t seen = impl.last_seq.load();
        while (m.seq > seen && !impl.last_seq.compare_exchange_weak(seen, m.seq)) {
        }
        bool caught_up = m.pending == 0 && !impl.caught_up_sent.exchange(true);
        impl.to_loop([m = std::move(m), caught_up](Impl& i) {
            if (i.handlers.message) i.handlers.message(m);
            if (caught_up && i.handlers.caught_up) i.handlers.caught_up();
        });
    }

    // --- lease and publication (worker) -----------------------------------

    LeaseState current_holder() {
        LeaseState st;
        kvEntry* e = nullptr;
        if (kv && kvStore_Get(&e, kv, k_lease_key) == NATS_OK) {
            st.holder = kvEntry_ValueString(e);
            kvEntry_Destroy(e);
        }
        return st;
    }
};

Client::Client(net::Loop& loop, Options options) : m_impl(std::make_shared<Impl>(loop, std::move(options))) {
    m_impl->self = m_impl;
}

Client::~Client() {
    Impl& impl = *m_impl;
    impl.stopping = true;
    impl.wake.notify_all();
    if (impl.worker.joinable()) impl.worker.join();
    impl.close_connection();
    while (impl.in_callback.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    // A nats thread may be about to enter a callback with this Impl as its
    // closure: the object is kept (its resources are released above) so
    // that such a late call only reads `stopping`. Never destroyed, not even
    // at exit: the library's threads can still deliver a disconnect while
    // static destructors run.
    static std::mutex graveyard_mutex;
    static auto* graveyard = new std::vector<std::shared_ptr<Impl>>();
    std::lock_guard lock(graveyard_mutex);
    graveyard->push_back(std::move(m_impl));
}

const Options& Client::options() const { return m_impl->options; }

void Client::start(Handlers handlers) {
    m_impl->handlers = std::move(handlers);
    m_impl->enqueue([impl = m_impl.get()] { impl->connect(); });
    m_impl->worker = std::thread([impl = m_impl.get()] { impl->run_worker(); });
}

void Client::lease_take(std::string holder, std::function<void(LeaseState)> done) {
    m_impl->enqueue([impl = m_impl.get(), holder = std::move(holder), done = std::move(done)]() mutable {
        LeaseState st;
        std::uint64_t rev = 0;
        if (impl->kv && kvStore_Create(&rev, impl->kv, k_lease_key, holder.data(), static_cast<int>(holder.size())) ==
                            NATS_OK) {
            st.revision = rev;
            st.holder = holder;
        } else {
            st = impl->current_holder();
        }
        impl->to_loop([st = std::move(st), done = std::move(done)](Impl&) { done(st); });
    });
}

void Client::lease_renew(std::uint64_t revision, std::string holder, std::function<void(LeaseState)> done) {
    m_impl->enqueue([impl = m_impl.get(), revision, holder = std::move(holder), done = std::move(done)]() mutable {
        LeaseState st;
        std::uint64_t rev = 0;
        if (impl->kv && kvStore_Update(&rev, impl->kv, k_lease_key, holder.data(), static_cast<int>(holder.size()),
                                       revision) == NATS_OK) {
            st.revision = rev;
            st.holder = holder;
        } else {
            st = impl->current_holder();
        }
        impl->to_loop([st = std::move(st), done = std::move(done)](Impl&) { done(st); });
    });
}

void Client::lease_release(std::uint64_t revision) {
    m_impl->enqueue([impl = m_impl.get(), revision] {
        kvEntry* e = nullptr;
        if (!impl->kv || kvStore_Get(&e, impl->kv, k_lease_key) != NATS_OK) return;
        // a lease another relay took since is not ours to end (a small
        // window remains between the read and the delete: the other relay
        // then loses one renewal and takes the lease again)
        bool ours = kvEntry_Revision(e) == revision;
        kvEntry_Destroy(e);
        if (ours) kvStore_Delete(impl->kv, k_lease_key);
    });
}

void Client::last_sequence(std::function<void(std::optional<std::uint64_t>)> done) {
    m_impl->enqueue([impl = m_impl.get(), done = std::move(done)]() mutable {
        std::optional<std::uint64_t> last;
        jsStreamInfo* si = nullptr;
        jsErrCode err = static_cast<jsErrCode>(0);
        const std::string name = stream_name(impl->options.tenant);
        if (impl->js && js_GetStreamInfo(&si, impl->js, name.c_str(), nullptr, &err) == NATS_OK) {
            last = si->State.LastSeq;
            jsStreamInfo_Destroy(si);
        }
        impl->to_loop([last, done = std::move(done)](Impl&) { done(last); });
    });
}

void Client::publish(std::string subject, std::string data, std::uint64_t term, std::uint64_t expect_last,
                     std::function<void(PublishResult, std::uint64_t)> done) {
    m_impl->enqueue([impl = m_impl.get(), subject = std::move(subject), data = std::move(data), term, expect_last,
                     done = std::move(done)]() mutable {
        PublishResult result = PublishResult::failed;
        std::uint64_t seq = 0;
        natsMsg* msg = nullptr;
        if (impl->js &&
            natsMsg_Create(&msg, subject.c_str(), nullptr, data.data(), static_cast<int>(data.size())) == NATS_OK) {
            natsMsgHeader_Set(msg, k_term_header, std::to_string(term).c_str());
            jsPubOptions po;
            jsPubOptions_Init(&po);
            // the client sends no precondition for 0, the server checks one
            // that is there: an empty stream is expected explicitly, or two
            // holders could both write a tenant's first message
            if (expect_last == 0) natsMsgHeader_Set(msg, k_expect_last_header, "0");
            else po.ExpectLastSeq = expect_last;
            jsPubAck* ack = nullptr;
            jsErrCode err = static_cast<jsErrCode>(0);
            natsStatus s = js_PublishMsg(&ack, impl->js, msg, &po, &err);
            if (s == NATS_OK && ack) {
                result = PublishResult::ok;
                seq = ack->Sequence;
            } else if (err == JSStreamWrongLastSequenceErr) {
                result = PublishResult::fenced;
            }
            if (ack) jsPubAck_Destroy(ack);
            natsMsg_Destroy(msg);
        }
        impl->to_loop([result, seq, done = std::move(done)](Impl&) { done(result, seq); });
    });
}

}  // namespace rtwatch::broker
