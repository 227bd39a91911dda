// LevelEngine on a fake clock: first observations, hysteresis, `for` and
// `hold` (also run out by advance() alone), directions, strings, no data,
// independence of metrics and resources, lookups, the manual's example,
// and a hot path that does not allocate.
#include <cstdlib>
#include <new>

#include "engine_helpers.hpp"

using namespace levels_test;

namespace {

// Counts operator new calls so a test can say "this loop allocated nothing".
std::size_t g_allocations = 0;

}  // namespace

void* operator new(std::size_t size) {
    ++g_allocations;
    if (void* p = std::malloc(size ? size : 1)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    ++g_allocations;
    return std::malloc(size ? size : 1);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }

TEST_CASE("levels: a first green value says nothing, a first red one says none->red", "[levels]") {
    Harness h({spec("waiting: yellow >= 5, red >= 10, for 10s")});
    CHECK(h.level("q1", "waiting") == "unknown");
    CHECK(h.put(0, "q1", "waiting", 2).empty());
    CHECK(h.level("q1", "waiting") == "green");

    // No history to debounce against: `for` does not delay the first level.
    auto ts = h.put(500, "q2", "waiting", 12);
    REQUIRE(ts.size() == 1);
    CHECK(text(ts[0]) == "queue q2 waiting none->red @500");
    CHECK_FALSE(ts[0].previous);
    CHECK(ts[0].since == ts[0].at);
    CHECK(ts[0].at_wall == wall_ms(500));
    CHECK(describe(ts[0].threshold) == ">= 10");
    CHECK(ts[0].value.number == 12);
    CHECK(h.engine.next_deadline() == std::nullopt);
}

TEST_CASE("levels: a value oscillating inside the clear band never flaps", "[levels]") {
    Harness h({spec("waiting: yellow >= 5, red >= 10, clear 2")});
    CHECK(texts(h.put(0, "q", "waiting", 10)) == Texts{"queue q waiting none->red @0"});
    long long t = 0;
    for (int round = 0; round < 50; ++round)
        for (double v : {9.0, 8.0, 11.0, 8.5, 10.0, 9.99}) CHECK(h.put(t += 100, "q", "waiting", v).empty());
    t += 100;
    CHECK(texts(h.put(t, "q", "waiting", 7.9)) == Texts{"queue q waiting red->yellow @" + std::to_string(t)});
    // Now yellow: back above red's band but under red itself stays yellow.
    for (double v : {9.0, 3.0, 9.99, 4.0}) CHECK(h.put(t += 100, "q", "waiting", v).empty());
    CHECK(h.level("q", "waiting") == "yellow");
}

TEST_CASE("levels: red -> yellow -> green steps through the clear bands", "[levels]") {
    Harness h({spec("waiting: yellow >= 5, red >= 10, clear 2")});
    h.put(0, "q", "waiting", 12);
    auto down = h.put(1000, "q", "waiting", 7);
    REQUIRE(down.size() == 1);
    CHECK(text(down[0]) == "queue q waiting red->yellow @1000");
    CHECK(describe(down[0].threshold) == ">= 5");   // the new level's threshold
    CHECK(down[0].since == at_ms(0));               // when red began
    CHECK(h.put(2000, "q", "waiting", 3).empty());  // 3 >= 5 - 2: still yellow
    auto green = h.put(3000, "q", "waiting", 2.9);
    REQUIRE(green.size() == 1);
    CHECK(text(green[0]) == "queue q waiting yellow->green @3000");
    CHECK(describe(green[0].threshold) == ">= 5");  // the threshold of the level left
    CHECK(green[0].since == at_ms(1000));
    CHECK(green[0].since_wall == wall_ms(1000));
    // Up again: entering needs the threshold itself, not the band.
    CHECK(h.put(4000, "q", "waiting", 4.9).empty());
    CHECK(texts(h.put(5000, "q", "waiting", 11)) == Texts{"queue q waiting green->red @5000"});
}

TEST_CASE("levels: `for` cancels a pending raise when the value drops back", "[levels]") {
    Harness h({spec("waiting: red >= 10, for 10s")});
    h.put(0, "q", "waiting", 5);
    CHECK(h.put(1000, "q", "waiting", 12).empty());
    CHECK(h.engine.next_deadline() == at_ms(11000));
    CHECK(h.put(5000, "q", "waiting", 8).empty());
    CHECK(h.engine.next_deadline() == std::nullopt);
    CHECK(h.advance(30000).empty());
    CHECK(h.level("q", "waiting") == "green");
    // A new raise counts from its own start.
    CHECK(h.put(31000, "q", "waiting", 15).empty());
    CHECK(h.put(35000, "q", "waiting", 11).empty());  // still calls for red: the start stays
    CHECK(h.advance(40999).empty());
    CHECK(texts(h.advance(41000)) == Texts{"queue q waiting green->red @41000"});
}

TEST_CASE("levels: a `for` raise takes effect through advance() with no new event", "[levels]") {
    Harness h({spec("waiting: yellow >= 5, red >= 10, for 10s")});
    h.put(0, "q", "waiting", 1);
    h.put(1000, "q", "waiting", 12);
    CHECK(h.advance(10999).empty());
    // The loop woke late: the level still took effect at the deadline.
    auto ts = h.advance(11500);
    REQUIRE(ts.size() == 1);
    CHECK(text(ts[0]) == "queue q waiting green->red @11000");
    CHECK(ts[0].at_wall == wall_ms(11000));
    CHECK(ts[0].since == at_ms(0));
    CHECK(ts[0].value.number == 12);
    CHECK(h.engine.next_deadline() == std::nullopt);
    CHECK(h.level("q", "waiting") == "red");
}

TEST_CASE("levels: a later value notices a raise that fell due, at its deadline", "[levels]") {
    Harness h({spec("waiting: red >= 10, for 10s")});
    h.put(0, "q", "waiting", 1);
    h.put(1000, "q", "waiting", 12);
    // No advance() call: the drop at 20 s comes after red took effect at 11 s.
    auto ts = h.put(20000, "q", "waiting", 1);
    CHECK(texts(ts) == Texts{"queue q waiting green->red @11000", "queue q waiting red->green @20000"});
    // The same value again, after its timer ran out, still settles it.
    h.put(21000, "q", "waiting", 12);
    CHECK(h.put(25000, "q", "waiting", 12).empty());
    CHECK(texts(h.put(31000, "q", "waiting", 12)) == Texts{"queue q waiting green->red @31000"});
}

TEST_CASE("levels: a raise to yellow, then to red, each after its own `for`", "[levels]") {
    Harness h({spec("waiting: yellow >= 5, red >= 10, for 10s")});
    h.put(0, "q", "waiting", 1);
    h.put(1000, "q", "waiting", 6);
    h.put(4000, "q", "waiting", 12);
    CHECK(h.engine.next_deadline() == at_ms(11000));
    CHECK(texts(h.advance(20000)) ==
          Texts{"queue q waiting green->yellow @11000", "queue q waiting yellow->red @14000"});
}

TEST_CASE("levels: `hold` keeps a level through a short dip", "[levels]") {
    Harness h({spec("waiting: yellow >= 5, red >= 10, hold 30s")});
    h.put(0, "q", "waiting", 12);
    CHECK(h.put(1000, "q", "waiting", 3).empty());
    CHECK(h.engine.next_deadline() == at_ms(31000));
    CHECK(h.put(20000, "q", "waiting", 11).empty());
    CHECK(h.advance(60000).empty());
    CHECK(h.level("q", "waiting") == "red");
    // A dip to yellow then green: each lower level after it has held 30 s.
    h.put(61000, "q", "waiting", 7);
    h.put(71000, "q", "waiting", 1);
    CHECK(texts(h.advance(120000)) ==
          Texts{"queue q waiting red->yellow @91000", "queue q waiting yellow->green @101000"});
}

TEST_CASE("levels: a long dip goes straight down to green", "[levels]") {
    Harness h({spec("waiting: yellow >= 5, red >= 10, hold 30s")});
    h.put(0, "q", "waiting", 12);
    h.put(1000, "q", "waiting", 1);
    CHECK(texts(h.advance(40000)) == Texts{"queue q waiting red->green @31000"});
}

TEST_CASE("levels: `<` specs (service level): lower is worse, bands go up", "[levels]") {
    Harness h({spec("serviceLevelPercentile: yellow < 80, red < 60, clear 5")});
    const char* m = "serviceLevelPercentile";
    CHECK(h.put(0, "q", m, 90).empty());
    CHECK(texts(h.put(1, "q", m, 79)) == Texts{"queue q serviceLevelPercentile green->yellow @1"});
    CHECK(h.put(2, "q", m, 62).empty());
    CHECK(texts(h.put(3, "q", m, 59)) == Texts{"queue q serviceLevelPercentile yellow->red @3"});
    CHECK(h.put(4, "q", m, 64.9).empty());  // < 60 + 5: still red
    auto up = h.put(5, "q", m, 65);
    CHECK(texts(up) == Texts{"queue q serviceLevelPercentile red->yellow @5"});
    CHECK(describe(up[0].threshold) == "< 80");
    CHECK(h.put(6, "q", m, 84.9).empty());
    CHECK(texts(h.put(7, "q", m, 85)) == Texts{"queue q serviceLevelPercentile yellow->green @7"});
}

TEST_CASE("levels: string == and != specs", "[levels]") {
    Harness h({spec("state: yellow != \"available\", red == \"not_responding\"")});
    CHECK(h.put(0, "a1", "state", str("available"), ResourceKind::agent).empty());
    CHECK(texts(h.put(1, "a1", "state", str("busy"), ResourceKind::agent)) == Texts{"agent a1 state green->yellow @1"});
    auto red = h.put(2, "a1", "state", str("not_responding"), ResourceKind::agent);
    CHECK(texts(red) == Texts{"agent a1 state yellow->red @2"});
    CHECK(describe(red[0].threshold) == "== \"not_responding\"");
    CHECK(red[0].value.text == "not_responding");
    CHECK(texts(h.put(3, "a1", "state", str("available"), ResourceKind::agent)) ==
          Texts{"agent a1 state red->green @3"});
    CHECK(h.engine.level(ResourceKind::agent, "a1", "state") == Level::green);
    CHECK(h.engine.level(ResourceKind::queue, "a1", "state") == std::nullopt);
}

TEST_CASE("levels: a value the spec cannot compare is no data, warned once per metric", "[levels]") {
    Harness h({spec("waiting: red >= 10"), spec("state: red == 'down'")});
    MetricValue null_value, yes;
    yes.type = MetricValue::Type::boolean;
    yes.boolean = true;
    CHECK(h.put(0, "q1", "waiting", null_value).empty());
    CHECK(h.level("q1", "waiting") == "unknown");  // not green
    h.put(1, "q1", "waiting", 12);
    CHECK(h.put(2, "q1", "waiting", null_value).empty());
    CHECK(h.put(3, "q2", "waiting", str("12")).empty());
    CHECK(h.put(4, "q1", "waiting", yes).empty());
    CHECK(h.level("q1", "waiting") == "red");  // left as it was
    auto warnings = h.engine.take_warnings();
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("--level waiting: queue q1 sent null where the spec compares numbers") == 0);
    CHECK(h.put(5, "q1", "state", num(3)).empty());
    warnings = h.engine.take_warnings();
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("sent a number where the spec compares strings") != std::string::npos);
    h.put(6, "q1", "waiting", null_value);
    CHECK(h.engine.take_warnings().empty());
}

