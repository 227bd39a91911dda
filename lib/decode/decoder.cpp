// Decodes a `data` event with RapidJSON's SAX reader, in situ: strings and
// number text are views into the scratch buffer, copied once into the reused
// Record. Numbers arrive as raw text (kParseNumbersAsStringsFlag) so output
// can reproduce them byte for byte.
#include "rtwatch/decode/decoder.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <cstdint>
#include <cstring>

#include "fields.hpp"
#include "rtwatch/core/number_text.hpp"
#include "rtwatch/core/swar.hpp"

namespace rtwatch::decode {

namespace {

using detail::Field;
using detail::field_of;
using rtwatch::number_from_text;

constexpr unsigned k_ascii_flags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag;
// RapidJSON's UTF-8 validation goes byte by byte and turns off its fast
// string scanning, so it is only asked for when the input is not pure ASCII.
constexpr unsigned k_utf8_flags = k_ascii_flags | rapidjson::kParseValidateEncodingFlag;
// Deeper than this is garbage; the limit also keeps the recursive reader's
// stack small on hostile input.
constexpr int k_max_depth = 32;

// RapidJSON 1.1 turns a lone low-surrogate escape (\udc00) into the bytes
// ED B0 80, which are not UTF-8. Raw input bytes were validated, so such a
// sequence can only come from an escape.
constexpr const char* k_lone_surrogate = "invalid UTF-8 in a string: \\u escape of a lone UTF-16 surrogate";

bool has_surrogate(std::string_view s) {
    for (std::size_t i = s.find('\xED'); i != std::string_view::npos && i + 1 < s.size(); i = s.find('\xED', i + 1))
        if (static_cast<unsigned char>(s[i + 1]) >= 0xA0) return true;
    return false;
}

std::string_view field_name(Field f) {
    switch (f) {
        case Field::queue_id:
            return "queueId";
        case Field::agent_id:
            return "agentId";
        case Field::skill_id:
            return "skillId";
        case Field::timestamp:
            return "timestamp";
        case Field::event:
            return "event";
        default:
            return "metrics";
    }
}

// SAX handler: a tiny state machine over (depth, current top-level field).
// Returning false stops the reader; `error` then says why.
class Handler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Handler> {
public:
    explicit Handler(Record& out) : m_out(out) {}

    std::string error;
    int ids = 0;
    bool check_surrogates = false;  // the input has a backslash, so maybe \u escapes

    bool Null() { return scalar(MetricValue::Type::null, {}, false); }
    bool Bool(bool b) { return scalar(MetricValue::Type::boolean, {}, b); }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
        return scalar(MetricValue::Type::number, {s, n}, false);
    }
    bool String(const char* s, rapidjson::SizeType n, bool) {
        if (check_surrogates && has_surrogate({s, n})) return fail(k_lone_surrogate);
        return scalar(MetricValue::Type::string, {s, n}, false);
    }
    bool Key(const char* s, rapidjson::SizeType n, bool) {
        if (check_surrogates && has_surrogate({s, n})) return fail(k_lone_surrogate);
        if (m_skip || m_depth > 2) return true;
        if (m_depth == 1) {
            m_field = field_of({s, n});
            return true;
        }
        m_metric = &m_out.add_metric();
        m_metric->name.assign(s, n);
        return true;
    }
    bool StartObject() { return open(true); }
    bool EndObject(rapidjson::SizeType) { return close(); }
    bool StartArray() { return open(false); }
    bool EndArray(rapidjson::SizeType) { return close(); }

private:
    bool fail(std::string message) {
        error = std::move(message);
        return false;
    }

    bool open(bool object) {
        if (++m_depth > k_max_depth) return fail("JSON nested deeper than 32 levels");
        if (m_skip) return true;
        if (m_depth == 1) return object ? true : fail("not a JSON object");
        if (m_depth == 2) {
            if (m_field == Field::metrics) {
                if (!object) return fail("metrics is not an object");
                m_out.metric_count = 0;  // a repeated "metrics": the last one wins
                return true;
            }
            if (m_field != Field::other) return wrong_type(m_field);
            m_skip = m_depth;
            return true;
        }
        std::string message = "metric '";
        message += m_metric->name;
        message += object ? "' is an object" : "' is an array";
        return fail(message + " (only numbers, strings, booleans and null are metric values)");
    }

    bool close() {
        if (m_skip == m_depth) m_skip = 0;
        --m_depth;
        return true;
    }

