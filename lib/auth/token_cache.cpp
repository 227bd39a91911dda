// The in-memory token cache: proactive refresh ahead of expiry and a
// single-flight flag so one refresh serves every waiting caller.
#include <algorithm>

#include "rtwatch/auth/token.hpp"
#include "rtwatch/core/log.hpp"

namespace rtwatch::auth {

bool TokenCache::valid(TimePoint now) const { return m_token && now < m_token->expires_at; }

const std::string& TokenCache::access_token() const {
    static const std::string k_none;
    return m_token ? m_token->access_token : k_none;
}

// A third of the lifetime at most, so a 2 s token refreshes after ~1.3 s
// instead of at once (and forever) under a 60 s grace.
std::optional<TimePoint> TokenCache::refresh_at() const {
    if (!m_token) return std::nullopt;
    Millis lead = std::min(m_grace, m_token->lifetime / 3);
    return m_token->expires_at - std::max(lead, Millis(0));
}

bool TokenCache::needs_refresh(TimePoint now) const {
    auto at = refresh_at();
    return !at || now >= *at;
}

void TokenCache::store(Token token) {
    log::add_secret(token.access_token, log::SecretKind::rotating);
    m_token = std::move(token);
}

void TokenCache::invalidate() { m_token.reset(); }

bool TokenCache::begin_refresh() {
    if (m_refreshing) return false;
    m_refreshing = true;
    return true;
}

void TokenCache::end_refresh() { m_refreshing = false; }

}  // namespace rtwatch::auth