TEST_CASE("levels: a metric without a spec leaves no trace", "[levels]") {
    Harness h({spec("waiting: red >= 10")});
    CHECK(h.put(0, "q", "availableAgents", 99).empty());
    CHECK(h.put(1, "q", "availableAgents", str("x")).empty());
    CHECK(h.engine.take_warnings().empty());
    CHECK(h.engine.snapshot().empty());
    CHECK_FALSE(h.engine.watches("availableAgents"));
    CHECK(h.engine.watches("waiting"));
}

TEST_CASE("levels: two metrics of one resource are independent", "[levels]") {
    Harness h({spec("waiting: red >= 10, for 5s"), spec("sl: yellow < 80, hold 5s")});
    h.put(0, "q", "waiting", 1);
    h.put(0, "q", "sl", 70);
    h.put(1000, "q", "waiting", 20);
    h.put(2000, "q", "sl", 90);
    CHECK(h.engine.next_deadline() == at_ms(6000));
    CHECK(texts(h.advance(10000)) == Texts{"queue q waiting green->red @6000", "queue q sl yellow->green @7000"});
    std::vector<rtwatch::levels::MetricLevel> levels;
    h.engine.levels_of(ResourceKind::queue, "q", levels);
    REQUIRE(levels.size() == 2);
    CHECK(levels[0].metric == "waiting");
    CHECK(levels[0].level == Level::red);
    CHECK(levels[1].metric == "sl");
    CHECK(levels[1].level == Level::green);
}

