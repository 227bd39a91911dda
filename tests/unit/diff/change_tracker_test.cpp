// ChangeTracker: new, changed, unchanged and disappeared metrics, per
// resource, and the memory it needs for a large contact center.
#include <catch2/catch.hpp>

#include <malloc.h>

#include <string>
#include <vector>

#include "rtwatch/diff/change_tracker.hpp"
#include "test_records.hpp"

using rtwatch::Record;
using rtwatch::ResourceKind;
using rtwatch::diff::ChangeTracker;
using rtwatch::testing::make_record;
using Names = std::vector<std::string>;

namespace {

Names changed_names(const ChangeTracker& tracker, const Record& r) {
    std::vector<std::string_view> changed;
    bool any = tracker.compare(r, changed);
    CHECK(any == !changed.empty());
    return Names(changed.begin(), changed.end());
}

const auto Q = ResourceKind::queue;

}  // namespace

TEST_CASE("change tracker: every metric of an unseen resource is new", "[diff]") {
    ChangeTracker tracker;
    auto r = make_record(Q, "q1", {{"a", "1"}, {"b", "\"x\""}, {"c", "null"}});
    CHECK(changed_names(tracker, r) == Names{"a", "b", "c"});
    CHECK(tracker.resources() == 0);
}

TEST_CASE("change tracker: an unseen resource without metrics has nothing to report", "[diff]") {
    ChangeTracker tracker;
    CHECK(changed_names(tracker, make_record(Q, "q1", {})).empty());
}

TEST_CASE("change tracker: the same values again are no change", "[diff]") {
    ChangeTracker tracker;
    auto r = make_record(Q, "q1", {{"a", "1"}, {"b", "\"x\""}, {"c", "null"}, {"d", "true"}});
    tracker.commit(r);
    CHECK(tracker.resources() == 1);
    CHECK(changed_names(tracker, r).empty());
    auto again = make_record(Q, "q1", {{"a", "1"}, {"b", "\"x\""}, {"c", "null"}, {"d", "true"}});
    again.source_ts = "later";
    again.event_id = "99";
    CHECK(changed_names(tracker, again).empty());
}

TEST_CASE("change tracker: names exactly the metrics whose value changed", "[diff]") {
    ChangeTracker tracker;
    tracker.commit(make_record(Q, "q1", {{"a", "1"}, {"b", "\"x\""}, {"c", "false"}, {"d", "5"}}));
    CHECK(changed_names(tracker, make_record(Q, "q1", {{"a", "2"}, {"b", "\"x\""}, {"c", "false"}, {"d", "5"}})) ==
          Names{"a"});
    CHECK(changed_names(tracker, make_record(Q, "q1", {{"a", "1"}, {"b", "\"y\""}, {"c", "true"}, {"d", "5"}})) ==
          Names{"b", "c"});
}

TEST_CASE("change tracker: a change of type or of number text is a change", "[diff]") {
    ChangeTracker tracker;
    tracker.commit(make_record(Q, "q1", {{"a", "1"}, {"b", "null"}, {"c", "\"1\""}}));
    CHECK(changed_names(tracker, make_record(Q, "q1", {{"a", "\"1\""}, {"b", "null"}, {"c", "\"1\""}})) == Names{"a"});
    CHECK(changed_names(tracker, make_record(Q, "q1", {{"a", "1.0"}, {"b", "0"}, {"c", "1"}})) == Names{"a", "b", "c"});
}

TEST_CASE("change tracker: a new metric on a known resource is a change", "[diff]") {
    ChangeTracker tracker;
    tracker.commit(make_record(Q, "q1", {{"a", "1"}, {"b", "2"}}));
    CHECK(changed_names(tracker, make_record(Q, "q1", {{"a", "1"}, {"new", "0"}, {"b", "2"}})) == Names{"new"});
}

