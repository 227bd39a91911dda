// Access tokens the simulator issued: random opaque strings with a lifetime,
// a scope, and a revocation mark. Tokens are never logged.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "rtwatch/core/clock.hpp"

namespace rtwatch::sim {

inline constexpr std::string_view k_scope = "genesyscloud.realtime.data.view";

enum class TokenCheck { ok, missing, unknown, expired, revoked, no_scope };

struct IssuedToken {
    std::string access_token;
    TimePoint expires;
    bool has_scope = true;
};

class TokenStore {
public:
    explicit TokenStore(std::chrono::duration<double> lifetime) : m_lifetime(lifetime) {}

    IssuedToken issue(bool with_scope, TimePoint now);
    TokenCheck check(const std::string& token, TimePoint now) const;
    // When the token expires; only meaningful after check() said ok.
    TimePoint expiry(const std::string& token) const;
    // Revokes every token issued so far; later ones are unaffected.
    void revoke_all();
    bool is_revoked(const std::string& token) const;

private:
    struct Entry {
        TimePoint expires;
        uint64_t serial;
        bool has_scope;
    };
    std::chrono::duration<double> m_lifetime;
    mutable std::mutex m_mutex;
    std::unordered_map<std::string, Entry> m_tokens;
    uint64_t m_next_serial = 0;
    uint64_t m_revoked_below = 0;
};

std::string_view describe(TokenCheck check);

}  // namespace rtwatch::sim
