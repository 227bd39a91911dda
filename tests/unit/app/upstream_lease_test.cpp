// The upstream lease on a fake broker client and a fake clock: when it
// competes, the publish window, the fence on the stream's last sequence,
// the deadline before the lease can expire, and a new holder's wait for its
// reader (bounded). Exact times, no waiting on a real clock.
#include <catch2/catch.hpp>

#include <map>

#include "broker_source.hpp"
#include "fake_broker.hpp"
#include "upstream_lease.hpp"

using namespace rtwatch;
using namespace std::chrono_literals;
using test::FakeBrokerClient;
using test::FakeServices;
using test::FakeStream;
using test::FakeUpstream;

namespace {

const std::string k_q1 = "rtwatch.t1.queue.q1";

struct Relay {
    app::Config config;
    FakeServices services;
    FakeBrokerClient client;
    app::StreamView view;
    std::vector<std::unique_ptr<FakeUpstream>> upstreams;
    std::optional<app::UpstreamLease> lease;
    int alive = 0;

    explicit Relay(std::shared_ptr<FakeStream> stream = std::make_shared<FakeStream>()) : client(std::move(stream)) {
        config.relay = true;
        config.tenant = "t1";
        config.lease_ttl = 900ms;  // renewed every 300 ms, published for 600 ms after a renewal was sent
        lease.emplace(config, services, client, view, [this](const app::Config&) -> std::unique_ptr<app::Source> {
            upstreams.push_back(std::make_unique<FakeUpstream>());
            return std::make_unique<FakeUpstream::Handle>(*upstreams.back());
        });
        lease->start([this] { ++alive; });
    }
    FakeUpstream& upstream() { return *upstreams.back(); }

    // Has read the stream, competes at the next tick, takes the lease as
    // `revision`; the stream's last sequence is asked for, not answered.
    void take(std::uint64_t revision) {
        view.caught_up = view.broker_up = true;
        services.advance(300ms);
        REQUIRE(client.takes.size() == 1);
        client.answer_take(revision);
        REQUIRE(lease->holding());
        REQUIRE(client.last_sequence_asked.size() == 1);
    }
    // The upstream says q<id> has `value` waiting.
    void change(const std::string& id, int value) {
        Record r;
        r.kind = ResourceKind::queue;
        r.id = id;
        r.source_ts = "2026-12-07T00:00:00.000Z";
        Metric& m = r.add_metric();
        m.name = "waiting";
        m.value.type = MetricValue::Type::number;
        m.value.text = std::to_string(value);
        m.value.number = value;
        auto& l = *upstream().listener;
        l.input_begins(WallTime{});
        l.record(r);
        l.input_ends();
    }
    void upstream_connected() {
        upstream().listener->status(app::StatusChange{app::UpstreamStatus::connected, "", {}, false});
    }
    // What the reader would have made of a message of the stream.
    void read(const broker::Message& m) {
        view.last_seq = m.seq;
        if (m.subject.find(".status.") == std::string::npos) {
            Record r;
            REQUIRE(app::parse_metrics_line(m.data, r));
            view.last_metrics[m.subject] = app::metrics_key(r);
        }
        lease->stream_read();
    }
    void read_all() {
        for (const auto& m : client.stream->stored)
            if (m.seq > view.last_seq) read(m);
    }
};

std::string line_of(const std::string& id, int waiting) {
    return R"({"type":"metrics","kind":"queue","id":")" + id +
           R"(","ts":"2026-12-07T00:00:00.000Z","source_ts":"2026-12-07T00:00:00.000Z","metrics":{"waiting":)" +
           std::to_string(waiting) + R"(},"changed":["waiting"]})";
}

std::string waiting_of(const std::string& data) {
    auto at = data.find("\"waiting\":");
    return at == std::string::npos ? "" : data.substr(at + 10, data.find_first_of(",}", at) - at - 10);
}

}  // namespace

TEST_CASE("upstream lease: competes only with the stream read and the broker up, every third of the TTL",
          "[app][broker]") {
    Relay r;
    r.services.advance(300ms);
    CHECK(r.client.takes.empty());  // not caught up yet
    r.view.caught_up = true;
    r.services.advance(300ms);
    CHECK(r.client.takes.empty());  // broker down
    r.view.broker_up = true;
    r.services.advance(299ms);
    CHECK(r.client.takes.empty());
    r.services.advance(1ms);
    REQUIRE(r.client.takes.size() == 1);
    r.client.answer_take(std::nullopt, "other/7");  // held elsewhere: that relay's upstream is up
    CHECK(r.alive == 1);
    CHECK_FALSE(r.lease->holding());
    CHECK(r.upstreams.empty());
    r.services.advance(300ms);
    CHECK(r.client.takes.size() == 1);
}

