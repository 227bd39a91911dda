// The WHATWG server-sent events parser. Lines are found with memchr and
// processed in place when a whole line is inside the chunk; only lines split
// across chunks are copied, so steady-state parsing does not allocate.
#include "rtwatch/sse/parser.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

namespace rtwatch::sse {
namespace {

constexpr char k_bom[] = "\xEF\xBB\xBF";
constexpr std::string_view k_default_type = "message";

std::size_t find_byte(std::string_view bytes, std::size_t from, char c) {
    const void* hit = std::memchr(bytes.data() + from, c, bytes.size() - from);
    return hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - bytes.data()) : bytes.size();
}

}  // namespace

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
    // Next CR and LF at or after pos; each is searched again only once passed,
    // so a chunk is scanned at most twice whatever its line ends.
    std::size_t cr = find_byte(bytes, pos, '\r');
    std::size_t lf = find_byte(bytes, pos, '\n');
    const unsigned generation = m_generation;
    while (pos < size) {
        if (cr < pos) cr = find_byte(bytes, pos, '\r');
        if (lf < pos) lf = find_byte(bytes, pos, '\n');
        std::size_t eol = std::min(cr, lf);
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
            if (pos == size) m_after_cr = true;
            else if (bytes[pos] == '\n') ++pos;
        }
    }
}

void Parser::keep_partial_line(std::string_view tail) {
    if (m_skipping) {
        m_skip_line_started = true;
        return;
    }
    if (m_data.size() + m_line.size() + tail.size() > m_options.max_event_bytes) {
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
    if (m_data.size() + m_line.size() + line.size() > m_options.max_event_bytes) {
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
    m_line.clear();
}

void Parser::process_line(std::string_view line) {
    if (line.empty()) {
        dispatch();
        return;
    }
    if (line.front() == ':') {
        m_handler.on_comment(line.substr(1));
        return;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
        process_field(line, {});  // "data" alone is "data:" with an empty value
        return;
    }
    std::string_view value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);  // one space only
    process_field(line.substr(0, colon), value);
}

void Parser::process_field(std::string_view name, std::string_view value) {
    if (name == "data") {
        append_data(value);
    } else if (name == "event") {
        m_type.assign(value);
    } else if (name == "id") {
        if (value.find('\0') != std::string_view::npos) return;  // WHATWG: ignored
        m_id_buffer.assign(value);
        m_id_pending = true;
    } else if (name == "retry") {
        process_retry(value);
    }
    // Any other field name is ignored.
}

void Parser::append_data(std::string_view value) {
    if (m_has_data) m_data.push_back('\n');
    m_data.append(value);
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
    if (m_id_pending) {
        // The id becomes the last event id even when no event is dispatched.
        m_last_event_id.assign(m_id_buffer);
        m_id_pending = false;
    }
    if (!m_has_data) {
        m_type.clear();
        return;
    }
    Event event{m_type.empty() ? k_default_type : std::string_view(m_type), m_data, m_last_event_id};
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

}  // namespace rtwatch::sse
