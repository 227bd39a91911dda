// --level specs: what parses into what, every kind of mistake with the column
// it is reported at, RTWATCH_LEVELS splitting and repeated metrics.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "rtwatch/levels/spec.hpp"

using namespace std::chrono_literals;
using rtwatch::levels::CmpOp;
using rtwatch::levels::LevelSpec;
using rtwatch::levels::parse_level_spec;
using rtwatch::levels::parse_level_specs;
using rtwatch::levels::split_level_specs;

namespace {

LevelSpec spec(std::string_view text) {
    auto s = parse_level_spec(text);
    INFO(text);
    if (!s) FAIL(s.error().message);
    return std::move(*s);
}

std::string error_of(std::string_view text) {
    auto s = parse_level_spec(text);
    INFO(text);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == rtwatch::ExitCode::usage);
    return s.error().message;
}

// The message must name the problem, the column and the spec itself.
void check_error(std::string_view text, std::string_view what, int column) {
    std::string message = error_of(text);
    INFO(message);
    CHECK(message.rfind("--level: ", 0) == 0);
    CHECK(message.find(what) != std::string::npos);
    CHECK(message.find("at column " + std::to_string(column) + ": " + std::string(text)) != std::string::npos);
}

}  // namespace

TEST_CASE("level spec: the full upward example", "[levels]") {
    LevelSpec s = spec("waiting: yellow >= 5, red >= 10, clear 2, for 10s, hold 30s");
    CHECK(s.metric == "waiting");
    REQUIRE(s.yellow);
    REQUIRE(s.red);
    CHECK(s.yellow->op == CmpOp::ge);
    CHECK(s.yellow->number == 5);
    CHECK(s.red->number == 10);
    CHECK(s.red->text == "10");
    CHECK(s.clear == 2);
    CHECK(s.raise_after == 10s);
    CHECK(s.lower_after == 30s);
    CHECK(s.numeric());
    CHECK(s.text == "waiting: yellow >= 5, red >= 10, clear 2, for 10s, hold 30s");
}

TEST_CASE("level spec: downward, strings, one level, any clause order, no spaces", "[levels]") {
    LevelSpec down = spec("serviceLevelPercentile: yellow < 80, red < 60, clear 5");
    CHECK(down.yellow->op == CmpOp::lt);
    CHECK(down.red->number == 60);
    CHECK(down.clear == 5);
    CHECK(down.raise_after == 0ms);

    LevelSpec str = spec("state: red == \"not_responding\"");
    CHECK_FALSE(str.yellow);
    CHECK_FALSE(str.red->is_number);
    CHECK(str.red->text == "not_responding");
    CHECK_FALSE(str.numeric());
    CHECK(describe(*str.red) == "== \"not_responding\"");

    LevelSpec terse = spec("w:hold 500ms,red>12.5,for 1m,yellow>=-3");
    CHECK(terse.red->op == CmpOp::gt);
    CHECK(terse.red->text == "12.5");
    CHECK(terse.yellow->number == -3);
    CHECK(terse.raise_after == 60s);
    CHECK(terse.lower_after == 500ms);

    CHECK(spec("a.b-c: yellow > 1").metric == "a.b-c");
    CHECK(spec("w: yellow >= 5, red > 5").red->op == CmpOp::gt);  // equal threshold, red stricter
    CHECK(spec("s: yellow != 'ok', red == 'down'").yellow->op == CmpOp::ne);
    CHECK(spec("n: yellow == 1, red == 2").red->number == 2);
}