TEST_CASE(
    "upstream lease: the holder publishes with its term, from the stream's last sequence on, one expected "
    "sequence after another",
    "[app][broker]") {
    Relay r;
    r.take(41);
    REQUIRE(r.upstreams.size() == 1);
    r.change("q1", 1);
    r.change("q2", 2);
    CHECK(r.client.sent.empty());  // the stream's end is not known yet
    r.client.answer_last_sequence(0);
    r.upstream_connected();
    REQUIRE(r.client.sent.size() == 3);
    // the first expects the stream's last sequence, each next one the id
    // of the one before it
    CHECK(r.client.sent[0].expect.last_id.empty());
    CHECK(r.client.sent[0].expect.last_seq == 0);
    CHECK(r.client.sent[0].id == "41.1");
    CHECK(r.client.sent[1].expect.last_id == "41.1");
    CHECK(r.client.sent[2].subject == "rtwatch.t1.status.upstream");
    CHECK(r.client.sent[2].expect.last_id == "41.2");
    for (const auto& p : r.client.sent) CHECK(p.term == 41);
    CHECK(r.client.deliver() == 3);
    r.change("q1", 3);
    REQUIRE(r.client.sent.size() == 4);
    CHECK(r.client.sent[3].subject == k_q1);
    CHECK(r.client.sent[3].expect.last_id == "41.3");
    CHECK(waiting_of(r.client.sent[3].data) == "3");
    CHECK(r.client.deliver() == 1);
    CHECK(r.lease->counters().stored == 4);
}

TEST_CASE(
    "upstream lease: at most the window is in flight; each answer lets the next one go, newer values "
    "replacing waiting ones",
    "[app][broker]") {
    Relay r;
    r.take(1);
    r.client.answer_last_sequence(0);
    const int n = static_cast<int>(app::UpstreamLease::k_window) + 20;
    for (int i = 0; i < n; ++i) r.change("q" + std::to_string(i), 1);
    CHECK(r.client.in_flight.size() == app::UpstreamLease::k_window);
    // a waiting resource changes again: one publication, with the new value
    r.change("q" + std::to_string(n - 1), 9);
    r.client.deliver(1);
    CHECK(r.client.in_flight.size() == app::UpstreamLease::k_window);
    r.client.deliver();
    r.client.deliver();
    CHECK(r.client.sent.size() == static_cast<std::size_t>(n));
    CHECK(waiting_of(r.client.sent.back().data) == "9");
    CHECK(r.client.stream->last() == static_cast<std::uint64_t>(n));
}

TEST_CASE(
    "upstream lease: a refused publication stops the ones after it; once they are answered the holder "
    "starts again from the stream's real last sequence",
    "[app][broker]") {
    auto stream = std::make_shared<FakeStream>();
    Relay r(stream);
    r.take(5);
    r.client.answer_last_sequence(0);
    for (int i = 0; i < 4; ++i) r.change("q" + std::to_string(i), 1);
    // another writer extended the stream meanwhile
    std::uint64_t seq = 0;
    REQUIRE(stream->offer("rtwatch.t1.queue.x", line_of("x", 1), 4, "4.1", broker::Expect{0, ""}, seq) ==
            broker::PublishResult::ok);
    CHECK(r.client.deliver(1) == 0);  // fenced
    r.change("q9", 1);                // not sent: the prediction is wrong
    CHECK(r.client.in_flight.size() == 3);
    // all refused, though the second one's place in the stream is free:
    // it expects the id of the first, which was never stored
    CHECK(r.client.deliver() == 0);
    CHECK(r.lease->counters().refused == 4);
    CHECK(r.client.last_sequence_asked.empty());  // after the next renewal confirms the lease
    r.services.advance(300ms);
    r.client.answer_renew(6);
    REQUIRE(r.client.last_sequence_asked.size() == 1);
    r.read_all();
    r.client.answer_last_sequence();
    REQUIRE(r.client.in_flight.size() == 5);
    CHECK(r.client.in_flight.front().expect.last_seq == 1);
    CHECK(r.client.in_flight.front().expect.last_id.empty());
    CHECK(r.client.deliver() == 5);
    CHECK(stream->last() == 6);
}

TEST_CASE(
    "upstream lease: publishes until the last renewal's send time + 2/3 TTL and gives up then; a late "
    "answer changes nothing",
    "[app][broker]") {
    Relay r;
    r.take(1);  // the take was sent at 1000.300 s: publish before 1000.900 s
    r.client.answer_last_sequence(0);
    r.services.advance(300ms);  // 1000.600: a renewal is sent
    REQUIRE(r.client.renews.size() == 1);
    r.services.advance(250ms);  // answered at 1000.850: publish before 1000.600 + 0.600
    r.client.answer_renew(2);
    r.services.advance(50ms);  // 1000.900: the next renewal is sent, and stays unanswered
    REQUIRE(r.client.renews.size() == 1);
    r.services.advance(299ms);  // 1001.199
    r.change("q1", 1);
    CHECK(r.client.sent.size() == 1);
    CHECK(r.lease->holding());
    r.services.advance(1ms);  // 1001.200
    CHECK_FALSE(r.lease->holding());
    CHECK(r.upstreams.back()->stopped);
    r.change("q2", 2);
    CHECK(r.client.sent.size() == 1);
    r.client.answer_renew(3);
    CHECK_FALSE(r.lease->holding());
    CHECK(r.client.releases.empty());  // the key expires at the broker by itself
    CHECK(r.client.deliver() == 1);
}

