// The nats client's calls: the lease on the KV bucket, the stream's last
// sequence, and publications. Lease calls block the worker for one round
// trip each; publications do not: the worker hands each one to the library
// (js_PublishMsgAsync) and goes on, and its acknowledgement comes back on a
// library thread (on_ack) and from there to the loop.
#include <chrono>
#include <cstdlib>

#include "nats_impl.hpp"
#include "rtwatch/core/log.hpp"

namespace rtwatch::broker {

namespace {

using detail::NatsImpl;

constexpr const char* k_lease_key = "upstream";
constexpr const char* k_term_header = "Rtwatch-Lease";
constexpr const char* k_expect_last_header = "Nats-Expected-Last-Sequence";
// An unanswered publication is given up after this (the library times it
// out and on_ack answers it `failed`).
constexpr std::int64_t k_publish_wait_ms = 2'000;

LeaseState current_holder(kvStore* kv) {
    LeaseState st;
    kvEntry* e = nullptr;
    if (kv && kvStore_Get(&e, kv, k_lease_key) == NATS_OK) {
        st.holder = kvEntry_ValueString(e);
        kvEntry_Destroy(e);
    }
    return st;
}

class NatsClient final : public Client {
public:
    NatsClient(net::Loop& loop, Options options) : m_impl(std::make_shared<NatsImpl>(loop, std::move(options))) {
        m_impl->self = m_impl;
    }
    ~NatsClient() override;

