// The hooks' waiting room: one run per key, latest wins in place, busy keys
// wait their turn, and the bound drops the oldest.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "hook_queue.hpp"

using rtwatch::app::HookJob;
using rtwatch::app::HookQueue;

namespace {

HookJob job(std::string key, std::string line) { return HookJob{std::move(key), "", std::move(line), {}}; }

std::string take_line(HookQueue& q, std::set<std::string> busy = {}) {
    auto j = q.take([&](std::string_view key) { return busy.count(std::string(key)) > 0; });
    return j ? j->key + "=" + j->line : "none";
}

}  // namespace

TEST_CASE("hook queue: a later record for the same key replaces the waiting one in its place", "[app][hooks]") {
    HookQueue q(10);
    CHECK(q.push(job("a", "1")) == HookQueue::Pushed::queued);
    CHECK(q.push(job("b", "1")) == HookQueue::Pushed::queued);
    CHECK(q.push(job("a", "2")) == HookQueue::Pushed::replaced);
    CHECK(q.size() == 2);
    CHECK(take_line(q) == "a=2");
    CHECK(take_line(q) == "b=1");
    CHECK(take_line(q) == "none");
    CHECK(q.push(job("a", "3")) == HookQueue::Pushed::queued);  // taken: a new run, not a replacement
}

TEST_CASE("hook queue: keys that are busy are passed over, not lost", "[app][hooks]") {
    HookQueue q(10);
    q.push(job("a", "1"));
    q.push(job("b", "1"));
    CHECK(take_line(q, {"a"}) == "b=1");
    CHECK(take_line(q, {"a"}) == "none");
    CHECK(take_line(q) == "a=1");
}

TEST_CASE("hook queue: past the bound the oldest waiting run is dropped", "[app][hooks]") {
    HookQueue q(3);
    for (int i = 0; i < 3; ++i) q.push(job("k" + std::to_string(i), "x"));
    CHECK(q.push(job("k3", "x")) == HookQueue::Pushed::dropped_oldest);
    CHECK(q.size() == 3);
    CHECK(q.peak() == 3);
    CHECK(q.push(job("k1", "y")) == HookQueue::Pushed::replaced);  // k0 is gone, k1 is still here
    CHECK(take_line(q) == "k1=y");
    CHECK(take_line(q) == "k2=x");
    CHECK(take_line(q) == "k3=x");
    CHECK(q.clear() == 0);
}

TEST_CASE("hook queue: a burst of changes over few keys holds one run per key", "[app][hooks]") {
    HookQueue q(1024);
    for (int i = 0; i < 1000; ++i) q.push(job("k" + std::to_string(i % 50), std::to_string(i)));
    CHECK(q.size() == 50);
    CHECK(take_line(q) == "k0=950");
    CHECK(q.clear() == 49);
    CHECK(q.empty());
}
