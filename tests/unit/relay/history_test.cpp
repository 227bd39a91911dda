// The relay's history for resume: bounded by count and by bytes, and a
// resume gets exactly the events after its id, whatever their size, or is
// told it cannot.
#include <catch2/catch.hpp>

#include "history.hpp"

using namespace rtwatch;
using relay::History;
using relay::HistoryEntry;

namespace {

HistoryEntry entry(std::uint64_t seq, std::size_t size, std::string id = "q1") {
    return HistoryEntry{seq, relay::Kind::metrics, ResourceKind::queue, std::move(id), std::string(size, 'x')};
}

std::vector<std::uint64_t> seqs_after(const History& h, std::uint64_t seq, std::size_t max = 1'000'000) {
    std::vector<const HistoryEntry*> out;
    if (!h.after(
            seq, [](const HistoryEntry&) { return true; }, max, out))
        return {};
    std::vector<std::uint64_t> seqs;
    for (const auto* e : out) seqs.push_back(e->seq);
    return seqs;
}

}  // namespace

TEST_CASE("relay history: trimmed by count, the floor is the last seq trimmed", "[relay][history]") {
    History h(3, 1 << 20);
    for (std::uint64_t s = 1; s <= 5; ++s) h.push(entry(s, 10));
    CHECK(h.size() == 3);
    CHECK(h.floor() == 2);
    CHECK(h.covers(2, 5));
    CHECK_FALSE(h.covers(1, 5));
    CHECK_FALSE(h.covers(6, 5));
    CHECK(seqs_after(h, 2) == std::vector<std::uint64_t>{3, 4, 5});
}

TEST_CASE("relay history: trimmed by bytes, however few the events", "[relay][history]") {
    History h(100'000, 1000);
    h.push(entry(1, 300));
    h.push(entry(2, 300));
    h.push(entry(3, 300));
    CHECK(h.size() == 3);
    h.push(entry(4, 300));  // 4 x 302 > 1000: the oldest goes
    CHECK(h.size() == 3);
    CHECK(h.floor() == 1);
    CHECK(h.bytes() == 3 * 302);
    h.push(entry(5, 5000));  // larger than the bound by itself: nothing is kept
    CHECK(h.size() == 0);
    CHECK(h.bytes() == 0);
    CHECK(h.floor() == 5);
}

TEST_CASE("relay history: the events after an id, every one, whatever their size", "[relay][history]") {
    History h(100'000, 64u << 20);
    // 200 KiB of events for one resource after the id: more than a viewer's
    // unsent buffer, all replayed, none conflated.
    for (std::uint64_t s = 1; s <= 100; ++s) h.push(entry(s, 2048));
    auto after = seqs_after(h, 40);
    REQUIRE(after.size() == 60);
    for (std::size_t i = 0; i < after.size(); ++i) CHECK(after[i] == 41 + i);
    CHECK(seqs_after(h, 100).empty());
}

TEST_CASE("relay history: only the selected events count, and more than the cap is refused", "[relay][history]") {
    History h(100'000, 64u << 20);
    for (std::uint64_t s = 1; s <= 10; ++s) h.push(entry(s, 10, s % 2 ? "q1" : "q2"));
    std::vector<const HistoryEntry*> out;
    auto q2 = [](const HistoryEntry& e) { return e.id == "q2"; };
    REQUIRE(h.after(0, q2, 5, out));
    CHECK(out.size() == 5);
    CHECK_FALSE(h.after(0, q2, 4, out));
    CHECK(out.empty());
}

TEST_CASE("relay history: events sharing a seq (a broker's level after its record) all follow the seq before",
          "[relay][history]") {
    History h(100, 1 << 20);
    h.push(entry(7, 10));
    h.push(entry(9, 10));
    h.push(entry(9, 10, "level"));
    CHECK(seqs_after(h, 7) == std::vector<std::uint64_t>{9, 9});
    CHECK(seqs_after(h, 8) == std::vector<std::uint64_t>{9, 9});
    CHECK(seqs_after(h, 9).empty());
}