TEST_CASE("levels: two resources are independent, also of different kinds", "[levels]") {
    Harness h({spec("waiting: red >= 10, hold 5s")});
    h.put(0, "q1", "waiting", 12);
    h.put(0, "q2", "waiting", 1);
    h.put(0, "q1", "waiting", num(12), ResourceKind::skill);
    h.put(1000, "q1", "waiting", 1);
    CHECK(texts(h.advance(6000)) == Texts{"queue q1 waiting red->green @6000"});
    CHECK(h.level("q2", "waiting") == "green");
    CHECK(h.engine.level(ResourceKind::skill, "q1", "waiting") == Level::red);
    auto all = h.engine.snapshot();
    REQUIRE(all.size() == 3);
    CHECK((all[0].kind == ResourceKind::queue && all[0].id == "q1" && all[0].level == Level::green));
    CHECK(all[0].since == at_ms(6000));
    CHECK((all[1].id == "q2" && all[1].value->number == 1));
    CHECK((all[2].kind == ResourceKind::skill && all[2].level == Level::red));
}

TEST_CASE("levels: a record's spec'd metrics are observed, absent ones left alone", "[levels]") {
    Harness h({spec("waiting: red >= 10"), spec("sl: red < 60, hold 1s")});
    rtwatch::Record r;
    r.kind = ResourceKind::queue;
    r.id = "q";
    r.add_metric() = {"availableAgents", num(3)};
    r.add_metric() = {"waiting", num(11)};
    r.add_metric() = {"sl", num(50)};
    auto ts = h.engine.observe(r, at_ms(0), wall_ms(0));
    CHECK(texts({ts.begin(), ts.end()}) == Texts{"queue q waiting none->red @0", "queue q sl none->red @0"});
    r.clear();
    r.id = "q";
    r.add_metric() = {"waiting", num(1)};
    ts = h.engine.observe(r, at_ms(1), wall_ms(1));
    CHECK(texts({ts.begin(), ts.end()}) == Texts{"queue q waiting red->green @1"});
    CHECK(h.level("q", "sl") == "red");
    // A timer armed and cancelled by records leaves next_deadline() exact.
    r.metrics[0] = {"sl", num(70)};
    CHECK(h.engine.observe(r, at_ms(2), wall_ms(2)).empty());
    CHECK(h.engine.next_deadline() == at_ms(1002));
    r.metrics[0] = {"sl", num(50)};
    CHECK(h.engine.observe(r, at_ms(3), wall_ms(3)).empty());
    CHECK(h.engine.next_deadline() == std::nullopt);
}