TEST_CASE(
    "upstream lease: a renewal answered with another holder ends the term: no more publications, the "
    "upstream closed, late answers change nothing",
    "[app][broker]") {
    Relay r;
    r.take(3);
    r.client.answer_last_sequence(0);
    r.change("q1", 1);
    r.services.advance(300ms);
    r.client.answer_renew(std::nullopt);
    CHECK_FALSE(r.lease->holding());
    CHECK(r.upstreams.back()->stopped);
    CHECK(r.client.releases.empty());  // not ours any more
    CHECK(r.client.deliver() == 1);    // the one in flight lands; nothing follows it
    CHECK(r.client.sent.size() == 1);
}

namespace {

// A stream of an earlier term: q1 = 1, q2 = 2, then q1 = 5; the reader has
// read the first two only.
std::shared_ptr<FakeStream> earlier_term(Relay*& relay_out, std::unique_ptr<Relay>& relay) {
    auto stream = std::make_shared<FakeStream>();
    std::uint64_t seq = 0;
    stream->offer(k_q1, line_of("q1", 1), 1, "1.1", {0, ""}, seq);
    stream->offer("rtwatch.t1.queue.q2", line_of("q2", 2), 1, "1.2", {0, "1.1"}, seq);
    stream->offer(k_q1, line_of("q1", 5), 1, "1.3", {0, "1.2"}, seq);
    relay = std::make_unique<Relay>(stream);
    relay->read(stream->stored[0]);
    relay->read(stream->stored[1]);
    relay_out = relay.get();
    return stream;
}

}  // namespace

TEST_CASE(
    "upstream lease: a new holder waits for its reader to reach the stream's end, then publishes only what "
    "the stream lacks",
    "[app][broker]") {
    Relay* r = nullptr;
    std::unique_ptr<Relay> owner;
    auto stream = earlier_term(r, owner);
    r->take(7);
    r->client.answer_last_sequence();  // 3: the reader is at 2
    // the upstream's snapshot: q1 went back to 1, q2 is unchanged
    r->change("q1", 1);
    r->change("q2", 2);
    CHECK(r->client.sent.empty());
    r->read(stream->stored[2]);  // q1 = 5 reaches the reader
    // diffed against the stream's real end: q1 differs, q2 does not
    REQUIRE(r->client.sent.size() == 1);
    CHECK(r->client.sent[0].subject == k_q1);
    CHECK(waiting_of(r->client.sent[0].data) == "1");
    CHECK(r->client.sent[0].expect.last_seq == 3);
    CHECK(r->client.deliver() == 1);
    CHECK(waiting_of(stream->stored.back().data) == "1");
}

TEST_CASE(
    "upstream lease: a new holder whose reader never reaches the stream's end publishes every resource a third "
    "of the TTL later, renewals meanwhile notwithstanding",
    "[app][broker]") {
    Relay* r = nullptr;
    std::unique_ptr<Relay> owner;
    auto stream = earlier_term(r, owner);
    r->take(7);                  // at 1000.300
    r->services.advance(100ms);  // 1000.400: the stream's end is known; wait until 1000.700
    r->client.answer_last_sequence();
    r->services.advance(50ms);
    r->change("q1", 1);
    r->change("q2", 2);
    r->services.advance(150ms);  // 1000.600: a renewal, answered at once
    REQUIRE(r->client.renews.size() == 1);
    r->client.answer_renew(8);
    CHECK(r->client.last_sequence_asked.empty());  // the wait goes on; it does not start again
    r->services.advance(99ms);                     // 1000.699
    CHECK(r->client.sent.empty());
    r->services.advance(1ms);  // 1000.700
    REQUIRE(r->client.sent.size() == 2);
    CHECK(r->client.sent[0].expect.last_seq == 3);
    CHECK(r->client.deliver() == 2);
    // the stream ends with the upstream's state, whatever the reader missed
    std::map<std::string, std::string> last;
    for (const auto& m : stream->stored) last[m.subject] = waiting_of(m.data);
    CHECK(last[k_q1] == "1");
    CHECK(last["rtwatch.t1.queue.q2"] == "2");
    // a reader that comes late changes nothing
    r->read_all();
    CHECK(r->client.sent.size() == 2);
}
