// The simulator's own random numbers: xoshiro256** seeded by splitmix64.
// std:: distributions differ between library versions; this does not, so a
// seed reproduces the same contact-center day everywhere.
#pragma once

#include <cmath>
#include <cstdint>

namespace rtwatch::sim {

class Prng {
public:
    explicit Prng(uint64_t seed) {
        for (auto& word : m_s) word = splitmix(seed);
    }

    uint64_t next() {
        const uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }
    // Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // Uniform in [0, n); n > 0.
    uint64_t below(uint64_t n) { return next() % n; }
    bool chance(double p) { return uniform() < p; }
    // Exponentially distributed with the given mean, in whole milliseconds.
    int64_t exponential_ms(double mean_ms, int64_t min_ms = 1) {
        const auto v = static_cast<int64_t>(-mean_ms * std::log(1.0 - uniform()));
        return v < min_ms ? min_ms : v;
    }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    static uint64_t splitmix(uint64_t& state) {
        uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    uint64_t m_s[4];
};

}  // namespace rtwatch::sim
