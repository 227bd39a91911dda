// --where: precedence, negation, parentheses, strings, missing metrics, and
// an error message with the right column for every kind of mistake.
#include <catch2/catch.hpp>

#include <optional>

#include "rtwatch/filter/filter.hpp"

using rtwatch::MetricValue;
using rtwatch::Record;
using rtwatch::filter::Where;

namespace {

// Metrics from "name=value" pairs: quoted values are strings, `null` and
// `true` their JSON selves, anything else a number.
Record rec(std::initializer_list<std::pair<const char*, const char*>> metrics) {
    Record r;
    r.id = "q";
    for (auto [name, value] : metrics) {
        auto& m = r.add_metric();
        m.name = name;
        std::string_view v = value;
        if (v == "null") {
            m.value.type = MetricValue::Type::null;
        } else if (v == "true") {
            m.value.type = MetricValue::Type::boolean;
            m.value.boolean = true;
        } else if (v.front() == '"') {
            m.value.type = MetricValue::Type::string;
            m.value.text = v.substr(1, v.size() - 2);
        } else {
            m.value.type = MetricValue::Type::number;
            m.value.text = v;
            m.value.number = std::stod(std::string(v));
        }
    }
    return r;
}

bool where(std::string_view expr, const Record& r) {
    auto w = Where::parse(expr);
    INFO(expr);
    REQUIRE(w.ok());
    return w->matches(r);
}

std::string parse_error(std::string_view expr) {
    auto w = Where::parse(expr);
    INFO(expr);
    REQUIRE_FALSE(w.ok());
    CHECK(w.error().code == rtwatch::ExitCode::usage);
    return w.error().message;
}

}  // namespace

TEST_CASE("where: every comparison operator on numbers", "[filter]") {
    auto r = rec({{"w", "45"}});
    CHECK(where("w == 45", r));
    CHECK(where("w == 45.0", r));
    CHECK_FALSE(where("w != 45", r));
    CHECK(where("w < 46", r));
    CHECK_FALSE(where("w < 45", r));
    CHECK(where("w <= 45", r));
    CHECK(where("w > 44.5", r));
    CHECK_FALSE(where("w > 45", r));
    CHECK(where("w >= 45", r));
    CHECK(where("w>=4.5e1", r));
    CHECK(where("w > -1", r));
    CHECK(where("w < +100", r));
}

TEST_CASE("where: and binds tighter than or", "[filter]") {
    // a > 1 or (b > 2 and c < 3)
    CHECK(where("a > 1 or b > 2 and c < 3", rec({{"a", "5"}, {"b", "0"}, {"c", "9"}})));
    CHECK(where("a > 1 or b > 2 and c < 3", rec({{"a", "0"}, {"b", "5"}, {"c", "0"}})));
    CHECK_FALSE(where("a > 1 or b > 2 and c < 3", rec({{"a", "0"}, {"b", "5"}, {"c", "9"}})));
    // (a > 1 or b > 2) and c < 3 would be false here:
    CHECK(where("b > 2 and c < 3 or a > 1", rec({{"a", "5"}, {"b", "0"}, {"c", "9"}})));
}

TEST_CASE("where: parentheses override precedence", "[filter]") {
    auto r = rec({{"a", "5"}, {"b", "0"}, {"c", "9"}});
    CHECK(where("a > 1 or b > 2 and c < 3", r));
    CHECK_FALSE(where("(a > 1 or b > 2) and c < 3", r));
    CHECK(where("((a > 1))", r));
}

TEST_CASE("where: not negates, and binds tighter than and", "[filter]") {
    auto r = rec({{"a", "5"}, {"b", "0"}});
    CHECK_FALSE(where("not a > 1", r));
    CHECK(where("not not a > 1", r));
    CHECK(where("not a > 10 and b == 0", r));
    CHECK_FALSE(where("not (a > 1 and b == 0)", r));
}

TEST_CASE("where: &&, || and ! are synonyms of and, or, not", "[filter]") {
    auto r = rec({{"a", "5"}, {"b", "0"}});
    CHECK(where("a > 1 && b == 0", r));
    CHECK(where("a > 10 || b == 0", r));
    CHECK(where("!(a > 10)", r));
    CHECK(where("!a>10&&b==0", r));
}

