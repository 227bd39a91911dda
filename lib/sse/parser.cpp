// The WHATWG server-sent events parser. Lines are found in one pass for CR or
// LF and processed in place when a whole line is inside the chunk, and an event
// dispatched from the chunk it arrived in hands out views of the caller's
// bytes: values are copied only when an event outlives its chunk or has
// several data lines, so steady-state parsing neither allocates nor copies.
#include "rtwatch/sse/parser.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

#include "line_end.hpp"

namespace rtwatch::sse {
namespace {

constexpr char k_bom[] = "\xEF\xBB\xBF";
constexpr std::string_view k_default_type = "message";

// The value of field `name` when line is "name:value" or just "name", with
// one leading space dropped from the value; false for any other line. The
// name's length is a constant, so the compare is a few inline instructions.
template <std::size_t N>
bool field_value(std::string_view line, const char (&name)[N], std::string_view& value) {
    constexpr std::size_t n = N - 1;
    if (line.size() < n || std::memcmp(line.data(), name, n) != 0) return false;
    if (line.size() == n) {
        value = {};  // "data" alone is "data:" with an empty value
        return true;
    }
    if (line[n] != ':') return false;  // a longer, unknown name
    value = line.substr(n + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);  // one space only
    return true;
}

bool contains_nul(std::string_view text) { return std::find(text.begin(), text.end(), '\0') != text.end(); }

}  // namespace

void Parser::HeldText::append_line(std::string_view text) {
    own();
    m_owned.push_back('\n');
    m_owned.append(text);
    m_view = m_owned;
}

void Parser::HeldText::own() {
    if (m_view.data() == m_owned.data()) return;  // already a copy
    m_owned.assign(m_view);
    m_view = m_owned;
}

Parser::Parser(Handler& handler, ParserOptions options) : m_handler(handler), m_options(options) {}

void Parser::set_last_event_id(std::string id) {
    m_last_event_id = std::move(id);
    m_id_pending = false;
}

void Parser::reset() {
    ++m_generation;
    m_line.clear();
    drop_event();
    m_after_cr = false;
    m_skipping = false;
    m_skip_line_started = false;
    m_bom_seen = 0;
    m_bom_done = false;
}

void Parser::feed(std::string_view bytes) {
    // However feed() ends (chunk used up, reset() from a callback, a handler
    // that throws), no field value may still point into the caller's bytes.
    try {
        feed_chunk(bytes);
    } catch (...) {
        own_event_values();
        throw;
    }
    own_event_values();
}

void Parser::feed_chunk(std::string_view bytes) {
    if (!m_bom_done) {
        std::size_t used = skip_bom(bytes);
        if (!m_bom_done) return;  // every byte so far is a prefix of the BOM
        if (m_bom_seen > 0) {
            // Not a BOM after all: the bytes taken for one are stream data.
            unsigned generation = m_generation;
            unsigned seen = m_bom_seen;
            m_bom_seen = 0;
            feed_lines(std::string_view(k_bom, seen));
            if (generation != m_generation) return;
        }
        bytes.remove_prefix(used);
    }
    feed_lines(bytes);
}

// Matches the start of the stream against the BOM. Returns the bytes of this
// chunk consumed; after a mismatch m_bom_seen says how many to replay as data.
std::size_t Parser::skip_bom(std::string_view bytes) {
    std::size_t i = 0;
    while (m_bom_seen < 3 && i < bytes.size() && bytes[i] == k_bom[m_bom_seen]) {
        ++m_bom_seen;
        ++i;
    }
    if (m_bom_seen == 3) {
        m_bom_done = true;
        m_bom_seen = 0;
        return i;
    }
    if (i < bytes.size()) m_bom_done = true;  // mismatch: m_bom_seen bytes were data
    return i;
}

void Parser::feed_lines(std::string_view bytes) {
    std::size_t pos = 0;
    const std::size_t size = bytes.size();
    if (m_after_cr && size > 0) {
        m_after_cr = false;
        if (bytes[0] == '\n') pos = 1;
    }
    const unsigned generation = m_generation;
    std::size_t announced = pos;
    while (pos < size) {
        if (pos >= announced) {
            // Windows follow one another (a line longer than a window
            // leaves a gap: its event is past prefetching for).
            const std::size_t from = pos - announced < Handler::k_ahead_bytes ? announced : pos;
            announced = std::min(size, from + Handler::k_ahead_bytes);
            m_handler.on_ahead(bytes.substr(from, announced - from));
        }
        const std::size_t eol = detail::find_line_end(bytes.data(), pos, size);
        if (eol == size) {
            keep_partial_line(bytes.substr(pos));
            return;
        }
        take_line(bytes.substr(pos, eol - pos));
        if (generation != m_generation) return;
        pos = eol + 1;
        if (bytes[eol] == '\r') {
            // A CR ends the line at once; an LF right after it belongs to it,
            // even when it only arrives with the next chunk.
            if (pos == size)
                m_after_cr = true;
            else if (bytes[pos] == '\n')
                ++pos;
        }
    }
}

void Parser::keep_partial_line(std::string_view tail) {
    if (m_skipping) {
        m_skip_line_started = true;
        return;
    }
    if (!fits(tail.size())) {
        m_line.clear();
        m_skip_line_started = true;
        start_oversize_skip();
        return;
    }
    m_line.append(tail);
}

void Parser::take_line(std::string_view line) {
    if (m_skipping) {
        if (line.empty() && !m_skip_line_started) {
            m_skipping = false;  // the blank line that ends the dropped event
            drop_event();
        }
        m_skip_line_started = false;
        return;
    }
    if (!fits(line.size())) {
        m_line.clear();
        m_skip_line_started = false;
        start_oversize_skip();
        return;
    }
    if (m_line.empty()) {
        process_line(line);
        return;
    }
    m_line.append(line);
    process_line(m_line);
    own_event_values();  // they may point into m_line
    m_line.clear();
}

// The event's data so far, wherever it is held, plus the line being read
// stays within max_event_bytes.
bool Parser::fits(std::size_t line_bytes) const {
    return m_data.view().size() + m_line.size() + line_bytes <= m_options.max_event_bytes;
}

// Field names are matched by their first byte, so a line is read once: no
// search for the colon, no compare against every known name.
void Parser::process_line(std::string_view line) {
    if (line.empty()) {
        dispatch();
        return;
    }
    std::string_view value;
    switch (line.front()) {
        case ':':
            m_handler.on_comment(line.substr(1));
            break;
        case 'd':
            if (field_value(line, "data", value)) append_data(value);
            break;
        case 'e':
            if (field_value(line, "event", value)) m_type.set(value);
            break;
        case 'i':
            if (field_value(line, "id", value)) set_id(value);
            break;
        case 'r':
            if (field_value(line, "retry", value)) process_retry(value);
            break;
        default:
            break;  // any other field name is ignored
    }
}

void Parser::set_id(std::string_view value) {
    if (contains_nul(value)) return;  // WHATWG: ignored
    m_id.set(value);
    m_id_pending = true;
}

void Parser::append_data(std::string_view value) {
    if (m_has_data) {
        m_data.append_line(value);
        return;
    }
    m_data.set(value);
    m_has_data = true;
}

void Parser::process_retry(std::string_view value) {
    if (value.empty()) return;
    std::uint64_t ms = 0;
    constexpr std::uint64_t cap = std::numeric_limits<std::int64_t>::max() / 10 - 10;
    for (char c : value) {
        if (c < '0' || c > '9') return;  // only ASCII digits, else the field is ignored
        ms = std::min(cap, ms * 10 + static_cast<std::uint64_t>(c - '0'));
    }
    m_handler.on_retry(std::chrono::milliseconds(static_cast<std::int64_t>(ms)));
}

void Parser::dispatch() {
    const bool own_id = m_id_pending;
    if (m_id_pending) {
        // The id becomes the last event id even when no event is dispatched.
        m_last_event_id.assign(m_id.view());
        m_id_pending = false;
    }
    if (!m_has_data) {
        m_type.clear();
        return;
    }
    const std::string_view type = m_type.view();
    Event event{type.empty() ? k_default_type : type, m_data.view(), m_last_event_id, own_id};
    m_handler.on_event(event);
    m_data.clear();
    m_type.clear();
    m_has_data = false;
}

void Parser::start_oversize_skip() {
    m_skipping = true;
    drop_event();
    m_handler.on_oversize(m_options.max_event_bytes);
}

void Parser::drop_event() {
    m_data.clear();
    m_type.clear();
    m_has_data = false;
    m_id_pending = false;  // a dropped event's id never becomes the last event id
}

// Turns the views of the event being read into copies: called before the
// bytes they point into (the caller's chunk, m_line) go away or change.
void Parser::own_event_values() {
    if (m_has_data) m_data.own();
    m_type.own();
    if (m_id_pending) m_id.own();
}

}  // namespace rtwatch::sse
