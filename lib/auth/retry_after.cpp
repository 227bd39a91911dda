// Retry-After (RFC 9110 10.2.3): delta-seconds or an HTTP-date. Recipients
// must accept all three date forms: IMF-fixdate, RFC 850 and asctime.
#include <array>
#include <cctype>

#include "rtwatch/auth/token.hpp"
#include "rtwatch/core/text.hpp"
#include "rtwatch/core/time_format.hpp"

namespace rtwatch::auth {

namespace {

constexpr std::array<std::string_view, 12> k_months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct DateParts {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

// A cursor over the header value; every reader fails without moving far.
struct Cursor {
    std::string_view s;
    size_t pos = 0;

    bool done() const { return pos == s.size(); }
    bool literal(std::string_view text) {
        if (s.substr(pos, text.size()) != text) return false;
        pos += text.size();
        return true;
    }
    bool digits(size_t min, size_t max, int& out) {
        size_t n = 0;
        out = 0;
        while (n < max && pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
            out = out * 10 + (s[pos++] - '0');
            ++n;
        }
        return n >= min;
    }
    bool word(size_t min, size_t max) {
        size_t n = 0;
        while (pos < s.size() && std::isalpha(static_cast<unsigned char>(s[pos]))) ++pos, ++n;
        return n >= min && n <= max;
    }
    bool month(int& out) {
        for (size_t i = 0; i < k_months.size(); ++i)
            if (literal(k_months[i])) return out = static_cast<int>(i) + 1, true;
        return false;
    }
    bool time_of_day(DateParts& d) {
        return digits(2, 2, d.hour) && literal(":") && digits(2, 2, d.minute) && literal(":") && digits(2, 2, d.second);
    }
};

// Sun, 06 Nov 1994 08:49:37 GMT
bool parse_imf_fixdate(std::string_view s, DateParts& d) {
    Cursor c{s};
    return c.word(3, 3) && c.literal(", ") && c.digits(2, 2, d.day) && c.literal(" ") && c.month(d.month) &&
           c.literal(" ") && c.digits(4, 4, d.year) && c.literal(" ") && c.time_of_day(d) && c.literal(" GMT") &&
           c.done();
}

// Sunday, 06-Nov-94 08:49:37 GMT; a two-digit year more than 50 years
// ahead is in the previous century (RFC 9110 5.6.7).
bool parse_rfc850(std::string_view s, DateParts& d, int this_year) {
    Cursor c{s};
    int yy = 0;
    if (!(c.word(6, 9) && c.literal(", ") && c.digits(2, 2, d.day) && c.literal("-") && c.month(d.month) &&
          c.literal("-") && c.digits(2, 2, yy) && c.literal(" ") && c.time_of_day(d) && c.literal(" GMT") && c.done()))
        return false;
    d.year = this_year / 100 * 100 + yy;
    if (d.year > this_year + 50) d.year -= 100;
    return true;
}

// Sun Nov  6 08:49:37 1994
bool parse_asctime(std::string_view s, DateParts& d) {
    Cursor c{s};
    if (!(c.word(3, 3) && c.literal(" ") && c.month(d.month) && c.literal(" "))) return false;
    c.literal(" ");  // a one-digit day is padded with a space
    return c.digits(1, 2, d.day) && c.literal(" ") && c.time_of_day(d) && c.literal(" ") && c.digits(4, 4, d.year) &&
           c.done();
}

std::optional<WallTime> to_wall_time(const DateParts& d) {
    return utc_time(d.year, d.month, d.day, d.hour, d.minute, d.second);
}

int year_of(WallTime t) {
    long long days = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count() / 86'400;
    return 1970 + static_cast<int>(days * 400 / 146'097);  // exact enough to pick a century
}

std::optional<WallTime> parse_http_date(std::string_view s, WallTime wall_now) {
    DateParts d;
    if (parse_imf_fixdate(s, d)) return to_wall_time(d);
    d = DateParts{};
    if (parse_rfc850(s, d, year_of(wall_now))) return to_wall_time(d);
    d = DateParts{};
    if (parse_asctime(s, d)) return to_wall_time(d);
    return std::nullopt;
}

std::optional<Millis> parse_delta_seconds(std::string_view s) {
    long long secs = 0;
    for (char ch : s) {
        if (!std::isdigit(static_cast<unsigned char>(ch))) return std::nullopt;
        // Saturate rather than overflow: anything past the cap is the cap.
        if (secs <= k_max_retry_after.count() / 1000) secs = secs * 10 + (ch - '0');
    }
    return std::min(Millis(secs * 1000), k_max_retry_after);
}

}  // namespace

std::optional<Millis> parse_retry_after(std::string_view value, WallTime wall_now) {
    value = trim(value);
    if (value.empty()) return std::nullopt;
    if (std::isdigit(static_cast<unsigned char>(value.front()))) return parse_delta_seconds(value);
    auto when = parse_http_date(value, wall_now);
    if (!when) return std::nullopt;
    if (*when <= wall_now) return Millis(0);
    auto wait = std::chrono::ceil<Millis>(*when - wall_now);
    return std::min(wait, k_max_retry_after);
}

}  // namespace rtwatch::auth
