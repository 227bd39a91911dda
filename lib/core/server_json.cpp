// Bounded parsing of server JSON with RapidJSON's iterative SAX reader: a
// handler keeps the top-level scalars and stops the reader past the depth
// limit, before its own (heap) stack can grow with the input.
#include "rtwatch/core/server_json.hpp"

#include <charconv>

#include <fmt/format.h>
#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

namespace rtwatch {

namespace {

using Type = JsonField::Type;

// Members are looked up by a linear scan; a server's object has a handful.
constexpr std::size_t k_max_members = 256;

class TopLevelHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TopLevelHandler> {
public:
    TopLevelHandler(JsonFields& out, int max_depth) : m_out(out), m_max_depth(max_depth) {}

    std::string error;

    bool Null() { return scalar(JsonField{}); }
    bool Bool(bool b) {
        JsonField f;
        f.type = Type::boolean;
        f.boolean = b;
        return scalar(std::move(f));
    }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
        JsonField f;
        f.type = Type::number;
        f.text.assign(s, n);
        std::from_chars(s, s + n, f.number);  // JSON number text is valid here; out of range stays 0
        return scalar(std::move(f));
    }
    bool String(const char* s, rapidjson::SizeType n, bool) {
        JsonField f;
        f.type = Type::string;
        f.text.assign(s, n);
        return scalar(std::move(f));
    }
    bool Key(const char* s, rapidjson::SizeType n, bool) {
        if (m_depth == 1) m_key.assign(s, n);
        return true;
    }
    bool StartObject() { return open(Type::object); }
    bool EndObject(rapidjson::SizeType) { return close(); }
    bool StartArray() { return open(Type::array); }
    bool EndArray(rapidjson::SizeType) { return close(); }

private:
    bool fail(std::string message) {
        error = std::move(message);
        return false;
    }
    bool scalar(JsonField f) {
        if (m_depth == 0) return fail("not a JSON object");
        if (m_depth == 1) return keep(std::move(f));
        return true;
    }
    bool keep(JsonField f) {
        m_out.set(m_key, std::move(f));
        if (m_out.size() > k_max_members)
            return fail(fmt::format("JSON object with more than {} members", k_max_members));
        return true;
    }
    bool open(Type type) {
        if (m_depth == 0 && type != Type::object) return fail("not a JSON object");
        if (++m_depth > m_max_depth) return fail(fmt::format("JSON nested deeper than {} levels", m_max_depth));
        if (m_depth == 2) {
            JsonField f;
            f.type = type;
            return keep(std::move(f));
        }
        return true;
    }
    bool close() {
        --m_depth;
        return true;
    }

    JsonFields& m_out;
    int m_max_depth;
    int m_depth = 0;
    std::string m_key;
};

}  // namespace

const JsonField* JsonFields::find(std::string_view name) const {
    for (auto it = m_fields.rbegin(); it != m_fields.rend(); ++it)
        if (it->first == name) return &it->second;
    return nullptr;
}

std::optional<std::string_view> JsonFields::string(std::string_view name) const {
    const JsonField* f = find(name);
    if (!f || f->type != Type::string) return std::nullopt;
    return std::string_view(f->text);
}

std::optional<double> JsonFields::number(std::string_view name) const {
    const JsonField* f = find(name);
    if (!f || f->type != Type::number) return std::nullopt;
    return f->number;
}

std::optional<double> JsonFields::number_or_numeric_string(std::string_view name) const {
    if (auto n = number(name)) return n;
    auto s = string(name);
    if (!s || s->empty()) return std::nullopt;
    double d = 0;
    auto r = std::from_chars(s->data(), s->data() + s->size(), d);
    if (r.ec != std::errc() || r.ptr != s->data() + s->size()) return std::nullopt;
    return d;
}

void JsonFields::set(std::string name, JsonField field) {
    for (auto& [n, f] : m_fields)
        if (n == name) {
            f = std::move(field);
            return;
        }
    m_fields.emplace_back(std::move(name), std::move(field));
}

Result<JsonFields> parse_server_json(std::string_view text, JsonLimits limits) {
    auto failure = [](std::string message) { return make_error(ExitCode::failure, std::move(message)); };
    if (text.size() > limits.max_bytes)
        return failure(fmt::format("JSON text of {} bytes is over the {}-byte limit", text.size(), limits.max_bytes));
    constexpr unsigned k_flags =
        rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag | rapidjson::kParseNumbersAsStringsFlag;
    JsonFields fields;
    TopLevelHandler handler(fields, limits.max_depth);
    rapidjson::MemoryStream bytes(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> stream(bytes);
    rapidjson::Reader reader;
    rapidjson::ParseResult r = reader.Parse<k_flags>(stream, handler);
    if (!handler.error.empty()) return failure(std::move(handler.error));
    if (r.Code() == rapidjson::kParseErrorStringInvalidEncoding)
        return failure(fmt::format("invalid UTF-8 at offset {}", r.Offset()));
    if (r.IsError())
        return failure(
            fmt::format("malformed JSON at offset {}: {}", r.Offset(), rapidjson::GetParseError_En(r.Code())));
    return fields;
}

}  // namespace rtwatch
