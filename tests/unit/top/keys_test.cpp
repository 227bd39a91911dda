// Keys: bytes to keys in any chunking (escape sequences and UTF-8 split
// across reads, a lone ESC after its wait), keys to actions per mode, and
// actions applied to the view: sort, filter editing, scroll, pause, quit.
#include <catch2/catch.hpp>

#include <random>

#include "rtwatch/top/keys.hpp"
#include "top_fixtures.hpp"

using namespace top_test;
using namespace rtwatch::top;

namespace {

std::vector<Key> decode_all(std::string_view bytes) {
    KeyDecoder d;
    std::vector<Key> keys;
    d.feed(bytes, t0, keys);
    return keys;
}

const Key k_up{KeyCode::up}, k_down{KeyCode::down}, k_pgup{KeyCode::page_up}, k_pgdn{KeyCode::page_down};
Key ch(char32_t c) { return Key{KeyCode::character, c}; }

const std::string k_input = "q\x1b[A\x1b[B\x1b[5~\x1b[6~\x1bOC\x1b[1;5D\x1b[H\x1b[4~s\xc3\xa9\xe2\x80\xa6\r\x7f\x03";
const std::vector<Key> k_keys = {ch(U'q'),
                                 k_up,
                                 k_down,
                                 k_pgup,
                                 k_pgdn,
                                 Key{KeyCode::right},
                                 Key{KeyCode::left},
                                 Key{KeyCode::home},
                                 Key{KeyCode::end},
                                 ch(U's'),
                                 ch(U'\u00e9'),
                                 ch(U'\u2026'),
                                 Key{KeyCode::enter},
                                 Key{KeyCode::backspace},
                                 Key{KeyCode::ctrl_c}};

}  // namespace

TEST_CASE("top keys: letters, arrows, PgUp/PgDn, Home/End, UTF-8 and control keys", "[top]") {
    CHECK(decode_all(k_input) == k_keys);
}

TEST_CASE("top keys: the same keys however the input is split", "[top]") {
    for (std::size_t a = 0; a <= k_input.size(); ++a)
        for (std::size_t b = a; b <= k_input.size(); ++b) {
            KeyDecoder d;
            std::vector<Key> keys;
            d.feed(std::string_view(k_input).substr(0, a), t0, keys);
            d.feed(std::string_view(k_input).substr(a, b - a), t0 + 1ms, keys);
            d.feed(std::string_view(k_input).substr(b), t0 + 2ms, keys);
            INFO("split at " << a << " and " << b);
            CHECK(keys == k_keys);
            CHECK_FALSE(d.deadline());
        }
}

TEST_CASE("top keys: a lone ESC is Escape once its wait is over", "[top]") {
    KeyDecoder d;
    std::vector<Key> keys;
    d.feed("\x1b", t0, keys);
    CHECK(keys.empty());
    REQUIRE(d.deadline() == t0 + KeyDecoder::k_escape_wait);
    d.expire(t0 + 49ms, keys);
    CHECK(keys.empty());
    d.expire(t0 + 50ms, keys);
    CHECK(keys == std::vector<Key>{Key{KeyCode::escape}});
    CHECK_FALSE(d.deadline());
}

TEST_CASE("top keys: ESC followed by a key is Escape then that key", "[top]") {
    CHECK(decode_all("\x1b\x1b[A") == std::vector<Key>{Key{KeyCode::escape}, k_up});
    CHECK(decode_all("\x1bq") == std::vector<Key>{Key{KeyCode::escape}, ch(U'q')});
}

TEST_CASE("top keys: unknown sequences and stray bytes are no key", "[top]") {
    CHECK(decode_all("\x1b[200~a\x1b[Zb\x80\x01") == std::vector<Key>{ch(U'a'), ch(U'b')});
    KeyDecoder d;
    std::vector<Key> keys;
    d.feed("\x1b[5", t0, keys);  // cut off, never completed
    d.expire(t0 + 1s, keys);
    CHECK(keys.empty());
    d.feed("x", t0 + 1s, keys);
    CHECK(keys == std::vector<Key>{ch(U'x')});
}

TEST_CASE("top keys: command keys outside filter input", "[top]") {
    const ViewOptions view;
    CHECK(map_key(view, ch(U'q')).type == ActionType::quit);
    CHECK(map_key(view, Key{KeyCode::ctrl_c}).type == ActionType::quit);
    CHECK(map_key(view, ch(U'p')).type == ActionType::toggle_pause);
    CHECK(map_key(view, ch(U's')).type == ActionType::sort_next);
    CHECK(map_key(view, ch(U'S')).type == ActionType::sort_reverse);
    CHECK(map_key(view, ch(U'/')).type == ActionType::filter_begin);
    CHECK(map_key(view, k_up).type == ActionType::scroll_up);
    CHECK(map_key(view, k_pgdn).type == ActionType::page_down);
    CHECK(map_key(view, Key{KeyCode::ctrl_l}).type == ActionType::repaint);
    CHECK(map_key(view, ch(U'z')).type == ActionType::none);
    CHECK(map_key(view, Key{KeyCode::escape}).type == ActionType::none);
    ViewOptions filtered;
    filtered.filter = "q";
    CHECK(map_key(filtered, Key{KeyCode::escape}).type == ActionType::filter_clear);
}

