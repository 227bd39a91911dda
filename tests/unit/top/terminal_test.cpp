// encode_update(): replayed on a small VT emulator it turns the previous
// frame into the next (random pairs, with and without colour, resizes);
// an unchanged frame costs nothing, one cell a few bytes. Plus the cost of
// a realistic second of `rtwatch top` at 132x40.
#include <catch2/catch.hpp>

#include <cstdio>
#include <random>

#include "rtwatch/top/render.hpp"
#include "rtwatch/top/terminal.hpp"
#include "top_fixtures.hpp"
#include "vt_emulator.hpp"

using namespace top_test;
using namespace rtwatch::top;

namespace {

const char32_t k_alphabet[] = {U' ', U'a', U'b', U'7', U'\u2026', U'\u25B2', U'\u2013', U'x'};

Attr random_attr(std::mt19937& rng) {
    const auto bits = rng();
    return Attr{static_cast<Color>(bits % 5), (bits >> 3 & 1) != 0, (bits >> 4 & 1) != 0, (bits >> 5 & 1) != 0};
}

Cell random_cell(std::mt19937& rng) {
    // Mostly plain cells, like a real frame.
    const bool plain = rng() % 3 != 0;
    return Cell{k_alphabet[rng() % std::size(k_alphabet)], plain ? Attr{} : random_attr(rng)};
}

Frame random_frame(std::mt19937& rng, Size size) {
    Frame f(size);
    for (int r = 0; r < size.rows; ++r)
        for (int c = 0; c < size.cols; ++c) f.at(r, c) = random_cell(rng);
    return f;
}

Frame mutate(std::mt19937& rng, Frame f) {
    const int density = static_cast<int>(rng() % 101);  // percent of cells changed
    for (int r = 0; r < f.size().rows; ++r)
        for (int c = 0; c < f.size().cols; ++c)
            if (static_cast<int>(rng() % 100) < density) f.at(r, c) = random_cell(rng);
    return f;
}

Frame without_color(Frame f) {
    for (int r = 0; r < f.size().rows; ++r)
        for (int c = 0; c < f.size().cols; ++c) f.at(r, c).attr.fg = Color::none;
    return f;
}

void check_same(const Frame& screen, const Frame& expected) {
    REQUIRE(screen.size() == expected.size());
    for (int r = 0; r < expected.size().rows; ++r)
        for (int c = 0; c < expected.size().cols; ++c) {
            INFO("row " << r << " col " << c);
            REQUIRE(screen.at(r, c) == expected.at(r, c));
        }
}

}  // namespace

TEST_CASE("top terminal: replaying an update turns the previous frame into the next", "[top]") {
    std::mt19937 rng(20261202);
    for (int round = 0; round < 1500; ++round) {
        const bool color = round % 2 == 0;
        const Size size{1 + static_cast<int>(rng() % 40), 1 + static_cast<int>(rng() % 12)};
        const Frame previous = random_frame(rng, size);
        const Frame next = mutate(rng, previous);
        VtEmulator vt(size);
        vt.feed(encode_update(Frame{}, previous, color, true));
        check_same(vt.screen(), color ? previous : without_color(previous));
        vt.feed(encode_update(previous, next, color));
        INFO("round " << round);
        check_same(vt.screen(), color ? next : without_color(next));
    }
}

TEST_CASE("top terminal: a sequence of updates keeps the screen in step", "[top]") {
    std::mt19937 rng(7);
    const Size size{60, 20};
    Frame shown = random_frame(rng, size);
    VtEmulator vt(size);
    vt.feed(encode_update(Frame{}, shown, true));
    for (int i = 0; i < 200; ++i) {
        const Frame next = mutate(rng, shown);
        vt.feed(encode_update(shown, next, true));
        shown = next;
    }
    check_same(vt.screen(), shown);
}

TEST_CASE("top terminal: a resize clears and repaints whole", "[top]") {
    std::mt19937 rng(11);
    const Frame before = random_frame(rng, Size{30, 8});
    const Frame after = random_frame(rng, Size{20, 10});
    VtEmulator vt(Size{20, 10});
    const std::string out = encode_update(before, after, true);
    CHECK(out.rfind("\x1b[0m\x1b[H\x1b[2J", 0) == 0);
    vt.feed(out);
    check_same(vt.screen(), after);
}

