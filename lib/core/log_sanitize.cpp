// What a log message may show: the secret registry and its masking, the
// generic credential and URL-password masks, escaping and the length cap.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/log.hpp"

namespace rtwatch::log {

namespace {

constexpr std::string_view k_mask = "***";

std::mutex g_secrets_mutex;  // tokens are registered from wherever they are stored
std::vector<std::string> g_lasting;
std::deque<std::string> g_rotating;

void mask_all(std::string& out, std::string_view secret) {
    for (size_t pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos + k_mask.size()))
        out.replace(pos, secret.size(), k_mask);
}

void mask_registered(std::string& out) {
    std::lock_guard lock(g_secrets_mutex);
    std::vector<std::string_view> all(g_lasting.begin(), g_lasting.end());
    all.insert(all.end(), g_rotating.begin(), g_rotating.end());
    // Longest first: a secret inside a longer one (the secret inside its
    // Basic form) must not break the longer match.
    std::sort(all.begin(), all.end(), [](auto a, auto b) { return a.size() > b.size(); });
    for (auto secret : all) mask_all(out, secret);
}

// RFC 6750's b64token characters.
bool token_char(unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
}

// "Bearer X" / "Basic X" (any case): X is a credential when it is a long
// enough run of token characters; short words ("basic usage") stay.
void mask_schemes(std::string& out) {
    constexpr size_t k_min_credential = 8;
    std::string lower(out);
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (std::string_view scheme : {"bearer ", "basic "}) {
        for (size_t pos = lower.find(scheme); pos != std::string::npos; pos = lower.find(scheme, pos + 1)) {
            size_t start = pos + scheme.size(), end = start;
            while (end < out.size() && token_char(static_cast<unsigned char>(out[end]))) ++end;
            if (end - start < k_min_credential) continue;
            out.replace(start, end - start, k_mask);
            lower.replace(start, end - start, k_mask);
        }
    }
}

// scheme://user:password@host -> scheme://user:***@host
void mask_url_passwords(std::string& out) {
    for (size_t pos = out.find("://"); pos != std::string::npos; pos = out.find("://", pos + 3)) {
        size_t start = pos + 3;
        size_t end = out.find_first_of("/?#\"' \t\r\n", start);
        if (end == std::string::npos) end = out.size();
        size_t at = out.rfind('@', end == 0 ? 0 : end - 1);
        if (at == std::string::npos || at < start) continue;
        size_t colon = out.find(':', start);
        if (colon == std::string::npos || colon >= at || colon + 1 == at) continue;
        out.replace(colon + 1, at - colon - 1, k_mask);
    }
}

std::string redact(std::string_view message) {
    std::string out(message);
    mask_registered(out);
    mask_schemes(out);
    mask_url_passwords(out);
    return out;
}

void append_hex(std::string& out, std::string_view prefix, unsigned value) {
    static const char hex[] = "0123456789abcdef";
    out += prefix;
    out.push_back(hex[(value >> 4) & 15]);
    out.push_back(hex[value & 15]);
}

void append_escaped(std::string& out, std::string_view s, size_t i, size_t len, bool invalid) {
    auto c = static_cast<uint8_t>(s[i]);
    if (invalid) {
        for (size_t k = 0; k < len; ++k) append_hex(out, "\\x", static_cast<uint8_t>(s[i + k]));
    } else if (c == '\n') {
        out += "\\n";
    } else if (c == '\r') {
        out += "\\r";
    } else if (c == '\t') {
        out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
        append_hex(out, "\\x", c);
    } else if (c == 0xC2 && static_cast<uint8_t>(s[i + 1]) < 0xA0) {
        append_hex(out, "\\u00", static_cast<uint8_t>(s[i + 1]));  // C1 control (U+0080..U+009F)
    } else {
        out.append(s.data() + i, len);
    }
}

void append_cut_note(std::string& out, size_t cut_bytes) {
    out += "... [";
    out += std::to_string(cut_bytes);
    out += " more bytes cut]";
}

}  // namespace

void add_secret(std::string secret, SecretKind kind) {
    if (secret.size() < 4) return;
    std::lock_guard lock(g_secrets_mutex);
    if (kind == SecretKind::lasting) {
        if (std::find(g_lasting.begin(), g_lasting.end(), secret) == g_lasting.end())
            g_lasting.push_back(std::move(secret));
        return;
    }
    if (std::find(g_rotating.begin(), g_rotating.end(), secret) != g_rotating.end()) return;
    g_rotating.push_back(std::move(secret));
    if (g_rotating.size() > k_rotating_secrets) g_rotating.pop_front();
}

void clear_secrets() {
    std::lock_guard lock(g_secrets_mutex);
    g_lasting.clear();
    g_rotating.clear();
}

std::string sanitize(std::string_view message) {
    std::string clean = redact(message);
    std::string out;
    out.reserve(std::min(clean.size(), k_max_message) + 32);
    for (size_t i = 0; i < clean.size();) {
        if (out.size() >= k_max_message) {
            append_cut_note(out, clean.size() - i);
            break;
        }
        bool invalid = false;
        size_t len = utf8_step(clean, i, invalid);
        append_escaped(out, clean, i, len, invalid);
        i += len;
    }
    return out;
}

std::string redact_and_cap(std::string_view message) {
    std::string clean = redact(message);
    if (clean.size() <= k_max_message) return clean;
    size_t cut = k_max_message;
    while (cut > 0 && (static_cast<uint8_t>(clean[cut]) & 0xC0) == 0x80) --cut;  // keep whole characters
    size_t dropped = clean.size() - cut;
    clean.resize(cut);
    append_cut_note(clean, dropped);
    return clean;
}

}  // namespace rtwatch::log
