// render(): golden frames at 80x24 and 132x40 (tests/unit/top/golden; run
// with RTWATCH_UPDATE_GOLDEN=1 to rewrite them after an intended change),
// plus the attributes behind levels, staleness and highlights.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "rtwatch/top/render.hpp"
#include "top_fixtures.hpp"

using namespace top_test;
using namespace rtwatch::top;

namespace {

std::string frame_text(const Frame& frame) {
    std::string text;
    for (int r = 0; r < frame.size().rows; ++r) text += frame.line_text(r) + "\n";
    return text;
}

void check_golden(const std::string& name, const Frame& frame) {
    std::string path = RTWATCH_TOP_GOLDEN_DIR;
    path.append("/").append(name).append(".txt");
    const std::string actual = frame_text(frame);
    if (std::getenv("RTWATCH_UPDATE_GOLDEN")) {
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    std::stringstream expected;
    expected << in.rdbuf();
    CHECK(actual == expected.str());
}

const RenderOptions k_color{true, t0 + 3s};
const Size k_small{80, 24};
const Size k_large{132, 40};

// Column start of `text` in line `row`, in cells.
int find_cell(const Frame& frame, int row, std::u32string_view text) {
    for (int c = 0; c + static_cast<int>(text.size()) <= frame.size().cols; ++c) {
        bool hit = true;
        for (std::size_t i = 0; i < text.size() && hit; ++i) hit = frame.at(row, c + i).ch == text[i];
        if (hit) return c;
    }
    return -1;
}

int find_row(const Frame& frame, std::u32string_view text) {
    for (int r = 0; r < frame.size().rows; ++r)
        if (find_cell(frame, r, text) >= 0) return r;
    return -1;
}

}  // namespace

TEST_CASE("top render: golden 80x24, sorted by id", "[top][golden]") {
    check_golden("80x24_by_id", render(contact_center(), k_small, k_color));
}

TEST_CASE("top render: golden 132x40, sorted by id", "[top][golden]") {
    check_golden("132x40_by_id", render(contact_center(), k_large, k_color));
}

TEST_CASE("top render: golden, sorted by id descending", "[top][golden]") {
    TopState s = contact_center();
    s.view().descending = true;
    check_golden("80x24_by_id_desc", render(s, k_small, k_color));
}

TEST_CASE("top render: golden, sorted by a metric both ways", "[top][golden]") {
    TopState s = contact_center();
    s.view().sort_column = 1;  // waitDuration
    check_golden("80x24_by_wait_asc", render(s, k_small, k_color));
    s.view().descending = true;
    check_golden("80x24_by_wait_desc", render(s, k_small, k_color));
}

TEST_CASE("top render: golden, a text metric sorts as text, rows without it last", "[top][golden]") {
    TopState s = contact_center();
    s.view().sort_column = 5;  // status: only agents have it
    s.view().scroll = 30;
    check_golden("132x40_by_status_scrolled", render(s, k_large, k_color));
}

TEST_CASE("top render: golden, filtered by id substring", "[top][golden]") {
    TopState s = contact_center();
    s.view().filter = "002";
    check_golden("80x24_filter_002", render(s, k_small, k_color));
    s.view().filter = "nothing";
    check_golden("80x24_filter_no_match", render(s, k_small, k_color));
}

TEST_CASE("top render: golden, typing a filter shows it in the footer", "[top][golden]") {
    TopState s = contact_center();
    s.view().editing_filter = true;
    s.view().filter = "agent";
    check_golden("80x24_filter_editing", render(s, k_small, k_color));
}

TEST_CASE("top render: golden, scrolled with the rows N-M of T indicator", "[top][golden]") {
    TopState s = contact_center();
    s.view().scroll = 15;
    check_golden("80x24_scrolled", render(s, k_small, k_color));
    s.view().scroll = 1000;  // clamped to the last page
    const Frame last = render(s, k_small, k_color);
    // Queues' last four, then skills and agents, each under its heading and titles.
    CHECK(last.line_text(23).find("rows 27\u201342 of 42") != std::string::npos);
    CHECK(last.line_text(1) == "Queues (30)" + std::string(69, ' '));
}

TEST_CASE("top render: golden, stale and paused", "[top][golden]") {
    TopState s = contact_center();
    s.set_status(Status::stale);
    s.set_paused(true);
    check_golden("80x24_stale_paused", render(s, k_small, k_color));
}

TEST_CASE("top render: golden, narrow terminal truncates ids and drops metrics", "[top][golden]") {
    check_golden("50x12_narrow", render(contact_center(), Size{50, 12}, k_color));
}

TEST_CASE("top render: golden, before any data", "[top][golden]") {
    TopState s;
    s.set_host("sim.example.net:8443");
    check_golden("80x24_empty", render(s, k_small, k_color));
}

TEST_CASE("top render: reconnecting without a known retry time shows no countdown", "[top]") {
    TopState s = contact_center();
    s.set_status(Status::reconnecting);
    const std::string header = render(s, k_small, {true, t0 + 2s}).line_text(0);
    CHECK(header.find("reconnecting") != std::string::npos);
    CHECK(header.find("reconnecting in") == std::string::npos);
}

TEST_CASE("top render: header status texts and the reconnect countdown ticks", "[top]") {
    TopState s = contact_center();
    s.set_status(Status::reconnecting, t0 + 5s);
    CHECK(render(s, k_small, {true, t0 + 2500ms}).line_text(0).find("reconnecting in 3 s") != std::string::npos);
    CHECK(render(s, k_small, {true, t0 + 4100ms}).line_text(0).find("reconnecting in 1 s") != std::string::npos);
    CHECK(render(s, k_small, {true, t0 + 9s}).line_text(0).find("reconnecting in 0 s") != std::string::npos);
    s.set_status(Status::gave_up);
    CHECK(render(s, k_small, k_color).line_text(0).find("gave up") != std::string::npos);
    s.set_status(Status::stopped);
    CHECK(render(s, k_small, k_color).line_text(0).find("stopped") != std::string::npos);
    CHECK(render(s, k_small, k_color).at(3, 4).attr.dim);
    s.set_status(Status::connected);
    CHECK(render(s, k_small, {true, t0 + 500ms + 61s}).line_text(0).find("data 61 s ago") != std::string::npos);
    CHECK(render(s, k_small, {true, t0 + 500ms + 125s}).line_text(0).find("data 2 min ago") != std::string::npos);
}

TEST_CASE("top render: rows take their worst level's colour, a letter says it without colour", "[top]") {
    const TopState s = contact_center();
    const Frame color = render(s, k_large, k_color);
    const Frame plain = render(s, k_large, {false, t0 + 3s});
    const auto check_row = [&](std::u32string_view id, Color fg, char32_t letter) {
        const int row = find_row(color, id);
        REQUIRE(row >= 0);
        const int col = find_cell(color, row, id);
        CHECK(color.at(row, col).attr.fg == fg);
        CHECK(color.at(row, 0).ch == letter);
        CHECK(plain.at(row, 0).ch == letter);
        CHECK(plain.at(row, col).attr.fg == Color::none);
    };
    check_row(U"queue-0003", Color::red, U'R');
    check_row(U"queue-0005", Color::yellow, U'Y');
    check_row(U"queue-0001", Color::green, U'G');
    check_row(U"queue-0004", Color::none, U' ');
    check_row(U"skill-billing", Color::red, U'R');
    const Attr status = color.at(0, find_cell(color, 0, U"connected")).attr;
    CHECK(status.fg == Color::green);
    CHECK(status.bold);
    CHECK(plain.at(0, find_cell(plain, 0, U"connected")).attr == Attr{Color::none, false, true, false});
}

TEST_CASE("top render: stale data dims every row, grey with colour", "[top]") {
    TopState s = contact_center();
    s.set_status(Status::stale);
    const Frame color = render(s, k_small, k_color);
    const Frame plain = render(s, k_small, {false, t0 + 3s});
    for (int row = 3; row < 23; ++row) {
        CHECK(color.at(row, 4).attr == Attr{Color::grey, true, false, false});
        CHECK(plain.at(row, 4).attr == Attr{Color::none, true, false, false});
    }
    CHECK(color.at(0, find_cell(color, 0, U"stale")).attr.fg == Color::red);
}

TEST_CASE("top render: a changed value is reversed for one frame", "[top]") {
    TopState s = contact_center();
    s.apply(make_record(ResourceKind::queue, queue_id(4), {{"waitDuration", "999"}}), t0 + 2s);
    const Frame changed = render(s, k_small, k_color);
    const int row = find_row(changed, U"queue-0004");
    const int col = find_cell(changed, row, U"16:39");  // 999 s
    REQUIRE(col > 0);
    CHECK(changed.at(row, col).attr.reverse);
    CHECK(changed.at(row, col - 1).attr.reverse);        // the whole column width
    CHECK_FALSE(changed.at(row, col + 6).attr.reverse);  // the next metric did not change
    s.mark_drawn(t0 + 3s);
    CHECK_FALSE(render(s, k_small, k_color).at(row, col).attr.reverse);
}

TEST_CASE("top render: ids keep their start and their distinguishing tail", "[top]") {
    TopState s;
    s.apply(make_record(ResourceKind::agent, "agent-3f2a9c1e-7b4d-4e21-9a0b-5c6d7e8f9a01", {{"a", "1"}}), t0);
    s.apply(make_record(ResourceKind::agent, "agent-3f2a9c1e-7b4d-4e21-9a0b-5c6d7e8f9a02", {{"a", "1"}}), t0);
    const Frame f = render(s, Size{24, 6}, k_color);
    CHECK(f.line_text(1) == "Agents (2)" + std::string(14, ' '));
    CHECK(f.line_text(3) == "  agent-3\u2026c6d7e8f9a01  1");
    CHECK(f.line_text(4) == "  agent-3\u2026c6d7e8f9a02  1");
}

TEST_CASE("top render: control and wide characters in ids take one cell each", "[top]") {
    TopState s;
    s.apply(make_record(ResourceKind::queue, "q\x1b[2J\xe4\xb8\xad\xff", {{"a", "1"}}), t0);
    const Frame f = render(s, Size{30, 5}, k_color);
    CHECK(f.line_text(3) == "  q?[2J?\uFFFD  1" + std::string(18, ' '));
}

TEST_CASE("top render: tiny sizes never write outside the frame", "[top]") {
    const TopState s = contact_center();
    for (int cols = 0; cols < 30; ++cols)
        for (int rows = 0; rows < 6; ++rows) {
            const Frame f = render(s, Size{cols, rows}, k_color);
            CHECK(f.size() == Size{cols, rows});
        }
}

TEST_CASE("top render: NO_COLOR and --color decide colour", "[top]") {
    CHECK(use_color(ColorMode::automatic, std::nullopt, true));
    CHECK(use_color(ColorMode::automatic, "", true));  // set but empty: ignored
    CHECK_FALSE(use_color(ColorMode::automatic, "1", true));
    CHECK_FALSE(use_color(ColorMode::automatic, std::nullopt, false));
    CHECK(use_color(ColorMode::always, "1", false));
    CHECK_FALSE(use_color(ColorMode::never, std::nullopt, true));
}

TEST_CASE("top render: without colour the text is the same and no cell has a colour", "[top]") {
    TopState s = contact_center();
    s.apply(make_record(ResourceKind::queue, queue_id(4), {{"waitDuration", "148"}, {"availableAgents", "0"}}),
            t0 + 2s);
    s.mark_drawn(t0 + 2s);
    s.apply(make_record(ResourceKind::queue, queue_id(4), {{"availableAgents", "4"}}), t0 + 2s);
    const Frame plain = render(s, k_small, {false, t0 + 3s});
    CHECK(frame_text(plain) == frame_text(render(s, k_small, k_color)));
    bool reversed = false;
    for (int r = 0; r < 24; ++r)
        for (int c = 0; c < 80; ++c) {
            CHECK(plain.at(r, c).attr.fg == Color::none);
            reversed = reversed || (r > 1 && plain.at(r, c).attr.reverse);
        }
    CHECK(reversed);  // the highlight of a change stays
}

TEST_CASE("top render: random states and sizes give whole, printable frames", "[top]") {
    std::mt19937 rng(17);
    const char* pieces[] = {"queue-", "0001",        "\xe2\x80\xa6", "\x1b", "agent-3f2a9c1e-7b4d-4e21-9a0b",
                            "\xff",   "\xe4\xb8\xad"};
    for (int round = 0; round < 300; ++round) {
        TopState s;
        const int rows = static_cast<int>(rng() % 60);
        for (int i = 0; i < rows; ++i) {
            std::string id;
            for (int k = 0, n = 1 + static_cast<int>(rng() % 4); k < n; ++k) id += pieces[rng() % std::size(pieces)];
            const std::string metric = "m" + std::to_string(rng() % 9);
            const bool number = rng() % 2 == 0;
            s.apply(
                make_record(static_cast<ResourceKind>(rng() % 3), id,
                            {{metric, number ? std::to_string(rng() % 100000) : std::string(rng() % 30, 'x'), number}}),
                t0);
            s.set_level(static_cast<ResourceKind>(rng() % 3), id, metric, static_cast<Level>(rng() % 4));
        }
        s.view().sort_column = static_cast<int>(rng() % 11);
        s.view().descending = rng() % 2 == 0;
        s.view().scroll = static_cast<int>(rng() % 80) - 10;
        if (rng() % 4 == 0) s.view().filter = pieces[rng() % std::size(pieces)];
        s.view().editing_filter = rng() % 5 == 0;
        s.set_status(static_cast<Status>(rng() % 6), t0 + 3s);
        const Size size{static_cast<int>(rng() % 200), static_cast<int>(rng() % 60)};
        const Frame f = render(s, size, {rng() % 2 == 0, t0 + 1s});
        REQUIRE(f.size() == size);
        for (int r = 0; r < size.rows; ++r)
            for (int c = 0; c < size.cols; ++c) REQUIRE(f.at(r, c).ch >= 0x20);
        if (size.rows >= 3 && size.cols >= 20) CHECK(f.line_text(size.rows - 1).find("rows ") != std::string::npos);
    }
}