TEST_CASE("top terminal: an unchanged frame encodes to nothing", "[top]") {
    const Frame f = render(contact_center(), Size{80, 24}, {true, t0 + 3s});
    CHECK(encode_update(f, f, true).empty());
    CHECK(encode_update(f, f, false).empty());
}

TEST_CASE("top terminal: one changed cell is a cursor move and the character", "[top]") {
    Frame a(Size{80, 24});
    Frame b = a;
    b.at(5, 10).ch = U'x';
    CHECK(encode_update(a, b, true) == "\x1b[6;11Hx");
    b.at(5, 10).attr.fg = Color::red;
    CHECK(encode_update(a, b, true) == "\x1b[6;11H\x1b[0;31mx\x1b[0m");
    // Without colour, a colour-only change is no change.
    Frame c = a;
    c.at(5, 10).attr.fg = Color::red;
    CHECK(encode_update(a, c, false).empty());
}

TEST_CASE("top terminal: nearby changes share one cursor move", "[top]") {
    Frame a(Size{80, 24});
    Frame b = a;
    b.at(3, 10).ch = U'1';
    b.at(3, 13).ch = U'2';  // two equal cells between: rewritten
    b.at(3, 30).ch = U'3';  // far: a relative move
    CHECK(encode_update(a, b, true) == "\x1b[4;11H1  2\x1b[16C3");
}

TEST_CASE("top terminal: enter and leave sequences", "[top]") {
    CHECK(enter_sequence() == "\x1b[?1049h\x1b[?25l\x1b[?7l");
    CHECK(leave_sequence() == "\x1b[0m\x1b[?7h\x1b[?25h\x1b[?1049l");
}

namespace {

// 200 resources, each updated 5 times a second, one frame a second.
void update_all(TopState& s, std::mt19937& rng, int second, TimePoint at) {
    for (int i = 0; i < 200; ++i) {
        const auto kind = i < 120 ? ResourceKind::queue : i < 150 ? ResourceKind::skill : ResourceKind::agent;
        const std::string id = (i < 120 ? queue_id(i) : i < 150 ? "skill-" + std::to_string(i) : agent_id(i));
        s.apply(make_record(kind, id,
                            {{"waitDuration", std::to_string(second * 5 + static_cast<int>(rng() % 5))},
                             {"availableAgents", std::to_string(rng() % 10)},
                             {"interactionsWaiting", std::to_string(rng() % 20)},
                             {"serviceLevel", "0." + std::to_string(80 + rng() % 20)}}),
                at);
    }
}

}  // namespace

TEST_CASE("top terminal: bytes per second for 200 busy resources at 132x40", "[top][measure]") {
    std::mt19937 rng(3);
    TopState s;
    s.set_host("sim.example.net:8443");
    s.set_status(Status::connected);
    const Size size{132, 40};
    Frame shown;
    std::size_t first = 0, total = 0, full_total = 0;
    const int seconds = 20;
    for (int second = 0; second <= seconds; ++second) {
        for (int k = 0; k < 5; ++k) update_all(s, rng, second, t0 + std::chrono::milliseconds(second * 1000 + k * 200));
        const TimePoint now = t0 + std::chrono::seconds(second + 1);
        const Frame next = render(s, size, {true, now});
        const std::size_t bytes = encode_update(shown, next, true, second == 0).size();
        if (second == 0)
            first = bytes;
        else
            total += bytes, full_total += encode_update(shown, next, true, true).size();
        shown = next;
        s.mark_drawn(now);
    }
    const double per_frame = static_cast<double>(total) / seconds;
    std::printf(
        "rtwatch top 132x40, 200 resources x 5 updates/s: first frame %zu B, then %.0f B/s "
        "(a full repaint each second would be %.0f B/s)\n",
        first, per_frame, static_cast<double>(full_total) / seconds);
    CHECK(per_frame < static_cast<double>(full_total) / seconds);
}
