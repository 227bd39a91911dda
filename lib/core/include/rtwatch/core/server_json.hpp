// JSON text from a server, read with bounds: a size cap, a depth limit and
// an iterative parser, so hostile text cannot exhaust memory or the stack.
// Hands out the top-level members of one object, which is all that token
// answers, error bodies and stream control events need.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rtwatch/core/result.hpp"

namespace rtwatch {

struct JsonLimits {
    std::size_t max_bytes = 64 * 1024;
    int max_depth = 16;  // the top-level object is depth 1
};

// One top-level member. Objects and arrays are recorded by type only.
struct JsonField {
    enum class Type { null, boolean, number, string, object, array };
    Type type = Type::null;
    std::string text;   // a string's value (unescaped, valid UTF-8) or a number's JSON text
    double number = 0;  // a number's value
    bool boolean = false;
};

class JsonFields {
public:
    // nullptr when absent; of duplicate names the last wins.
    const JsonField* find(std::string_view name) const;
    // The value when the member is present and of that JSON type.
    std::optional<std::string_view> string(std::string_view name) const;
    std::optional<double> number(std::string_view name) const;
    // A number, or a string holding only a decimal number ("3600", "0.5"),
    // as some servers send expires_in.
    std::optional<double> number_or_numeric_string(std::string_view name) const;
    std::size_t size() const { return m_fields.size(); }

    void set(std::string name, JsonField field);

private:
    std::vector<std::pair<std::string, JsonField>> m_fields;
};

// Parses `text` as one JSON object. Errors (ExitCode::failure, a message to
// quote after what was being read): larger than limits.max_bytes, nested
// deeper than limits.max_depth, more than 256 top-level members, malformed
// (with the offset), invalid UTF-8, not an object. Never quotes the text itself: it may hold a token.
Result<JsonFields> parse_server_json(std::string_view text, JsonLimits limits = {});

}  // namespace rtwatch