TEST_CASE("change tracker: a metric that disappeared is a change", "[diff]") {
    ChangeTracker tracker;
    tracker.commit(make_record(Q, "q1", {{"a", "1"}, {"gone", "2"}, {"b", "3"}}));
    CHECK(changed_names(tracker, make_record(Q, "q1", {{"a", "1"}, {"b", "3"}})) == Names{"gone"});
    CHECK(changed_names(tracker, make_record(Q, "q1", {})) == Names{"a", "gone", "b"});
}

TEST_CASE("change tracker: a metric renamed is one new and one disappeared", "[diff]") {
    ChangeTracker tracker;
    tracker.commit(make_record(Q, "q1", {{"a", "1"}, {"b", "2"}}));
    CHECK(changed_names(tracker, make_record(Q, "q1", {{"a", "1"}, {"c", "2"}})) == Names{"c", "b"});
}

TEST_CASE("change tracker: metric order does not matter", "[diff]") {
    ChangeTracker tracker;
    tracker.commit(make_record(Q, "q1", {{"a", "1"}, {"b", "2"}, {"c", "3"}}));
    CHECK(changed_names(tracker, make_record(Q, "q1", {{"c", "3"}, {"a", "1"}, {"b", "2"}})).empty());
    CHECK(changed_names(tracker, make_record(Q, "q1", {{"c", "3"}, {"b", "9"}, {"a", "1"}})) == Names{"b"});
}

TEST_CASE("change tracker: resources are told apart by kind and id", "[diff]") {
    ChangeTracker tracker;
    tracker.commit(make_record(Q, "x", {{"a", "1"}}));
    CHECK(changed_names(tracker, make_record(ResourceKind::agent, "x", {{"a", "1"}})) == Names{"a"});
    CHECK(changed_names(tracker, make_record(ResourceKind::skill, "x", {{"a", "1"}})) == Names{"a"});
    CHECK(changed_names(tracker, make_record(Q, "y", {{"a", "1"}})) == Names{"a"});
    CHECK(changed_names(tracker, make_record(Q, "x", {{"a", "1"}})).empty());
}

TEST_CASE("change tracker: commit replaces the whole remembered state", "[diff]") {
    ChangeTracker tracker;
    tracker.commit(make_record(Q, "q1", {{"a", "1"}, {"b", "2"}}));
    tracker.commit(make_record(Q, "q1", {{"b", "5"}, {"c", "\"long string value that needs a heap buffer\""}}));
    CHECK(tracker.resources() == 1);
    CHECK(changed_names(tracker,
                        make_record(Q, "q1", {{"b", "5"}, {"c", "\"long string value that needs a heap buffer\""}}))
              .empty());
    CHECK(changed_names(tracker, make_record(Q, "q1", {{"a", "1"}, {"b", "2"}})) == Names{"a", "b", "c"});
}

#if !defined(__SANITIZE_ADDRESS__)
TEST_CASE("change tracker: 50,000 resources with 8 metrics each fit in 20 MiB", "[diff]") {
    const char* names[] = {"waitDuration", "availableAgents", "totalAgents", "serviceLevelPercentile",
                           "waiting",      "state",           "talkTime",    "abandonRate"};
    auto heap_bytes = [] { return mallinfo2().uordblks; };
    ChangeTracker tracker;
    Record r;
    r.kind = Q;
    for (const char* n : names) r.add_metric().name = n;
    std::size_t before = heap_bytes();
    for (int i = 0; i < 50'000; ++i) {
        // Real ids are UUIDs: too long for the small-string buffer.
        r.id = "5b0e8a1c-4f3d-4e2a-9c1b-" + std::to_string(100'000'000'000LL + i);
        for (std::size_t m = 0; m < r.metric_count; ++m) {
            rtwatch::testing::set_value(r.metrics[m].value, m == 5 ? "\"available\"" : std::to_string(i % 997 + m));
        }
        tracker.commit(r);
    }
    // The states live in mapped chunks, which the heap's counters miss.
    std::size_t used = heap_bytes() - before + tracker.arena_bytes();
    INFO("bytes per resource: " << used / 50'000);
    CHECK(tracker.arena_bytes() > 50'000u * 64);
    CHECK(tracker.resources() == 50'000);
    CHECK(used < 20u * 1024 * 1024);
}
#endif
