// The fast path of the decoder: one pass over the common event shape (a flat
// object of scalars plus one `metrics` object of scalars), straight from the
// caller's bytes with no copy. It validates strictly as it goes and gives up
// on anything else, leaving the RapidJSON path to decide and word the error.
#include <bit>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "fields.hpp"
#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/number_text.hpp"
#include "rtwatch/core/swar.hpp"
#include "rtwatch/decode/decoder.hpp"

namespace rtwatch::decode {

namespace {

// Numbers longer than this, or with an exponent, go to RapidJSON, whose
// range checks (too big, exponent overflow) the scanner does not repeat.
constexpr std::ptrdiff_t k_max_number_chars = 20;

using swar::json_special_bytes;

using detail::Field;

enum Seen : unsigned { seen_event = 1, seen_id = 2, seen_timestamp = 4, seen_metrics = 8 };

static_assert(std::endian::native == std::endian::little, "skip_plain() reads words little-endian");

class Scanner {
public:
    Scanner(std::string_view json, Record& out, SettledMetrics* settled)
        : m_p(json.data()), m_end(json.data() + json.size()), m_out(out), m_settled(settled) {}

    bool run() {
        if (!consume('{') || !members()) return false;
        skip_ws();
        return m_p == m_end && (m_seen & seen_id);
    }

private:
    // JSON whitespace is space, tab, LF and CR; the usual case is none.
    void skip_ws() {
        constexpr std::uint64_t k_ws = (1ull << ' ') | (1ull << '\t') | (1ull << '\n') | (1ull << '\r');
        while (m_p < m_end) {
            auto c = static_cast<unsigned char>(*m_p);
            if (c > ' ' || !((k_ws >> c) & 1)) return;
            ++m_p;
        }
    }
    bool consume(char c) {
        skip_ws();
        if (m_p == m_end || *m_p != c) return false;
        ++m_p;
        return true;
    }
    bool peek_is(char c) {
        skip_ws();
        return m_p < m_end && *m_p == c;
    }

    // The top-level members, up to and including the closing brace.
    bool members() {
        if (peek_is('}')) return ++m_p, true;
        do {
            if (!consume('"')) return false;
            Field field = Field::other;
            if (!known_key(field)) {
                std::string_view key;
                if (!string(key) || !consume(':')) return false;
                field = detail::field_of(key);
            }
            if (!member(field)) return false;
        } while (consume(','));
        return consume('}');
    }

    // After the opening quote: the usual field names with their closing quote
    // and colon, in one compare each instead of a string scan. Equal bytes
    // are exactly what string() and consume(':') would have accepted.
    // False: not one of them, or not written that way.
    bool known_key(Field& field) {
        if (m_p == m_end) return false;
        switch (*m_p) {
            case 'm':
                return key_literal("metrics\":", Field::metrics, field);
            case 't':
                return key_literal("timestamp\":", Field::timestamp, field);
            case 'e':
                return key_literal("event\":", Field::event, field);
            case 'q':
                return key_literal("queueId\":", Field::queue_id, field);
            case 'a':
                return key_literal("agentId\":", Field::agent_id, field);
            case 's':
                return key_literal("skillId\":", Field::skill_id, field);
            default:
                return false;
        }
    }

    template <std::size_t N>
    bool key_literal(const char (&text)[N], Field matched, Field& field) {
        constexpr std::size_t n = N - 1;
        static_assert(n >= 4 && n <= 16);
        if (static_cast<std::size_t>(m_end - m_p) < n || !same_bytes<n>(m_p, text)) return false;
        m_p += n;
        field = matched;
        return true;
    }

    // Two overlapping word compares for 4 to 16 bytes.
    template <std::size_t n>
    static bool same_bytes(const char* a, const char* b) {
        using Word = std::conditional_t<(n >= 8), std::uint64_t, std::uint32_t>;
        Word a0, a1, b0, b1;
        std::memcpy(&a0, a, sizeof(Word));
        std::memcpy(&a1, a + n - sizeof(Word), sizeof(Word));
        std::memcpy(&b0, b, sizeof(Word));
        std::memcpy(&b1, b + n - sizeof(Word), sizeof(Word));
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }

    bool member(Field field) {
        skip_ws();
        switch (field) {
            case Field::metrics:
                return once(seen_metrics) && metrics_member();
            case Field::timestamp:
                return once(seen_timestamp) && timestamp();
            case Field::event:
                return once(seen_event) && event();
            case Field::queue_id:
                return resource(ResourceKind::queue);
            case Field::agent_id:
                return resource(ResourceKind::agent);
            case Field::skill_id:
                return resource(ResourceKind::skill);
            default:
                return skip_scalar();  // an unknown field: validated, not kept
        }
    }

    bool once(Seen bit) {
        if (m_seen & bit) return false;
        m_seen |= bit;
        return true;
    }

    bool resource(ResourceKind kind) {
        std::string_view id;
        if (!once(seen_id) || !consume('"') || !string(id) || id.empty()) return false;
        m_out.kind = kind;
        m_out.id.assign(id);
        // Asked now, not when the metrics come: the lookup's memory reads
        // then overlap with scanning the fields in between.
        if (m_settled && !(m_seen & seen_metrics)) m_known = m_settled->settled_metrics(kind, id);
        return true;
    }

    bool timestamp() {
        if (literal("null")) return true;
        std::string_view ts;
        if (!consume('"') || !string(ts)) return false;
        m_out.source_ts.assign(ts);
        return true;
    }

