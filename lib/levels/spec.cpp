// --level spec parser: a single left-to-right scan of clauses, then the
// checks that need the whole spec (order, direction, types, band). Every
// error points at the column of the token that is wrong.
#include "rtwatch/levels/spec.hpp"

#include <charconv>

#include <fmt/format.h>

#include "rtwatch/core/json_text.hpp"

namespace rtwatch::levels {

std::string_view level_name(Level level) {
    switch (level) {
        case Level::green:
            return "green";
        case Level::yellow:
            return "yellow";
        case Level::red:
            return "red";
    }
    return "green";
}

std::string_view op_text(CmpOp op) {
    switch (op) {
        case CmpOp::lt:
            return "<";
        case CmpOp::le:
            return "<=";
        case CmpOp::gt:
            return ">";
        case CmpOp::ge:
            return ">=";
        case CmpOp::eq:
            return "==";
        case CmpOp::ne:
            return "!=";
    }
    return "==";
}

std::string describe(const Threshold& t) {
    std::string out(op_text(t.op));
    out += ' ';
    if (t.is_number) {
        out += t.text;
    } else {
        append_json_string(out, t.text);
    }
    return out;
}

const Threshold* LevelSpec::threshold(Level level) const {
    if (level == Level::yellow && yellow) return &*yellow;
    if (level == Level::red && red) return &*red;
    return nullptr;
}

bool LevelSpec::numeric() const { return red ? red->is_number : yellow && yellow->is_number; }

namespace {

bool name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-'; }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Where each part of a level clause was typed, for the checks after the scan.
struct Placed {
    size_t clause = 0, op = 0, literal = 0;
};

class SpecParser {
public:
    explicit SpecParser(std::string_view src) : m_src(src) {}

    Result<LevelSpec> parse() {
        m_spec.text = m_src;
        if (!scan() || !check()) return make_error(ExitCode::usage, m_message);
        return std::move(m_spec);
    }

private:
    bool fail(std::string what, size_t pos) {
        m_message = fmt::format("--level: {} at column {}: {}", what, pos + 1, m_src);
        return false;
    }

    void skip_space() {
        while (m_pos < m_src.size() && space(m_src[m_pos])) ++m_pos;
    }
    bool at_end() const { return m_pos >= m_src.size(); }
    char peek() const { return at_end() ? '\0' : m_src[m_pos]; }

    std::string_view word() {
        size_t start = m_pos;
        while (!at_end() && name_char(m_src[m_pos])) ++m_pos;
        return m_src.substr(start, m_pos - start);
    }

    bool scan() {
        skip_space();
        if (at_end()) return fail("the spec is empty (write e.g. 'waiting: yellow >= 5, red >= 10')", m_pos);
        if (!name_start(peek())) return fail("expected a metric name", m_pos);
        m_spec.metric = word();
        skip_space();
        if (peek() != ':') return fail("expected ':' after the metric name", m_pos);
        ++m_pos;
        for (;;) {
            skip_space();
            if (!clause()) return false;
            skip_space();
            if (at_end()) return true;
            if (peek() != ',') return fail("expected ',' or the end of the spec", m_pos);
            ++m_pos;
        }
    }

    bool clause() {
        size_t start = m_pos;
        if (m_first_clause == 0) m_first_clause = start;
        std::string_view w = name_start(peek()) ? word() : std::string_view();
        auto once = [&](bool& seen) {
            if (seen) return fail(fmt::format("'{}' is given twice", w), start);
            seen = true;
            return true;
        };
        if (w == "yellow") return once(m_seen_yellow) && level(m_spec.yellow, m_yellow_at, start);
        if (w == "red") return once(m_seen_red) && level(m_spec.red, m_red_at, start);
        if (w == "clear") return once(m_seen_clear) && band(start);
        if (w == "for") return once(m_seen_for) && duration(w, m_spec.raise_after);
        if (w == "hold") return once(m_seen_hold) && duration(w, m_spec.lower_after);
        return fail("expected 'yellow', 'red', 'clear', 'for' or 'hold'", start);
    }

    bool level(std::optional<Threshold>& out, Placed& at, size_t start) {
        Threshold t;
        at.clause = start;
        skip_space();
        at.op = m_pos;
        if (!comparison(t.op)) return false;
        skip_space();
        at.literal = m_pos;
        if (peek() == '"' || peek() == '\'') {
            t.is_number = false;
            if (!string(t.text)) return false;
        } else if (!number(t.number, &t.text)) {
            if (m_malformed) return fail("malformed number", at.literal);
            return fail(fmt::format("expected a number or a quoted string after '{}'", op_text(t.op)), at.literal);
        }
        out = std::move(t);
        return true;
    }

