// --level specs: one metric, its yellow and red thresholds, a hysteresis band
// and dwell times, e.g. "waiting: yellow >= 5, red >= 10, clear 2, for 10s".
// Parsing is pure; errors name the column like --where does.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rtwatch/core/duration.hpp"
#include "rtwatch/core/result.hpp"

namespace rtwatch::levels {

// Ordered: a higher level is worse.
enum class Level : unsigned char { green = 0, yellow = 1, red = 2 };
std::string_view level_name(Level level);

enum class CmpOp : unsigned char { lt, le, gt, ge, eq, ne };
std::string_view op_text(CmpOp op);

struct Threshold {
    CmpOp op = CmpOp::ge;
    bool is_number = true;
    double number = 0;
    std::string text;  // number: as typed (85.5 stays 85.5); string: decoded
};

// ">= 10", "== \"not_responding\"" (strings JSON-quoted).
std::string describe(const Threshold& threshold);

struct LevelSpec {
    std::string metric;
    std::optional<Threshold> yellow, red;  // at least one is set
    double clear = 0;                      // hysteresis band, >= 0; 0 for == and !=
    Millis raise_after{0};                 // `for`: a higher level must hold this long
    Millis lower_after{0};                 // `hold`: a lower level must hold this long
    std::string text;                      // the spec as given, for messages

    // Green has no threshold: nullptr.
    const Threshold* threshold(Level level) const;
    // Numbers or strings: both given thresholds agree (the parser checks).
    bool numeric() const;
};

// Grammar (keywords lower case, clauses in any order, each at most once):
//   spec   := METRIC ':' clause (',' clause)*
//   clause := ('yellow' | 'red') OP (NUMBER | STRING)
//           | 'clear' NUMBER | 'for' DURATION | 'hold' DURATION
//   OP     := '<' | '<=' | '>' | '>=' | '==' | '!='
// STRING is quoted with '..' or ".." (escapes \\ \" \' \n \t \r);
// DURATION as for every option (10s, 500ms, 1m; a bare number is seconds).
// Rules checked here: at least one of yellow and red; both compare numbers
// or both strings; strings only with == and !=; both point the same way
// (> >=, < <=, or == !=); for > >= red's threshold is above yellow's (or
// equal with red > and yellow >=), mirrored for < <=; == / != levels are
// unordered but not the same condition; `clear` is >= 0 and only for
// numbers with < <= > >= (an exact match has no band to ease).
// Errors are usage errors: "--level: <what> at column N: <spec>".
Result<LevelSpec> parse_level_spec(std::string_view text);

// RTWATCH_LEVELS: specs separated by ';' (a ';' inside a quoted string is
// part of it). Blank pieces are dropped; each piece is trimmed.
std::vector<std::string> split_level_specs(std::string_view text);

// Every spec of the command line, config and environment together: the
// valid ones, and one message per bad spec (or repeated metric) in `errors`,
// so they are reported with the other configuration errors.
std::vector<LevelSpec> parse_level_specs(std::span<const std::string> texts, std::vector<std::string>& errors);

}  // namespace rtwatch::levels
