// Fakes for the broker's glue, beside the clock and timers of
// fake_services.hpp: a broker::Client whose calls wait until the test
// answers them, with a stream that applies JetStream's fence (expected last
// sequence) as the server does, and an upstream Source the test speaks for.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fake_services.hpp"
#include "rtwatch/app/source.hpp"
#include "rtwatch/broker/client.hpp"

namespace rtwatch::test {

// The broker's stream as JetStream keeps it: sequence = index + 1; a
// publication is stored only if it expects the current last sequence, or
// the id of the last message stored.
struct FakeStream {
    std::vector<broker::Message> stored;
    std::string last_id;
    std::uint64_t last() const { return stored.size(); }
    broker::PublishResult offer(const std::string& subject, const std::string& data, std::uint64_t term,
                                const std::string& id, const broker::Expect& expect, std::uint64_t& seq) {
        if (expect.last_id.empty() ? expect.last_seq != last() : expect.last_id != last_id)
            return broker::PublishResult::fenced;
        last_id = id;
        broker::Message m;
        m.seq = seq = last() + 1;
        m.term = term;
        m.subject = subject;
        m.data = data;
        stored.push_back(std::move(m));
        return broker::PublishResult::ok;
    }
};

class FakeBrokerClient final : public broker::Client {
public:
    struct Publication {
        std::string subject, data;
        std::uint64_t term = 0;
        std::string id;
        broker::Expect expect;
        std::function<void(broker::PublishResult, std::uint64_t)> done;
    };
    using LeaseDone = std::function<void(broker::LeaseState)>;

    explicit FakeBrokerClient(std::shared_ptr<FakeStream> stream = std::make_shared<FakeStream>())
        : stream(std::move(stream)) {}

    std::shared_ptr<FakeStream> stream;
    broker::Options opts;
    broker::Handlers handlers;
    bool started = false;
    std::deque<Publication> in_flight;  // sent, unanswered, in order
    std::vector<Publication> sent;      // every publication, answered or not (without `done`)
    std::deque<std::pair<std::string, LeaseDone>> takes;
    std::deque<std::pair<std::uint64_t, LeaseDone>> renews;
    std::vector<std::uint64_t> releases;
    std::deque<std::function<void(std::optional<std::uint64_t>)>> last_sequence_asked;

    void start(broker::Handlers h) override {
        handlers = std::move(h);
        started = true;
    }
    void lease_take(std::string holder, LeaseDone done) override {
        takes.emplace_back(std::move(holder), std::move(done));
    }
    void lease_renew(std::uint64_t revision, std::string, LeaseDone done) override {
        renews.emplace_back(revision, std::move(done));
    }
    void lease_release(std::uint64_t revision) override { releases.push_back(revision); }
    void last_sequence(std::function<void(std::optional<std::uint64_t>)> done) override {
        last_sequence_asked.push_back(std::move(done));
    }
    void publish(std::string subject, std::string data, std::uint64_t term, std::string id, broker::Expect expect,
                 std::function<void(broker::PublishResult, std::uint64_t)> done) override {
        sent.push_back({subject, data, term, id, expect, {}});
        in_flight.push_back(
            {std::move(subject), std::move(data), term, std::move(id), std::move(expect), std::move(done)});
    }
    const broker::Options& options() const override { return opts; }

    // The oldest `n` publications reach the stream (stored or fenced there)
    // and are answered in order; how many were stored.
    int deliver(std::size_t n = SIZE_MAX) {
        int stored = 0;
        while (n-- > 0 && !in_flight.empty()) {
            Publication p = std::move(in_flight.front());
            in_flight.pop_front();
            std::uint64_t seq = 0;
            auto r = stream->offer(p.subject, p.data, p.term, p.id, p.expect, seq);
            stored += r == broker::PublishResult::ok;
            p.done(r, seq);
        }
        return stored;
    }
    // The oldest publication is answered `failed` (no acknowledgement),
    // without reaching the stream.
    void lose_oldest() {
        Publication p = std::move(in_flight.front());
        in_flight.pop_front();
        p.done(broker::PublishResult::failed, 0);
    }
    void answer_take(std::optional<std::uint64_t> revision, std::string holder = "other/1") {
        auto [name, done] = std::move(takes.front());
        takes.pop_front();
        done(revision ? broker::LeaseState{revision, name} : broker::LeaseState{std::nullopt, holder});
    }
    void answer_renew(std::optional<std::uint64_t> revision, std::string holder = "me") {
        auto [old, done] = std::move(renews.front());
        renews.pop_front();
        done(broker::LeaseState{revision, revision ? holder : std::string("other/1")});
    }
    void answer_last_sequence(std::optional<std::uint64_t> last) {
        auto done = std::move(last_sequence_asked.front());
        last_sequence_asked.pop_front();
        done(last);
    }
    void answer_last_sequence() { answer_last_sequence(stream->last()); }
};

// The holder's upstream: the test passes records and statuses through
// the listener it was started with. The test owns it; the code under test
// gets a Source that forwards to it (and may destroy that whenever).
struct FakeUpstream {
    app::SourceListener* listener = nullptr;
    bool stopped = false;

    struct Handle final : app::Source {
        FakeUpstream& target;
        explicit Handle(FakeUpstream& t) : target(t) {}
        void start(app::SourceListener& l) override { target.listener = &l; }
        void stop() override { target.stopped = true; }
        void pause() override {}
        void resume() override {}
    };
};

}  // namespace rtwatch::test