    bool scalar(MetricValue::Type type, std::string_view text, bool b) {
        if (m_skip) return true;
        if (m_depth == 0) return fail("not a JSON object");
        if (m_depth == 2) {
            MetricValue& v = m_metric->value;
            v.type = type;
            v.boolean = b;
            v.text.assign(text);
            v.number = type == MetricValue::Type::number ? number_from_text(text) : 0;
            return true;
        }
        return top_level(type, text);
    }

    bool top_level(MetricValue::Type type, std::string_view text) {
        bool is_string = type == MetricValue::Type::string;
        switch (m_field) {
            case Field::other:
                return true;
            case Field::metrics:
                return fail("metrics is not an object");
            case Field::timestamp:
                if (type == MetricValue::Type::null) return true;
                if (!is_string) return wrong_type(m_field);
                m_out.source_ts.assign(text);
                return true;
            case Field::event:
                if (!is_string) return wrong_type(m_field);
                if (text != "data") return fail("\"event\" is \"" + std::string(text) + "\", expected \"data\"");
                return true;
            default:
                return resource(is_string, text);
        }
    }

    bool resource(bool is_string, std::string_view text) {
        if (!is_string) return wrong_type(m_field);
        if (++ids > 1) return fail("more than one of queueId/agentId/skillId");
        if (text.empty()) return fail(std::string(field_name(m_field)) + " is empty");
        m_out.kind = m_field == Field::queue_id   ? ResourceKind::queue
                     : m_field == Field::agent_id ? ResourceKind::agent
                                                  : ResourceKind::skill;
        m_out.id.assign(text);
        return true;
    }

    bool wrong_type(Field f) { return fail(std::string(field_name(f)) + " is not a string"); }

    Record& m_out;
    Metric* m_metric = nullptr;
    Field m_field = Field::other;
    int m_depth = 0;
    int m_skip = 0;  // depth of the ignored value being skipped, 0 = none
};

// Eight bytes at a time: any byte with the high bit set means non-ASCII.
bool is_ascii(std::string_view s) {
    const char* p = s.data();
    const char* end = p + s.size();
    std::uint64_t high = 0;
    for (; end - p >= 8; p += 8) high |= swar::load(p);
    for (; p < end; ++p) high |= static_cast<unsigned char>(*p);
    return (high & swar::k_highs) == 0;
}

Error decode_error(std::string message) { return make_error(ExitCode::failure, std::move(message)); }

Error parse_error(const rapidjson::ParseResult& r) {
    std::string at = std::to_string(r.Offset());
    if (r.Code() == rapidjson::kParseErrorStringInvalidEncoding)
        return decode_error("invalid UTF-8 in a string at offset " + at);
    return decode_error("malformed JSON at offset " + at + ": " + rapidjson::GetParseError_En(r.Code()));
}

}  // namespace

Result<void> Decoder::decode(std::string_view json, Record& out, SettledMetrics* settled) {
    if (decode_fast(json, out, settled)) return {};
    return decode_reference(json, out);
}

Result<void> Decoder::decode_reference(std::string_view json, Record& out) {
    out.clear();
    if (json.empty()) return decode_error("empty data");
    // The in-situ reader stops at a NUL, which would hide whatever follows it.
    if (const void* nul = std::memchr(json.data(), '\0', json.size()))
        return decode_error("NUL byte at offset " + std::to_string(static_cast<const char*>(nul) - json.data()));
    // NUL padding keeps RapidJSON's reads inside the buffer: its UTF-8
    // validation reads a multi-byte sequence whole before judging it, and
    // with RAPIDJSON_SSE2 its string scan loads aligned 16-byte blocks, up
    // to 15 bytes past the terminating NUL.
    m_buffer.assign(json);
    m_buffer.append(16, '\0');
    rapidjson::InsituStringStream stream(m_buffer.data());
    Handler handler(out);
    handler.check_surrogates = std::memchr(json.data(), '\\', json.size()) != nullptr;
    rapidjson::Reader reader;
    rapidjson::ParseResult r =
        is_ascii(json) ? reader.Parse<k_ascii_flags>(stream, handler) : reader.Parse<k_utf8_flags>(stream, handler);
    if (!handler.error.empty()) return decode_error(std::move(handler.error));
    if (r.IsError()) return parse_error(r);
    if (handler.ids == 0) return decode_error("no queueId, agentId or skillId");
    return {};
}

}  // namespace rtwatch::decode