TEST_CASE("top keys: while typing a filter, letters are text", "[top]") {
    ViewOptions view;
    view.editing_filter = true;
    CHECK(map_key(view, ch(U'q')) == Action{ActionType::filter_append, U'q'});
    CHECK(map_key(view, Key{KeyCode::backspace}).type == ActionType::filter_backspace);
    CHECK(map_key(view, Key{KeyCode::ctrl_u}).type == ActionType::filter_erase);
    CHECK(map_key(view, Key{KeyCode::enter}).type == ActionType::filter_commit);
    CHECK(map_key(view, Key{KeyCode::escape}).type == ActionType::filter_cancel);
    CHECK(map_key(view, Key{KeyCode::ctrl_c}).type == ActionType::quit);
    CHECK(map_key(view, k_down).type == ActionType::scroll_down);
}

namespace {

Effect press(TopState& s, std::string_view bytes, Size screen = {80, 24}) {
    KeyDecoder d;
    std::vector<Key> keys;
    d.feed(bytes, t0, keys);
    d.expire(t0 + 1s, keys);
    Effect last = Effect::none;
    for (const Key& key : keys) last = apply_action(s, map_key(s.view(), key), screen);
    return last;
}

}  // namespace

TEST_CASE("top keys: typing a filter applies it live; Enter keeps it, Escape restores", "[top]") {
    TopState s = contact_center();
    CHECK(press(s, "/00\xc3\xa9") == Effect::redraw);
    CHECK(s.view().editing_filter);
    CHECK(s.view().filter == "00\xc3\xa9");
    press(s,
          "\x7f"
          "2");
    CHECK(s.view().filter == "002");
    CHECK(s.matching_rows() == 11);
    press(s, "\r");
    CHECK_FALSE(s.view().editing_filter);
    CHECK(s.view().filter == "002");
    press(s, "/1\x1b");
    CHECK_FALSE(s.view().editing_filter);
    CHECK(s.view().filter == "002");
    press(s, "/\x15x\r");
    CHECK(s.view().filter == "x");
    press(s, "\x1b");  // outside typing: clears
    CHECK(s.view().filter.empty());
}

TEST_CASE("top keys: s cycles the sort column through id and every metric, S flips", "[top]") {
    TopState s = contact_center();
    const int columns = static_cast<int>(s.columns().size());
    for (int i = 1; i <= columns; ++i) {
        press(s, "s");
        CHECK(s.view().sort_column == i);
    }
    press(s, "s");
    CHECK(s.view().sort_column == 0);
    press(s, "S");
    CHECK(s.view().descending);
    press(s, "S");
    CHECK_FALSE(s.view().descending);
}

TEST_CASE("top keys: scrolling stays within the rows", "[top]") {
    // 42 rows, 20 per page at 80x24; the last page starts at row 26 (queues'
    // last four, skills and agents, each with a heading and titles).
    TopState s = contact_center();
    CHECK(press(s, "\x1b[A") == Effect::none);
    CHECK(s.view().scroll == 0);
    press(s, "\x1b[B\x1b[B");
    CHECK(s.view().scroll == 2);
    press(s, "\x1b[6~");
    CHECK(s.view().scroll == 22);
    press(s, "\x1b[6~\x1b[6~");
    CHECK(s.view().scroll == 26);
    press(s, "\x1b[5~");
    CHECK(s.view().scroll == 6);
    press(s, "G");
    CHECK(s.view().scroll == 26);
    press(s, "g");
    CHECK(s.view().scroll == 0);
    press(s, "\x1b[B", Size{80, 100});  // everything fits
    CHECK(s.view().scroll == 0);
}

TEST_CASE("top keys: p pauses and resumes, q and ^C quit, ^L repaints", "[top]") {
    TopState s = contact_center();
    press(s, "p");
    CHECK(s.view().paused);
    press(s, " ");
    CHECK_FALSE(s.view().paused);
    CHECK(press(s, "q") == Effect::quit);
    CHECK(press(s, "\x03") == Effect::quit);
    CHECK(press(s, "\x0c") == Effect::repaint);
}

TEST_CASE("top keys: random input gives the same keys in any chunking", "[top]") {
    const char alphabet[] = {'\x1b', '[',    'O',    '5',    '6',    '~',  ';',   'A',
                             'q',    '\xc3', '\xa9', '\xe2', '\x80', '\r', '\x7f'};
    std::mt19937 rng(5);
    for (int round = 0; round < 2000; ++round) {
        std::string input;
        const int n = 1 + static_cast<int>(rng() % 24);
        for (int i = 0; i < n; ++i) input += alphabet[rng() % sizeof alphabet];
        const std::vector<Key> whole = decode_all(input);
        KeyDecoder d;
        std::vector<Key> keys;
        for (std::size_t at = 0; at < input.size();) {
            const std::size_t len = 1 + rng() % 4;
            d.feed(std::string_view(input).substr(at, len), t0, keys);
            at += len;
        }
        INFO("round " << round);
        CHECK(keys == whole);
    }
}
