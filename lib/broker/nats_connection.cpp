// The nats client's connection and reader: one worker thread connects,
// makes the stream and the bucket, and (re)subscribes; the library's own
// threads deliver messages and connection events, handed to the loop.
#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "nats_impl.hpp"
#include "rtwatch/core/log.hpp"

namespace rtwatch::broker::detail {

namespace {

constexpr const char* k_term_header = "Rtwatch-Lease";

}  // namespace

std::string status_text(natsStatus s) {
    std::string text = natsStatus_GetText(s);
    if (const char* last = nats_GetLastError(nullptr); last && *last) text = fmt::format("{} ({})", text, last);
    return text;
}

void NatsImpl::enqueue(std::function<void()> task) {
    {
        std::lock_guard lock(mutex);
        tasks.push_back(std::move(task));
    }
    wake.notify_one();
}

void NatsImpl::run_worker() {
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
bool NatsImpl::pause_for(Millis d) {
    std::unique_lock lock(mutex);
    return !wake.wait_for(lock, d, [&] { return stopping.load(); });
}

// --- connection (worker) ---------------------------------------------

void NatsImpl::connect() {
    Millis backoff{100};
    for (bool first = true; !stopping; first = false) {
        std::string why;
        if (open(why)) {
            opened = true;
            to_loop([](NatsImpl& i) {
                if (i.handlers.connection) i.handlers.connection(true, "");
            });
            return;
        }
        close_connection();
        if (first || backoff >= Millis{2'000}) log::warn("broker: {}; retrying", why);
        to_loop([why](NatsImpl& i) {
            if (i.handlers.connection) i.handlers.connection(false, why);
        });
        if (!pause_for(backoff)) return;
        backoff = std::min(backoff * 2, Millis{2'000});
    }
}

bool NatsImpl::open(std::string& why) {
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
    if (s == NATS_OK) s = natsOptions_SetDisconnectedCB(nopts, &NatsImpl::on_disconnected, this);
    if (s == NATS_OK) s = natsOptions_SetReconnectedCB(nopts, &NatsImpl::on_reconnected, this);
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
    // publications are answered on a library thread, by on_ack; the
    // relay's window keeps far fewer in flight than this, so a publish
    // call never stalls the worker
    jo.PublishAsync.AckHandler = &NatsImpl::on_ack;
    jo.PublishAsync.AckHandlerClosure = this;
    jo.PublishAsync.MaxPending = 4'096;
    s = natsConnection_JetStream(&js, conn, &jo);
    if (s != NATS_OK) return why = "JetStream: " + status_text(s), false;
    if (!ensure_stream(why) || !ensure_bucket(why) || !subscribe(why)) return false;
    return true;
}

bool NatsImpl::ensure_stream(std::string& why) {
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

bool NatsImpl::ensure_bucket(std::string& why) {
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
bool NatsImpl::subscribe(std::string& why) {
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
    natsStatus s = js_Subscribe(&sub, js, subjects.c_str(), &NatsImpl::on_message, this, nullptr, &so, &err);
    if (s != NATS_OK) return why = "stream subscription: " + status_text(s), false;
    if (!caught_up_sent) {
        jsStreamInfo* si = nullptr;
        if (js_GetStreamInfo(&si, js, name.c_str(), nullptr, &err) == NATS_OK) {
            bool empty = si->State.Msgs == 0;
            jsStreamInfo_Destroy(si);
            if (empty && !caught_up_sent.exchange(true))
                to_loop([](NatsImpl& i) {
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
void NatsImpl::drop_subscription() {
    if (sub) natsSubscription_Destroy(sub), sub = nullptr;
}

void NatsImpl::close_connection() {
    drop_subscription();
    if (kv) kvStore_Destroy(kv), kv = nullptr;
    // the context's unanswered publications are dropped with it: on_ack
    // will not see them, so they are answered here
    if (js) jsCtx_Destroy(js), js = nullptr;
    fail_awaiting();
    if (conn) natsConnection_Close(conn), natsConnection_Destroy(conn), conn = nullptr;
    if (nopts) natsOptions_Destroy(nopts), nopts = nullptr;
}

// --- nats client threads ----------------------------------------------

void NatsImpl::on_disconnected(natsConnection*, void* closure) {
    auto& impl = *static_cast<NatsImpl*>(closure);
    CallbackScope scope(impl);
    if (!scope.live()) return;
    impl.resubscribe = true;
    log::info("broker: disconnected");
    impl.to_loop([](NatsImpl& i) {
        if (i.handlers.connection) i.handlers.connection(false, "broker unreachable");
    });
}

void NatsImpl::on_reconnected(natsConnection*, void* closure) {
    auto& impl = *static_cast<NatsImpl*>(closure);
    CallbackScope scope(impl);
    if (!scope.live()) return;
    impl.enqueue([&impl] {
        if (impl.resubscribe) impl.reopen();
    });
}

// A server that restarted has forgotten the reading consumer, and the
// client does not always say so (worker).
bool NatsImpl::consumer_lost() {
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
void NatsImpl::reopen() {
    std::string why;
    if (!ensure_stream(why) || !ensure_bucket(why) || !subscribe(why)) {
        log::warn("broker: {}", why);  // tried again on the next check
        return;
    }
    resubscribe = false;
    log::info("broker: reconnected; reading on after sequence {}", last_seq.load());
    to_loop([](NatsImpl& i) {
        if (i.handlers.connection) i.handlers.connection(true, "");
    });
}

void NatsImpl::on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    auto& impl = *static_cast<NatsImpl*>(closure);
    CallbackScope scope(impl);
    if (!scope.live()) return natsMsg_Destroy(msg);
    Message m;
    jsMsgMetaData* meta = nullptr;
    if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
        m.seq = meta->Sequence.Stream;
        m.pending = meta->NumPending;
        m.stored_ns = meta->Timestamp;
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
    // one wake-up of the loop per batch, not per message: the loop takes
    // everything that arrived by the time it runs
    bool first = false;
    {
        std::lock_guard lock(impl.inbox_mutex);
        first = impl.inbox.empty();
        impl.inbox.emplace_back(std::move(m), caught_up);
    }
    if (first) impl.to_loop([](NatsImpl& i) { i.hand_out_inbox(); });
}

// loop thread
void NatsImpl::hand_out_inbox() {
    std::vector<std::pair<Message, bool>> batch;
    {
        std::lock_guard lock(inbox_mutex);
        batch.swap(inbox);
    }
    if (handlers.batch) handlers.batch(true);
    for (auto& [m, caught_up] : batch) {
        if (stopping) return;
        if (handlers.message) handlers.message(m);
        if (!caught_up || !handlers.caught_up) continue;
        if (handlers.batch) handlers.batch(false);
        handlers.caught_up();
        if (stopping) return;
        if (handlers.batch) handlers.batch(true);
    }
    if (handlers.batch && !stopping) handlers.batch(false);
}

}  // namespace rtwatch::broker::detail
