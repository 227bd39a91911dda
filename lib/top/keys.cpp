// KeyDecoder: terminal input bytes to keys. Escape sequences and UTF-8 may
// arrive split across reads; an incomplete tail waits for the next read,
// and a lone ESC becomes the Escape key when nothing follows in time.
#include "rtwatch/top/keys.hpp"

namespace rtwatch::top {
namespace {

constexpr char k_esc = '\x1b';
// Longer "sequences" are noise, not a key still arriving.
constexpr std::size_t k_max_sequence = 32;

std::optional<Key> csi_key(std::string_view params, char final) {
    switch (final) {
        case 'A':
            return Key{KeyCode::up};
        case 'B':
            return Key{KeyCode::down};
        case 'C':
            return Key{KeyCode::right};
        case 'D':
            return Key{KeyCode::left};
        case 'H':
            return Key{KeyCode::home};
        case 'F':
            return Key{KeyCode::end};
        case '~':
            break;
        default:
            return std::nullopt;
    }
    const std::string_view first = params.substr(0, params.find(';'));
    if (first == "1" || first == "7") return Key{KeyCode::home};
    if (first == "4" || first == "8") return Key{KeyCode::end};
    if (first == "3") return Key{KeyCode::del};
    if (first == "5") return Key{KeyCode::page_up};
    if (first == "6") return Key{KeyCode::page_down};
    return std::nullopt;
}

// Bytes consumed by the escape sequence at the start of `s` (which begins
// with ESC), 0 when it is incomplete. Unknown sequences are consumed whole.
std::size_t parse_escape(std::string_view s, std::optional<Key>& key) {
    if (s.size() < 2) return 0;
    if (s[1] == 'O') {
        if (s.size() < 3) return 0;
        key = csi_key({}, s[2]);
        return 3;
    }
    if (s[1] != '[') {
        key = Key{KeyCode::escape};
        return 1;
    }
    std::size_t j = 2;
    while (j < s.size() && s[j] >= 0x20 && s[j] <= 0x3F) ++j;
    if (j == s.size()) return s.size() > k_max_sequence ? s.size() : 0;
    key = csi_key(s.substr(2, j - 2), s[j]);
    return j + 1;
}

std::optional<Key> control_key(unsigned char b) {
    switch (b) {
        case '\r':
        case '\n':
            return Key{KeyCode::enter};
        case '\t':
            return Key{KeyCode::tab};
        case 0x7F:
        case 0x08:
            return Key{KeyCode::backspace};
        case 0x03:
            return Key{KeyCode::ctrl_c};
        case 0x0C:
            return Key{KeyCode::ctrl_l};
        case 0x15:
            return Key{KeyCode::ctrl_u};
        default:
            return std::nullopt;
    }
}

// Bytes of the UTF-8 character at the start of `s`, 0 when incomplete;
// a byte that cannot start or continue one is consumed alone, as no key.
std::size_t parse_utf8(std::string_view s, std::optional<Key>& key) {
    const auto b = static_cast<unsigned char>(s[0]);
    const std::size_t n = b >= 0xF0 && b < 0xF5 ? 4 : b >= 0xE0 && b < 0xF0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
    if (n == 0) return 1;
    if (s.size() < n) return 0;
    char32_t c = b & (0x7F >> n);
    for (std::size_t i = 1; i < n; ++i) {
        const auto cont = static_cast<unsigned char>(s[i]);
        if ((cont & 0xC0) != 0x80) return i;
        c = c << 6 | (cont & 0x3F);
    }
    key = Key{KeyCode::character, c};
    return n;
}

}  // namespace

void KeyDecoder::feed(std::string_view bytes, TimePoint now, std::vector<Key>& out) {
    const bool was_empty = m_pending.empty();
    m_pending.append(bytes);
    decode(out);
    if (was_empty || m_pending.empty()) m_pending_since = now;
}

void KeyDecoder::decode(std::vector<Key>& out) {
    std::size_t i = 0;
    while (i < m_pending.size()) {
        const std::string_view rest = std::string_view(m_pending).substr(i);
        const auto b = static_cast<unsigned char>(rest[0]);
        std::optional<Key> key;
        std::size_t used = 1;
        if (b == k_esc)
            used = parse_escape(rest, key);
        else if (b < 0x20 || b == 0x7F)
            key = control_key(b);
        else if (b < 0x80)
            key = Key{KeyCode::character, b};
        else
            used = parse_utf8(rest, key);
        if (used == 0) break;
        if (key) out.push_back(*key);
        i += used;
    }
    m_pending.erase(0, i);
}

void KeyDecoder::expire(TimePoint now, std::vector<Key>& out) {
    if (m_pending.empty() || now < m_pending_since + k_escape_wait) return;
    // A lone ESC was the key; a cut-off sequence or character is dropped.
    if (m_pending == "\x1b") out.push_back(Key{KeyCode::escape});
    m_pending.clear();
}

std::optional<TimePoint> KeyDecoder::deadline() const {
    if (m_pending.empty()) return std::nullopt;
    return m_pending_since + k_escape_wait;
}

}  // namespace rtwatch::top
