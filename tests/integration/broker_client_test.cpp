// The broker client against a real nats-server: the lease's create-only and
// compare-and-swap rules, the stream's fence on the last sequence, readers'
// "last message per subject, then live", and the subject names.
#include <catch2/catch.hpp>

#include <functional>
#include <optional>

#include "nats_server.hpp"
#include "nats_stream.hpp"
#include "rtwatch/broker/client.hpp"
#include "rtwatch/net/loop.hpp"

using namespace rtwatch;
using namespace std::chrono_literals;
using rtwatch::test::NatsServer;

namespace {

// Runs the loop until `done()` holds or `limit` passes; whether it held.
bool run_until(net::Loop& loop, const std::function<bool()>& done, Millis limit = Millis{10'000}) {
    bool held = false;
    const auto deadline = SteadyClock::now() + limit;
    std::function<void()> check = [&] {
        if ((held = done()) || SteadyClock::now() >= deadline) return loop.stop();
        loop.add_timer(SteadyClock::now() + 5ms, check);
    };
    loop.add_timer(SteadyClock::now(), check);
    loop.run();
    return held;
}

broker::Options options_for(const NatsServer& nats, Millis ttl = Millis{1'000}) {
    broker::Options o;
    o.urls = {nats.url()};
    o.tenant = "t1";
    o.lease_ttl = ttl;
    o.history = 4;
    return o;
}

// A client that is connected, has made the stream and the bucket, and has
// read the stream to its end.
struct Party {
    std::unique_ptr<broker::Client> client;
    std::vector<broker::Message> messages;
    bool up = false, caught_up = false;

    Party(net::Loop& loop, const NatsServer& nats) : client(broker::nats_client(loop, options_for(nats))) {
        broker::Handlers h;
        h.connection = [this](bool is_up, const std::string&) { up = is_up; };
        h.message = [this](const broker::Message& m) { messages.push_back(m); };
        h.caught_up = [this] { caught_up = true; };
        client->start(std::move(h));
        REQUIRE(run_until(loop, [this] { return up && caught_up; }));
    }
};

std::optional<broker::LeaseState> take(net::Loop& loop, Party& p, const std::string& name) {
    std::optional<broker::LeaseState> out;
    p.client->lease_take(name, [&](broker::LeaseState st) { out = std::move(st); });
    if (!run_until(loop, [&] { return out.has_value(); })) return std::nullopt;
    return out;
}

// Tries to take the lease every 20 ms until it is ours or `limit` passes.
std::optional<broker::LeaseState> take_within(net::Loop& loop, Party& p, const std::string& name, Millis limit) {
    const auto deadline = SteadyClock::now() + limit;
    while (SteadyClock::now() < deadline) {
        auto st = take(loop, p, name);
        if (st && st->revision) return st;
        run_until(
            loop, [] { return false; }, Millis{20});
    }
    return std::nullopt;
}

std::optional<broker::LeaseState> renew(net::Loop& loop, Party& p, std::uint64_t revision, const std::string& name) {
    std::optional<broker::LeaseState> out;
    p.client->lease_renew(revision, name, [&](broker::LeaseState st) { out = std::move(st); });
    if (!run_until(loop, [&] { return out.has_value(); })) return std::nullopt;
    return out;
}

std::pair<broker::PublishResult, std::uint64_t> publish(net::Loop& loop, Party& p, const std::string& subject,
                                                        const std::string& data, std::uint64_t term,
                                                        std::uint64_t expect_last, std::string id = {},
                                                        std::string expect_id = {}) {
    std::optional<std::pair<broker::PublishResult, std::uint64_t>> out;
    p.client->publish(subject, data, term, std::move(id), broker::Expect{expect_last, std::move(expect_id)},
                      [&](broker::PublishResult r, std::uint64_t seq) {
                          out = std::pair{r, seq};
                      });
    REQUIRE(run_until(loop, [&] { return out.has_value(); }));
    return *out;
}

}  // namespace

TEST_CASE("broker lease: create-only, renewed by its revision, given back by its revision, gone after the TTL",
          "[broker][client]") {
    NatsServer nats;
    net::Loop loop;
    Party a(loop, nats), b(loop, nats);

    auto first = take(loop, a, "relay-a");
    REQUIRE(first);
    REQUIRE(first->revision);
    CHECK(first->holder == "relay-a");
    // held: another relay cannot take it, and learns who holds it
    auto refused = take(loop, b, "relay-b");
    REQUIRE(refused);
    CHECK_FALSE(refused->revision);
    CHECK(refused->holder == "relay-a");

    auto renewed = renew(loop, a, *first->revision, "relay-a");
    REQUIRE(renewed);
    REQUIRE(renewed->revision);
    CHECK(*renewed->revision > *first->revision);
    // the revision it replaced renews nothing (a holder that missed a renewal)
    auto stale = renew(loop, a, *first->revision, "relay-a");
    REQUIRE(stale);
    CHECK_FALSE(stale->revision);
    CHECK(stale->holder == "relay-a");

    // releasing with an old revision leaves the lease where it is
    a.client->lease_release(*first->revision);
    auto still = take(loop, b, "relay-b");
    REQUIRE(still);
    CHECK_FALSE(still->revision);
    a.client->lease_release(*renewed->revision);
    auto after_release = take_within(loop, b, "relay-b", Millis{5'000});
    REQUIRE(after_release);
    CHECK(after_release->holder == "relay-b");
    CHECK(*after_release->revision > *renewed->revision);

    // unrenewed, the lease is gone after its TTL (1 s), and only then
    const auto taken_at = SteadyClock::now();
    auto after_ttl = take_within(loop, a, "relay-a", Millis{10'000});
    REQUIRE(after_ttl);
    CHECK(SteadyClock::now() - taken_at >= 900ms);
    CHECK(after_ttl->holder == "relay-a");
}

TEST_CASE("broker stream: a publication that expects an older last sequence is refused, even on an empty stream",
          "[broker][client]") {
    NatsServer nats;
    net::Loop loop;
    Party old_holder(loop, nats), new_holder(loop, nats), reader(loop, nats);
    const auto subject = broker::record_subject("t1", "queue", "q1");

    // both expect the empty stream: only the first is stored
    auto [r1, seq1] = publish(loop, old_holder, subject, R"({"n":1})", 1, 0);
    CHECK(r1 == broker::PublishResult::ok);
    CHECK(seq1 == 1);
    auto [r2, seq2] = publish(loop, new_holder, subject, R"({"n":2})", 2, 0);
    CHECK(r2 == broker::PublishResult::fenced);
    // the new holder, knowing the stream, goes on; the old one's late
    // publication (its prediction is behind) is refused
    auto [r3, seq3] = publish(loop, new_holder, subject, R"({"n":3})", 2, 1);
    CHECK(r3 == broker::PublishResult::ok);
    CHECK(seq3 == 2);
    auto [r4, seq4] = publish(loop, old_holder, subject, R"({"n":4})", 1, 1);
    CHECK(r4 == broker::PublishResult::fenced);

    auto stored = rtwatch::test::stream_messages(nats.url(), broker::stream_name("t1"));
    REQUIRE(stored.size() == 2);
    CHECK(stored[0].term == 1);
    CHECK(stored[0].data == R"({"n":1})");
    CHECK(stored[1].term == 2);
    CHECK(stored[1].data == R"({"n":3})");
    // a live reader got both, with their terms and sequences
    REQUIRE(run_until(loop, [&] { return reader.messages.size() >= 2; }));
    CHECK(reader.messages.size() == 2);
    CHECK(reader.messages[0].seq == 1);
    CHECK(reader.messages[0].term == 1);
    CHECK(reader.messages[1].seq == 2);
    CHECK(reader.messages[1].term == 2);
    CHECK(reader.messages[1].subject == subject);
}

TEST_CASE(
    "broker stream: a window of publications in flight, each expecting the id of the one before; a foreign "
    "message breaks the chain for good",
    "[broker][client]") {
    NatsServer nats;
    net::Loop loop;
    Party old_holder(loop, nats), new_holder(loop, nats);
    // one subject each: the stream keeps 4 messages per subject here
    auto subject = [](int i) { return broker::record_subject("t1", "queue", "q" + std::to_string(i)); };
    // 50 sent at once, none waiting for the answer of the one before
    std::vector<std::pair<broker::PublishResult, std::uint64_t>> answers;
    for (int i = 1; i <= 50; ++i)
        old_holder.client->publish(subject(i), "a" + std::to_string(i), 1, "1." + std::to_string(i),
                                   broker::Expect{0, i == 1 ? "" : "1." + std::to_string(i - 1)},
                                   [&](broker::PublishResult r, std::uint64_t seq) { answers.emplace_back(r, seq); });
    REQUIRE(run_until(loop, [&] { return answers.size() == 50; }));
    for (std::size_t i = 0; i < answers.size(); ++i) {
        CHECK(answers[i].first == broker::PublishResult::ok);
        CHECK(answers[i].second == i + 1);
    }
    // a new holder extends the stream; the old one's next two are refused,
    // the second though the stream's last sequence is the one it follows
    auto [r1, seq1] = publish(loop, new_holder, subject(51), "b1", 2, 50, "2.1");
    CHECK(r1 == broker::PublishResult::ok);
    CHECK(seq1 == 51);
    auto [r2, seq2] = publish(loop, old_holder, subject(52), "a51", 1, 0, "1.51", "1.50");
    CHECK(r2 == broker::PublishResult::fenced);
    auto [r3, seq3] = publish(loop, old_holder, subject(53), "a52", 1, 0, "1.52", "1.51");
    CHECK(r3 == broker::PublishResult::fenced);
    auto [r4, seq4] = publish(loop, new_holder, subject(54), "b2", 2, 0, "2.2", "2.1");
    CHECK(r4 == broker::PublishResult::ok);
    CHECK(seq4 == 52);
    auto stored = rtwatch::test::stream_messages(nats.url(), broker::stream_name("t1"));
    REQUIRE(stored.size() == 52);
    CHECK(stored[50].data == "b1");
    CHECK(stored[51].data == "b2");
}

TEST_CASE("broker stream: a late reader gets the last message of every subject, then live ones", "[broker][client]") {
    NatsServer nats;
    net::Loop loop;
    Party writer(loop, nats);
    const auto q1 = broker::record_subject("t1", "queue", "q1"), q2 = broker::record_subject("t1", "queue", "q2");
    std::uint64_t last = 0;
    for (int i = 1; i <= 6; ++i) {
        auto [r, seq] = publish(loop, writer, i % 3 ? q1 : q2, "m" + std::to_string(i), 7, last);
        REQUIRE(r == broker::PublishResult::ok);
        last = seq;
    }
    // q1 holds m1 m2 m4 m5, q2 m3 m6: the snapshot is m5 and m6
    Party late(loop, nats);
    REQUIRE(late.messages.size() == 2);
    CHECK(late.messages[0].data == "m5");
    CHECK(late.messages[0].seq == 5);
    CHECK(late.messages[1].data == "m6");
    CHECK(late.messages[1].pending == 0);
    auto [r, seq] = publish(loop, writer, q2, "m7", 7, last);
    REQUIRE(r == broker::PublishResult::ok);
    REQUIRE(run_until(loop, [&] { return late.messages.size() == 3; }));
    CHECK(late.messages[2].data == "m7");
    CHECK(late.messages[2].seq == seq);
    // the per-subject history (4 here): a fifth message of q1 removes m1
    auto [r8, seq8] = publish(loop, writer, q1, "m8", 7, seq);
    REQUIRE(r8 == broker::PublishResult::ok);
    auto stored = rtwatch::test::stream_messages(nats.url(), broker::stream_name("t1"));
    std::vector<std::string> kept;
    for (const auto& m : stored) kept.push_back(m.data);
    CHECK(kept == std::vector<std::string>{"m2", "m3", "m4", "m5", "m6", "m7", "m8"});
    CHECK(stored.front().seq == 2);
}

TEST_CASE("broker names: ids become one subject token, tenants are checked", "[broker][client]") {
    CHECK(broker::record_subject("acme", "queue", "q-1_a") == "rtwatch.acme.queue.q-1_a");
    CHECK(broker::record_subject("acme", "agent", "a.b*c>d e") == "rtwatch.acme.agent.a%2Eb%2Ac%3Ed%20e");
    CHECK(broker::record_subject("acme", "skill", "50%") == "rtwatch.acme.skill.50%25");
    CHECK(broker::record_subject("acme", "queue", "x@y:z+w=v") == "rtwatch.acme.queue.x@y:z+w=v");
    CHECK(broker::record_subject("acme", "queue", "\xC3\xA9") == "rtwatch.acme.queue.%C3%A9");
    // empty and "%" are different resources with different subjects
    CHECK(broker::record_subject("acme", "queue", "") == "rtwatch.acme.queue.%");
    CHECK(broker::record_subject("acme", "queue", "%") == "rtwatch.acme.queue.%25");
    CHECK(broker::status_subject("acme") == "rtwatch.acme.status.upstream");
    CHECK(broker::tenant_problem("acme-1_b") == "");
    CHECK(broker::tenant_problem("") != "");
    CHECK(broker::tenant_problem("a.b") != "");
    CHECK(broker::tenant_problem("a b") != "");
    CHECK(broker::tenant_problem(std::string(65, 'a')) != "");
    CHECK(broker::tenant_problem(std::string(64, 'a')) == "");
}