    void start(Handlers handlers) override {
        m_impl->handlers = std::move(handlers);
        m_impl->enqueue([impl = m_impl.get()] { impl->connect(); });
        m_impl->worker = std::thread([impl = m_impl.get()] { impl->run_worker(); });
    }
    void lease_take(std::string holder, std::function<void(LeaseState)> done) override;
    void lease_renew(std::uint64_t revision, std::string holder, std::function<void(LeaseState)> done) override;
    void lease_release(std::uint64_t revision) override;
    void last_sequence(std::function<void(std::optional<std::uint64_t>)> done) override;
    void publish(std::string subject, std::string data, std::uint64_t term, std::string id, Expect expect,
                 std::function<void(PublishResult, std::uint64_t)> done) override {
        m_impl->enqueue([impl = m_impl.get(), subject = std::move(subject), data = std::move(data), term,
                         id = std::move(id), expect = std::move(expect), done = std::move(done)]() mutable {
            impl->publish(std::move(subject), std::move(data), term, std::move(id), std::move(expect), std::move(done));
        });
    }
    const Options& options() const override { return m_impl->options; }

private:
    std::shared_ptr<NatsImpl> m_impl;
};

NatsClient::~NatsClient() {
    NatsImpl& impl = *m_impl;
    impl.stopping = true;
    impl.wake.notify_all();
    if (impl.worker.joinable()) impl.worker.join();
    impl.close_connection();
    while (impl.in_callback.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    // A nats thread may be about to enter a callback with this state as its
    // closure: the object is kept (its resources are released above) so
    // that such a late call only reads `stopping`. Never destroyed, not even
    // at exit: the library's threads can still deliver a disconnect while
    // static destructors run.
    static std::mutex graveyard_mutex;
    static auto* graveyard = new std::vector<std::shared_ptr<NatsImpl>>();
    std::lock_guard lock(graveyard_mutex);
    graveyard->push_back(std::move(m_impl));
}

void NatsClient::lease_take(std::string holder, std::function<void(LeaseState)> done) {
    m_impl->enqueue([impl = m_impl.get(), holder = std::move(holder), done = std::move(done)]() mutable {
        LeaseState st;
        std::uint64_t rev = 0;
        if (impl->kv &&
            kvStore_Create(&rev, impl->kv, k_lease_key, holder.data(), static_cast<int>(holder.size())) == NATS_OK) {
            st.revision = rev;
            st.holder = holder;
        } else {
            st = current_holder(impl->kv);
        }
        impl->to_loop([st = std::move(st), done = std::move(done)](NatsImpl&) { done(st); });
    });
}

void NatsClient::lease_renew(std::uint64_t revision, std::string holder, std::function<void(LeaseState)> done) {
    m_impl->enqueue([impl = m_impl.get(), revision, holder = std::move(holder), done = std::move(done)]() mutable {
        LeaseState st;
        std::uint64_t rev = 0;
        if (impl->kv && kvStore_Update(&rev, impl->kv, k_lease_key, holder.data(), static_cast<int>(holder.size()),
                                       revision) == NATS_OK) {
            st.revision = rev;
            st.holder = holder;
        } else {
            st = current_holder(impl->kv);
        }
        impl->to_loop([st = std::move(st), done = std::move(done)](NatsImpl&) { done(st); });
    });
}

void NatsClient::lease_release(std::uint64_t revision) {
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

void NatsClient::last_sequence(std::function<void(std::optional<std::uint64_t>)> done) {
    m_impl->enqueue([impl = m_impl.get(), done = std::move(done)]() mutable {
        std::optional<std::uint64_t> last;
        jsStreamInfo* si = nullptr;
        jsErrCode err = static_cast<jsErrCode>(0);
        const std::string name = stream_name(impl->options.tenant);
        if (impl->js && js_GetStreamInfo(&si, impl->js, name.c_str(), nullptr, &err) == NATS_OK) {
            last = si->State.LastSeq;
            jsStreamInfo_Destroy(si);
        }
        impl->to_loop([last, done = std::move(done)](NatsImpl&) { done(last); });
    });
}

}  // namespace

std::unique_ptr<Client> nats_client(net::Loop& loop, Options options) {
    return std::make_unique<NatsClient>(loop, std::move(options));
}

namespace detail {

// worker: sent in call order on the one connection, so the server checks
// each precondition in that order too
void NatsImpl::publish(std::string subject, std::string data, std::uint64_t term, std::string id, Expect expect,
                       PublishDone done) {
    natsMsg* msg = nullptr;
    if (!js || natsMsg_Create(&msg, subject.c_str(), nullptr, data.data(), static_cast<int>(data.size())) != NATS_OK)
        return to_loop([done = std::move(done)](NatsImpl&) { done(PublishResult::failed, 0); });
    natsMsgHeader_Set(msg, k_term_header, std::to_string(term).c_str());
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = k_publish_wait_ms;
    if (!id.empty()) po.MsgId = id.c_str();
    if (!expect.last_id.empty()) po.ExpectLastMsgId = expect.last_id.c_str();
    // the client sends no precondition for 0, the server checks one that
    // is there: an empty stream is expected explicitly, or two holders
    // could both write a tenant's first message
    else if (expect.last_seq == 0)
        natsMsgHeader_Set(msg, k_expect_last_header, "0");
    else
        po.ExpectLastSeq = expect.last_seq;
    // registered first: the answer can come before the call returns
    const natsMsg* key = msg;
    {
        std::lock_guard lock(pub_mutex);
        awaiting.emplace(key, std::move(done));
    }
    if (js_PublishMsgAsync(js, &msg, &po) == NATS_OK) return;  // the library owns msg now
    natsMsg_Destroy(msg);
    PublishDone failed;
    {
        std::lock_guard lock(pub_mutex);
        if (auto it = awaiting.find(key); it != awaiting.end()) {
            failed = std::move(it->second);
            awaiting.erase(it);
        }
    }
    if (failed) to_loop([done = std::move(failed)](NatsImpl&) { done(PublishResult::failed, 0); });
}

void NatsImpl::fail_awaiting() {
    std::unordered_map<const natsMsg*, PublishDone> dropped;
    {
        std::lock_guard lock(pub_mutex);
        dropped.swap(awaiting);
    }
    for (auto& [msg, done] : dropped) to_loop([done = std::move(done)](NatsImpl&) { done(PublishResult::failed, 0); });
}

// a library thread: the answer (or the library's timeout) of one publication
void NatsImpl::on_ack(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure) {
    auto& impl = *static_cast<NatsImpl*>(closure);
    CallbackScope scope(impl);
    PublishDone done;
    {
        std::lock_guard lock(impl.pub_mutex);
        if (auto it = impl.awaiting.find(msg); it != impl.awaiting.end()) {
            done = std::move(it->second);
            impl.awaiting.erase(it);
        }
    }
    natsMsg_Destroy(msg);
    if (!done || !scope.live()) return;
    PublishResult result = PublishResult::failed;
    std::uint64_t seq = 0;
    if (pa) {
        result = PublishResult::ok;
        seq = pa->Sequence;
    } else if (pae && (pae->ErrCode == JSStreamWrongLastSequenceErr || pae->ErrCode == JSStreamWrongLastMsgIDErr)) {
        result = PublishResult::fenced;
    }
    impl.to_loop([done = std::move(done), result, seq](NatsImpl&) { done(result, seq); });
}

}  // namespace detail

}  // namespace rtwatch::broker