TEST_CASE("levels: next_deadline() stays exact through many cancelled timers", "[levels]") {
    Harness h({spec("waiting: red >= 10, for 10s, hold 10s")});
    for (int i = 0; i < 200; ++i) h.put(0, "q" + std::to_string(i), "waiting", 1);
    long long t = 0;
    for (int round = 0; round < 100; ++round)
        for (int i = 0; i < 200; ++i) h.put(t += 1, "q" + std::to_string(i), "waiting", round % 2 ? 1 : 20);
    // The last round (odd) cancelled every raise; the one before armed them.
    CHECK(h.engine.next_deadline() == std::nullopt);
    h.put(t + 1, "q7", "waiting", 20);
    CHECK(h.engine.next_deadline() == at_ms(t + 10001));
    CHECK(texts(h.advance(t + 20000)) == Texts{"queue q7 waiting green->red @" + std::to_string(t + 10001)});
}

TEST_CASE("levels: the warmed-up hot path does not allocate", "[levels]") {
    Harness h({spec("waiting: yellow >= 5, red >= 10, clear 2, for 10s, hold 10s")});
    MetricValue low = num(1), high = num(20);
    bool quiet = true;  // no CHECK in the loop: Catch's bookkeeping may allocate
    auto run = [&](int from, int to) {
        for (int i = from; i < to; ++i) {
            auto t = at_ms(i);
            auto w = wall_ms(i);
            quiet &= h.engine.observe(ResourceKind::queue, "queue-0001", "availableAgents", high, t, w).empty();
            // Crossing and falling back: a pending raise armed and cancelled each time.
            quiet &= h.engine.observe(ResourceKind::queue, "queue-0001", "waiting", i % 2 ? low : high, t, w).empty();
        }
    };
    h.put(0, "queue-0001", "waiting", low);
    run(1, 1000);  // warm-up: the deadline heap reaches its working size
    std::size_t before = g_allocations;
    run(1000, 101'000);
    std::size_t allocated = g_allocations - before;
    CHECK(quiet);
    CHECK(allocated == 0);
}

TEST_CASE("levels: the worked example of the manual", "[levels]") {
    Harness h({spec("waiting: yellow >= 5, red >= 10, clear 2, for 10s, hold 30s")});
    std::vector<Transition> all;
    auto at = [&](long long s, std::optional<double> v) {
        auto ts = v ? h.put(s * 1000, "q", "waiting", *v) : h.advance(s * 1000);
        all.insert(all.end(), ts.begin(), ts.end());
    };
    at(0, 3);
    at(5, 12);
    at(9, 7);
    at(15, std::nullopt);
    at(20, 11);
    at(30, std::nullopt);
    at(35, 9);
    at(40, 6);
    at(50, 11);
    at(60, 2);
    at(89, std::nullopt);
    at(90, std::nullopt);
    REQUIRE(texts(all) == Texts{"queue q waiting green->yellow @15000", "queue q waiting yellow->red @30000",
                                "queue q waiting red->green @90000"});
    CHECK(all[0].since == at_ms(0));
    CHECK(describe(all[0].threshold) == ">= 5");
    CHECK(all[0].value.number == 7);
    CHECK(all[1].since == at_ms(15000));
    CHECK(describe(all[2].threshold) == ">= 10");
    CHECK(all[2].since == at_ms(30000));
    CHECK(all[2].value.number == 2);
}