    bool comparison(CmpOp& op) {
        char c = peek();
        char next = m_pos + 1 < m_src.size() ? m_src[m_pos + 1] : '\0';
        size_t length = next == '=' ? 2 : 1;
        if (c == '<')
            op = next == '=' ? CmpOp::le : CmpOp::lt;
        else if (c == '>')
            op = next == '=' ? CmpOp::ge : CmpOp::gt;
        else if (c == '=' && next == '=')
            op = CmpOp::eq;
        else if (c == '!' && next == '=')
            op = CmpOp::ne;
        else if (c == '=')
            return fail("unexpected '=' (compare with '==')", m_pos);
        else
            return fail("expected a comparison (<, <=, >, >=, ==, !=)", m_pos);
        m_pos += length;
        return true;
    }

    // JSON number syntax with an optional sign; false without a message when
    // nothing number-like is here, so the caller can say what it expected.
    bool number(double& value, std::string* text) {
        size_t p = m_pos;
        auto digits = [&] {
            size_t start = p;
            while (p < m_src.size() && digit(m_src[p])) ++p;
            return p > start;
        };
        if (p < m_src.size() && (m_src[p] == '+' || m_src[p] == '-')) ++p;
        if (p >= m_src.size() || !digit(m_src[p])) return false;
        bool ok = digits();
        if (ok && p < m_src.size() && m_src[p] == '.') ++p, ok = digits();
        if (ok && p < m_src.size() && (m_src[p] == 'e' || m_src[p] == 'E')) {
            ++p;
            if (p < m_src.size() && (m_src[p] == '+' || m_src[p] == '-')) ++p;
            ok = digits();
        }
        if (!ok || (p < m_src.size() && name_char(m_src[p]))) return m_malformed = true, false;
        std::string_view typed = m_src.substr(m_pos, p - m_pos);
        if (typed.front() == '+') typed.remove_prefix(1);
        std::from_chars(typed.data(), typed.data() + typed.size(), value);
        if (text) text->assign(typed);
        m_pos = p;
        return true;
    }

    bool string(std::string& out) {
        char quote = peek();
        size_t start = m_pos++;
        for (; !at_end() && peek() != quote; ++m_pos) {
            if (peek() != '\\') {
                out.push_back(peek());
                continue;
            }
            if (++m_pos >= m_src.size()) break;
            char e = peek();
            if (e == 'n')
                out.push_back('\n');
            else if (e == 't')
                out.push_back('\t');
            else if (e == 'r')
                out.push_back('\r');
            else if (e == '\\' || e == '"' || e == '\'')
                out.push_back(e);
            else
                return fail("unknown escape in a string (use \\\\, \\\", \\', \\n, \\t or \\r)", m_pos - 1);
        }
        if (at_end()) return fail("unterminated string", start);
        ++m_pos;
        return true;
    }

    bool band(size_t start) {
        m_clear_at = start;
        skip_space();
        size_t at = m_pos;
        if (!number(m_spec.clear, nullptr))
            return fail(m_malformed ? "malformed number" : "expected a number after 'clear'", at);
        if (m_spec.clear < 0) return fail("'clear' must not be negative: it is the band a level is left by", at);
        return true;
    }

    bool duration(std::string_view keyword, Millis& out) {
        skip_space();
        size_t start = m_pos;
        while (!at_end() && !space(peek()) && peek() != ',') ++m_pos;
        if (m_pos == start)
            return fail(fmt::format("expected a duration (e.g. 10s, 500ms, 1m) after '{}'", keyword), start);
        auto d = parse_duration(m_src.substr(start, m_pos - start));
        if (!d) return fail(d.error().message, start);
        out = *d;
        return true;
    }

    bool check();
    bool check_pair();