TEST_CASE("level spec: scan errors name the column", "[levels]") {
    check_error("", "the spec is empty", 1);
    check_error("   ", "the spec is empty", 4);
    check_error("5waiting: red > 1", "expected a metric name", 1);
    check_error("waiting red > 1", "expected ':' after the metric name", 9);
    check_error("waiting: orange > 1", "expected 'yellow', 'red', 'clear', 'for' or 'hold'", 10);
    check_error("waiting: red > 1,", "expected 'yellow', 'red', 'clear', 'for' or 'hold'", 18);
    check_error("waiting: red > 1 yellow > 0", "expected ',' or the end of the spec", 18);
    check_error("waiting: red 10", "expected a comparison", 14);
    check_error("waiting: red = 10", "unexpected '=' (compare with '==')", 14);
    check_error("waiting: red >= ", "expected a number or a quoted string after '>='", 17);
    check_error("waiting: red >= 1x", "malformed number", 17);
    check_error("state: red == \"down", "unterminated string", 15);
    check_error("state: red == \"a\\qb\"", "unknown escape", 17);
    check_error("waiting: red > 1, red > 2", "'red' is given twice", 19);
    check_error("waiting: red > 1, for 1s, for 2s", "'for' is given twice", 27);
    check_error("waiting: red > 1, clear", "expected a number after 'clear'", 24);
    check_error("waiting: red > 1, clear -2", "'clear' must not be negative", 25);
    check_error("waiting: red > 1, for", "expected a duration (e.g. 10s, 500ms, 1m) after 'for'", 22);
    check_error("waiting: red > 1, for 10 s", "expected ',' or the end of the spec", 26);
    check_error("waiting: red > 1, hold 5parsecs", "invalid duration '5parsecs': unknown unit 'parsecs'", 24);
    check_error("waiting: red > 1, hold -5s", "negative", 24);
}

TEST_CASE("level spec: whole-spec errors name the offending clause", "[levels]") {
    check_error("waiting: for 10s", "no level given", 10);
    check_error("waiting: yellow >= 10, red >= 5", "thresholds out of order: red (>= 5) must be above yellow (>= 10)",
                31);
    check_error("waiting: yellow >= 5, red >= 5", "out of order", 30);
    check_error("waiting: yellow > 5, red >= 5", "out of order", 29);
    check_error("sl: yellow < 60, red < 80", "must be below yellow (< 60)", 24);
    check_error("waiting: yellow >= 5, red < 10", "point in different directions", 27);
    check_error("waiting: yellow >= 5, red == 10", "point in different directions", 27);
    check_error("state: yellow == 'busy', red == 3", "both compare with a number or both with a string", 33);
    check_error("state: red > 'busy'", "a string compares only with == or !=", 12);
    check_error("state: red == 'down', clear 1", "'clear' needs a number compared with <, <=, > or >=", 23);
    check_error("n: red == 3, clear 1", "(== and != have no band)", 14);
    check_error("state: yellow == 'x', red == 'x'", "the same condition", 23);
}

TEST_CASE("level spec: RTWATCH_LEVELS splits on ';' outside quotes", "[levels]") {
    using V = std::vector<std::string>;
    CHECK(split_level_specs("") == V{});
    CHECK(split_level_specs(" ; ;") == V{});
    CHECK(split_level_specs("a: red > 1;b: red < 2") == V{"a: red > 1", "b: red < 2"});
    CHECK(split_level_specs("  a: red > 1 ;\n b: red < 2 ;") == V{"a: red > 1", "b: red < 2"});
    CHECK(split_level_specs("s: red == 'a;b'; t: red == \"c;\\\"d\"") == V{"s: red == 'a;b'", "t: red == \"c;\\\"d\""});
    // An unterminated quote swallows the rest; the parser then reports it.
    CHECK(split_level_specs("s: red == 'a; t: red > 1") == V{"s: red == 'a; t: red > 1"});
}

TEST_CASE("level spec: every bad spec and repeated metric is reported, the good ones kept", "[levels]") {
    std::vector<std::string> texts{"waiting: red >= 10", "waiting: yellow >= 5", "sl: red <", "  sl: red < 60",
                                   "state: red == 'x'"};
    std::vector<std::string> errors;
    auto specs = parse_level_specs(texts, errors);
    REQUIRE(specs.size() == 3);
    CHECK(specs[0].metric == "waiting");
    CHECK(specs[1].metric == "sl");
    CHECK(specs[2].metric == "state");
    REQUIRE(errors.size() == 2);
    CHECK(errors[0] ==
          "--level: metric 'waiting' already has a spec (give yellow and red in one spec) at column 1: "
          "waiting: yellow >= 5");
    CHECK(errors[1] == "--level: expected a number or a quoted string after '<' at column 10: sl: red <");
}
