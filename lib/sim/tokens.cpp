// Token issue and validation. Randomness comes from the OS, not the model's
// seeded generator: tokens must not be guessable, and must not disturb the
// reproducible event sequence.
#include "rtwatch/sim/tokens.hpp"

#include <sys/random.h>

#include <array>

namespace rtwatch::sim {

namespace {

std::string random_token() {
    std::array<unsigned char, 24> bytes{};
    size_t got = 0;
    while (got < bytes.size()) {
        const ssize_t n = getrandom(bytes.data() + got, bytes.size() - got, 0);
        if (n > 0) got += static_cast<size_t>(n);
    }
    static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    for (unsigned char b : bytes) {
        out.push_back(k_alphabet[b & 63]);
        out.push_back(k_alphabet[(b >> 2) & 63]);
    }
    return out;
}

}  // namespace

IssuedToken TokenStore::issue(bool with_scope, TimePoint now) {
    IssuedToken token{random_token(), now + std::chrono::duration_cast<SteadyClock::duration>(m_lifetime), with_scope};
    std::lock_guard lock(m_mutex);
    m_tokens[token.access_token] = Entry{token.expires, m_next_serial++, with_scope};
    return token;
}

TokenCheck TokenStore::check(const std::string& token, TimePoint now) const {
    if (token.empty()) return TokenCheck::missing;
    std::lock_guard lock(m_mutex);
    auto it = m_tokens.find(token);
    if (it == m_tokens.end()) return TokenCheck::unknown;
    if (it->second.serial < m_revoked_below) return TokenCheck::revoked;
    if (now >= it->second.expires) return TokenCheck::expired;
    if (!it->second.has_scope) return TokenCheck::no_scope;
    return TokenCheck::ok;
}

TimePoint TokenStore::expiry(const std::string& token) const {
    std::lock_guard lock(m_mutex);
    auto it = m_tokens.find(token);
    return it == m_tokens.end() ? TimePoint{} : it->second.expires;
}

void TokenStore::revoke_all() {
    std::lock_guard lock(m_mutex);
    m_revoked_below = m_next_serial;
}

bool TokenStore::is_revoked(const std::string& token) const {
    std::lock_guard lock(m_mutex);
    auto it = m_tokens.find(token);
    return it != m_tokens.end() && it->second.serial < m_revoked_below;
}

std::string_view describe(TokenCheck check) {
    switch (check) {
        case TokenCheck::ok:
            return "ok";
        case TokenCheck::missing:
            return "missing Authorization: Bearer token; get one from POST /oauth/token";
        case TokenCheck::unknown:
            return "unknown access token; get a new one from POST /oauth/token";
        case TokenCheck::expired:
            return "access token expired; get a new one from POST /oauth/token";
        case TokenCheck::revoked:
            return "access token revoked; get a new one from POST /oauth/token";
        case TokenCheck::no_scope:
            return "the token lacks the scope genesyscloud.realtime.data.view";
    }
    return "unknown";
}

}  // namespace rtwatch::sim
