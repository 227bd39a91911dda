// Formatting and parsing of RFC 3339 timestamps without locale or TZ state.
#include "rtwatch/core/time_format.hpp"

#include <cctype>
#include <charconv>

namespace rtwatch {

namespace {

// Howard Hinnant's days_from_civil: proleptic Gregorian, no tz database.
long long days_from_civil(long long y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

void civil_from_days(long long z, long long& y, unsigned& m, unsigned& d) {
    z += 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<long long>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

void put2(std::string& out, unsigned v) {
    out.push_back(static_cast<char>('0' + v / 10));
    out.push_back(static_cast<char>('0' + v % 10));
}

bool read_int(std::string_view s, size_t& pos, size_t digits, int& out) {
    if (pos + digits > s.size()) return false;
    auto r = std::from_chars(s.data() + pos, s.data() + pos + digits, out);
    if (r.ec != std::errc() || r.ptr != s.data() + pos + digits) return false;
    pos += digits;
    return true;
}

bool expect(std::string_view s, size_t& pos, char c) {
    if (pos >= s.size() || std::toupper(static_cast<unsigned char>(s[pos])) != c) return false;
    ++pos;
    return true;
}

}  // namespace

std::optional<WallTime> utc_time(int y, int mo, int d, int h, int mi, int sec) {
    if (y < 1900 || y > 2200) return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
        return std::nullopt;
    long long secs = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400LL + h * 3600LL +
                     mi * 60LL + sec;
    return WallTime(std::chrono::seconds(secs));
}

void append_rfc3339_ms(std::string& out, WallTime t) {
    using namespace std::chrono;
    long long ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
    long long days = ms >= 0 ? ms / 86'400'000 : (ms - 86'399'999) / 86'400'000;
    long long rem = ms - days * 86'400'000;
    long long y;
    unsigned mo, d;
    civil_from_days(days, y, mo, d);
    char year[8];
    auto r = std::to_chars(year, year + sizeof year, y);
    out.append(year, r.ptr);
    out.push_back('-');
    put2(out, mo);
    out.push_back('-');
    put2(out, d);
    out.push_back('T');
    put2(out, static_cast<unsigned>(rem / 3'600'000));
    out.push_back(':');
    put2(out, static_cast<unsigned>(rem / 60'000 % 60));
    out.push_back(':');
    put2(out, static_cast<unsigned>(rem / 1000 % 60));
    out.push_back('.');
    unsigned frac = static_cast<unsigned>(rem % 1000);
    out.push_back(static_cast<char>('0' + frac / 100));
    put2(out, frac % 100);
    out.push_back('Z');
}

std::string format_rfc3339_ms(WallTime t) {
    std::string out;
    append_rfc3339_ms(out, t);
    return out;
}

std::optional<WallTime> parse_rfc3339(std::string_view s) {
    size_t pos = 0;
    int y, mo, d, h, mi, sec;
    if (!read_int(s, pos, 4, y) || !expect(s, pos, '-') || !read_int(s, pos, 2, mo) || !expect(s, pos, '-') ||
        !read_int(s, pos, 2, d) || !expect(s, pos, 'T') || !read_int(s, pos, 2, h) || !expect(s, pos, ':') ||
        !read_int(s, pos, 2, mi) || !expect(s, pos, ':') || !read_int(s, pos, 2, sec))
        return std::nullopt;
    auto base = utc_time(y, mo, d, h, mi, sec);
    if (!base) return std::nullopt;
    long long nanos = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        long long scale = 100'000'000;
        size_t start = pos;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
            nanos += (s[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start) return std::nullopt;
    }
    long long offset_s = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        int oh, om;
        if (!read_int(s, pos, 2, oh) || !expect(s, pos, ':') || !read_int(s, pos, 2, om)) return std::nullopt;
        offset_s = sign * (oh * 3600LL + om * 60LL);
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    return *base + std::chrono::duration_cast<WallClock::duration>(std::chrono::seconds(-offset_s) +
                                                                   std::chrono::nanoseconds(nanos));
}

}  // namespace rtwatch