TEST_CASE("where: strings compare with strings, in either quote style", "[filter]") {
    auto r = rec({{"state", "\"available\""}, {"name", "\"it's \\\"x\\\"\""}});
    CHECK(where("state == \"available\"", r));
    CHECK(where("state == 'available'", r));
    CHECK(where("state != 'busy'", r));
    CHECK(where("state < 'b'", r));
    CHECK(where("state >= 'available'", r));
    CHECK_FALSE(where("state > 'available'", r));
    CHECK(where(R"(name == 'it\'s \\"x\\"')", r));
    CHECK(where(R"(name == "it's \\\"x\\\"")", r));
}

TEST_CASE("where: a missing metric makes a comparison false, so not(...) is true", "[filter]") {
    auto r = rec({{"a", "5"}});
    CHECK_FALSE(where("x > 5", r));
    CHECK_FALSE(where("x <= 5", r));
    CHECK_FALSE(where("x != 5", r));
    CHECK(where("not (x > 5)", r));
    CHECK(where("x > 5 or a == 5", r));
}

TEST_CASE("where: null, booleans and type mismatches compare false", "[filter]") {
    auto r = rec({{"n", "null"}, {"b", "true"}, {"s", "\"5\""}, {"v", "5"}});
    CHECK_FALSE(where("n == 0", r));
    CHECK_FALSE(where("n != 0", r));
    CHECK_FALSE(where("b == 1", r));
    CHECK_FALSE(where("s == 5", r));
    CHECK_FALSE(where("v == '5'", r));
    CHECK_FALSE(where("v != '5'", r));
}

TEST_CASE("where: metric names may contain digits, dots, dashes and underscores", "[filter]") {
    auto r = rec({{"sla.p95-x_1", "3"}});
    CHECK(where("sla.p95-x_1 == 3", r));
    CHECK(where("  sla.p95-x_1==3  ", r));
}

TEST_CASE("where: a copied Where shares its compiled expression", "[filter]") {
    std::optional<Where> w;
    {
        auto parsed = Where::parse("a > 1");
        REQUIRE(parsed.ok());
        w = parsed.value();
    }
    CHECK(w->matches(rec({{"a", "2"}})));
    CHECK_FALSE(w->matches(rec({{"a", "1"}})));
}

TEST_CASE("where: parse errors say what was expected, and at which column", "[filter]") {
    CHECK(parse_error("waiting > and x") ==
          "--where: expected a number or a string after '>' at column 11: waiting > and x");
    CHECK(parse_error("waiting >") == "--where: expected a number or a string after '>' at column 10: waiting >");
    CHECK(parse_error("waiting 5") ==
          "--where: expected a comparison (==, !=, <, <=, >, >=) after 'waiting' at column 9: waiting 5");
    CHECK(parse_error("a > 1 and") == "--where: expected a metric name, 'not' or '(' at column 10: a > 1 and");
    CHECK(parse_error("a > 1 or > 2") == "--where: expected a metric name, 'not' or '(' at column 10: a > 1 or > 2");
    CHECK(parse_error("(a > 1") == "--where: expected ')' at column 7: (a > 1");
    CHECK(parse_error("a > 1)") == "--where: expected 'and', 'or' or the end of the expression at column 6: a > 1)");
    CHECK(parse_error("a > 1 b > 2") ==
          "--where: expected 'and', 'or' or the end of the expression at column 7: a > 1 b > 2");
    CHECK(parse_error("5 > a") == "--where: expected a metric name, 'not' or '(' at column 1: 5 > a");
    CHECK(parse_error("not") == "--where: expected a metric name, 'not' or '(' at column 4: not");
    CHECK(parse_error("a > b") == "--where: expected a number or a string after '>' at column 5: a > b");
}

TEST_CASE("where: lexical errors point at the offending character", "[filter]") {
    CHECK(parse_error("a = 1") == "--where: unexpected '=' (compare with '==') at column 3: a = 1");
    CHECK(parse_error("a > 1 & b > 2") == "--where: unexpected '&' at column 7: a > 1 & b > 2");
    CHECK(parse_error("a > 1 | b > 2") == "--where: unexpected '|' at column 7: a > 1 | b > 2");
    CHECK(parse_error("a @ 1") == "--where: unexpected '@' at column 3: a @ 1");
    CHECK(parse_error("a > \x01") == "--where: unexpected byte 0x01 at column 5: a > \x01");
    CHECK(parse_error("a > 'abc") == "--where: unterminated string at column 5: a > 'abc");
    CHECK(parse_error("a > 'ab\\") == "--where: unterminated string at column 5: a > 'ab\\");
    CHECK(parse_error("a > 'a\\qb'") ==
          "--where: unknown escape in a string (use \\\\, \\\", \\', \\n, \\t or \\r) at column 7: a > 'a\\qb'");
}

TEST_CASE("where: malformed numbers are rejected at their start", "[filter]") {
    CHECK(parse_error("a > 1.") == "--where: malformed number at column 5: a > 1.");
    CHECK(parse_error("a > 1e") == "--where: malformed number at column 5: a > 1e");
    CHECK(parse_error("a > -") == "--where: malformed number at column 5: a > -");
    CHECK(parse_error("a > 12x") == "--where: malformed number at column 5: a > 12x");
    CHECK(parse_error("a > .5") == "--where: unexpected '.' at column 5: a > .5");
}

TEST_CASE("where: empty and absurdly nested expressions are rejected", "[filter]") {
    CHECK(parse_error("") == "--where: the expression is empty");
    CHECK(parse_error("  \t") == "--where: the expression is empty");
    std::string deep = std::string(100, '(') + "a > 1" + std::string(100, ')');
    CHECK(parse_error(deep).rfind("--where: nesting deeper than 64 levels at column 65: ", 0) == 0);
    std::string nots;
    for (int i = 0; i < 100; ++i) nots += "not ";
    CHECK(parse_error(nots + "a > 1").rfind("--where: nesting deeper than 64 levels at column 257: ", 0) == 0);
}