    std::string_view m_src;
    size_t m_pos = 0;
    LevelSpec m_spec;
    Placed m_yellow_at, m_red_at;
    size_t m_first_clause = 0, m_clear_at = 0;
    bool m_seen_yellow = false, m_seen_red = false, m_seen_clear = false, m_seen_for = false, m_seen_hold = false;
    bool m_malformed = false;
    std::string m_message;
};

enum class Direction { up, down, equal };

Direction direction(CmpOp op) {
    if (op == CmpOp::gt || op == CmpOp::ge) return Direction::up;
    if (op == CmpOp::lt || op == CmpOp::le) return Direction::down;
    return Direction::equal;
}

// Red must be met only where yellow is: for >= / >, red's threshold is
// higher (or equal, with red > and yellow >=); mirrored for < / <=.
bool red_is_stricter(const Threshold& yellow, const Threshold& red) {
    if (direction(red.op) == Direction::up)
        return red.number > yellow.number ||
               (red.number == yellow.number && red.op == CmpOp::gt && yellow.op == CmpOp::ge);
    return red.number < yellow.number || (red.number == yellow.number && red.op == CmpOp::lt && yellow.op == CmpOp::le);
}

bool SpecParser::check() {
    if (!m_spec.yellow && !m_spec.red)
        return fail("no level given: add 'yellow OP VALUE' and/or 'red OP VALUE'", m_first_clause);
    for (auto [t, at] : {std::pair{&m_spec.yellow, &m_yellow_at}, std::pair{&m_spec.red, &m_red_at}})
        if (*t && !(*t)->is_number && direction((*t)->op) != Direction::equal)
            return fail("a string compares only with == or !=", at->op);
    if (m_spec.yellow && m_spec.red && !check_pair()) return false;
    const Threshold& any = m_spec.red ? *m_spec.red : *m_spec.yellow;
    if (m_seen_clear && (!any.is_number || direction(any.op) == Direction::equal))
        return fail("'clear' needs a number compared with <, <=, > or >= (== and != have no band)", m_clear_at);
    return true;
}

bool SpecParser::check_pair() {
    const Threshold& y = *m_spec.yellow;
    const Threshold& r = *m_spec.red;
    if (y.is_number != r.is_number)
        return fail("red and yellow must both compare with a number or both with a string", m_red_at.literal);
    Direction dy = direction(y.op), dr = direction(r.op);
    if (dy != dr)
        return fail(fmt::format("red '{}' and yellow '{}' point in different directions (use > or >= for both, "
                                "< or <= for both, or == and !=)",
                                op_text(r.op), op_text(y.op)),
                    m_red_at.op);
    if (dr == Direction::equal) {
        if (y.op == r.op && y.is_number == r.is_number && (y.is_number ? y.number == r.number : y.text == r.text))
            return fail("red and yellow are the same condition", m_red_at.clause);
        return true;
    }
    if (!red_is_stricter(y, r))
        return fail(fmt::format("thresholds out of order: red ({}) must be {} yellow ({})", describe(r),
                                dr == Direction::up ? "above" : "below", describe(y)),
                    m_red_at.literal);
    return true;
}

}  // namespace

Result<LevelSpec> parse_level_spec(std::string_view text) { return SpecParser(text).parse(); }

std::vector<std::string> split_level_specs(std::string_view text) {
    std::vector<std::string> out;
    auto keep = [&](std::string_view piece) {
        size_t first = piece.find_first_not_of(" \t\r\n");
        if (first == std::string_view::npos) return;
        size_t last = piece.find_last_not_of(" \t\r\n");
        out.emplace_back(piece.substr(first, last + 1 - first));
    };
    char quote = 0;
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quote && c == '\\')
            ++i;  // an escaped character never ends the string
        else if (quote && c == quote)
            quote = 0;
        else if (!quote && (c == '"' || c == '\''))
            quote = c;
        else if (!quote && c == ';')
            keep(text.substr(start, i - start)), start = i + 1;
    }
    keep(text.substr(std::min(start, text.size())));
    return out;
}

std::vector<LevelSpec> parse_level_specs(std::span<const std::string> texts, std::vector<std::string>& errors) {
    std::vector<LevelSpec> specs;
    for (const std::string& text : texts) {
        auto spec = parse_level_spec(text);
        if (!spec) {
            errors.push_back(spec.error().message);
            continue;
        }
        bool repeated = false;
        for (const LevelSpec& earlier : specs) repeated = repeated || earlier.metric == spec->metric;
        if (repeated) {
            size_t column = text.find_first_not_of(" \t\r\n") + 1;
            errors.push_back(
                fmt::format("--level: metric '{}' already has a spec (give yellow and red in one spec) "
                            "at column {}: {}",
                            spec->metric, column, text));
            continue;
        }
        specs.push_back(std::move(*spec));
    }
    return specs;
}

}  // namespace rtwatch::levels