    bool event() {
        std::string_view type;
        return consume('"') && string(type) && type == "data";
    }

    // The metrics object: skipped when its text is the settled text for this
    // resource (that text was validated when it was first decoded, so equal
    // bytes are a valid object with the same content), else decoded.
    bool metrics_member() {
        const char* start = m_p;
        if (!m_known.empty() && static_cast<std::size_t>(m_end - m_p) >= m_known.size() &&
            std::memcmp(m_p, m_known.data(), m_known.size()) == 0) {
            m_p += m_known.size();
            m_out.metrics_json = std::string_view(start, m_known.size());
            m_out.metrics_settled = true;
            return true;
        }
        if (!metrics()) return false;
        m_out.metrics_json = std::string_view(start, static_cast<std::size_t>(m_p - start));
        return true;
    }

    bool metrics() {
        if (!consume('{')) return false;
        if (peek_is('}')) return ++m_p, true;
        do {
            std::string_view name;
            if (!consume('"') || !string(name) || !consume(':')) return false;
            Metric& m = m_out.add_metric();
            // The reused slot usually already holds this name (same metrics,
            // same order every event): comparing is cheaper than assigning.
            if (std::string_view(m.name) != name) m.name.assign(name);
            if (!value(m.value)) return false;
        } while (consume(','));
        return consume('}');
    }

    // A scalar into `v`; objects and arrays are left to the reference path.
    bool value(MetricValue& v) {
        skip_ws();
        if (m_p == m_end) return false;
        std::string_view text;
        v.boolean = false;
        v.number = 0;
        switch (*m_p) {
            case '"':
                ++m_p;
                if (!string(text)) return false;
                v.type = MetricValue::Type::string;
                v.text.assign(text);
                return true;
            case 't':
                v.type = MetricValue::Type::boolean;
                v.boolean = true;
                v.text.clear();
                return literal("true");
            case 'f':
                v.type = MetricValue::Type::boolean;
                v.text.clear();
                return literal("false");
            case 'n':
                v.type = MetricValue::Type::null;
                v.text.clear();
                return literal("null");
            default:
                if (!number(text)) return false;
                v.type = MetricValue::Type::number;
                v.text.assign(text);
                v.number = number_from_text(text);
                return true;
        }
    }

    bool skip_scalar() {
        std::string_view text;
        if (m_p == m_end) return false;
        switch (*m_p) {
            case '"':
                return ++m_p, string(text);
            case 't':
                return literal("true");
            case 'f':
                return literal("false");
            case 'n':
                return literal("null");
            default:
                return number(text);
        }
    }

    bool literal(std::string_view word) {
        if (static_cast<std::size_t>(m_end - m_p) < word.size() || std::memcmp(m_p, word.data(), word.size()) != 0)
            return false;
        m_p += word.size();
        return true;
    }

    // After the opening quote: the raw text up to the closing one. Escapes
    // and control bytes give up; non-ASCII text must be valid UTF-8.
    bool string(std::string_view& text) {
        const char* start = m_p;
        bool high = false;
        for (;;) {
            skip_plain();
            if (m_p == m_end) return false;
            auto c = static_cast<unsigned char>(*m_p);
            if (c == '"') break;
            if (c == '\\' || c < 0x20) return false;
            high = true;  // non-ASCII: checked as a whole below
            ++m_p;
        }
        text = std::string_view(start, static_cast<std::size_t>(m_p - start));
        ++m_p;
        return !high || is_valid_utf8(text);
    }

    // Advances to the next special byte (see json_special_bytes), 8 at a time.
    void skip_plain() {
        while (m_end - m_p >= 8) {
            std::uint64_t w;
            std::memcpy(&w, m_p, 8);
            if (std::uint64_t special = json_special_bytes(w)) {
                m_p += std::countr_zero(special) / 8;  // little-endian: lowest byte first
                return;
            }
            m_p += 8;
        }
        while (m_p < m_end) {
            auto c = static_cast<unsigned char>(*m_p);
            if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) return;
            ++m_p;
        }
    }

    static bool digit(char c) { return c >= '0' && c <= '9'; }

    // The JSON number grammar without an exponent.
    bool number(std::string_view& text) {
        const char* start = m_p;
        if (m_p < m_end && *m_p == '-') ++m_p;
        if (m_p == m_end) return false;
        if (*m_p == '0')
            ++m_p;
        else if (digit(*m_p))
            while (m_p < m_end && digit(*m_p)) ++m_p;
        else
            return false;
        if (m_p < m_end && *m_p == '.') {
            const char* fraction = ++m_p;
            while (m_p < m_end && digit(*m_p)) ++m_p;
            if (m_p == fraction) return false;
        }
        if (m_p < m_end && (*m_p == 'e' || *m_p == 'E')) return false;
        if (m_p - start > k_max_number_chars) return false;
        text = std::string_view(start, static_cast<std::size_t>(m_p - start));
        return true;
    }

    const char* m_p;
    const char* m_end;
    Record& m_out;
    SettledMetrics* m_settled;
    std::string_view m_known;  // the settled metrics text of this event's resource
    unsigned m_seen = 0;
};

}  // namespace

bool Decoder::decode_fast(std::string_view json, Record& out, SettledMetrics* settled) {
    out.clear();
    return Scanner(json, out, settled).run();
}

}  // namespace rtwatch::decode
