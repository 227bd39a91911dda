// The benchmark clients' clock: wall time in microseconds, and the records'
// "2026-12-02T15:23:52.528Z" times read back without a locale or tz lookup.
#pragma once

#include <time.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace bench {

inline int64_t now_us() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
inline int64_t days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return int64_t(era) * 146097 + int64_t(doe) - 719468;
}

inline int digits(const char* p, int n) {
    int v = 0;
    for (int i = 0; i < n; ++i) v = v * 10 + (p[i] - '0');
    return v;
}

// "2026-12-02T15:23:52.528Z" -> microseconds since the epoch; -1 if not that
// shape. The day is cached: a run reads millions of times of one day.
inline int64_t parse_ts_us(std::string_view s) {
    if (s.size() < 24 || s[4] != '-' || s[10] != 'T' || s[19] != '.' || s[23] != 'Z') return -1;
    thread_local std::string cached_date;
    thread_local int64_t cached_day_us = 0;
    if (s.substr(0, 10) != cached_date) {
        cached_date.assign(s.substr(0, 10));
        cached_day_us =
            days_from_civil(digits(s.data(), 4), digits(s.data() + 5, 2), digits(s.data() + 8, 2)) * 86400000000LL;
    }
    const int64_t sec = digits(s.data() + 11, 2) * 3600 + digits(s.data() + 14, 2) * 60 + digits(s.data() + 17, 2);
    return cached_day_us + sec * 1000000 + digits(s.data() + 20, 3) * 1000;
}

}  // namespace bench
