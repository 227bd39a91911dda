// Decodes one `data` event's JSON into a Record: a single-pass scanner for
// the common shape, RapidJSON (in situ) for everything else.
// Bad input is an error value naming what is wrong, never an exception.
#pragma once

#include <string>
#include <string_view>

#include "rtwatch/core/record.hpp"
#include "rtwatch/core/result.hpp"

namespace rtwatch::decode {

// What the caller already knows: for a resource, the exact text of a
// `metrics` object whose effect is settled (decoding it again would change
// nothing downstream). A redundant event then costs a byte compare, not a
// decode. Empty = nothing known.
class SettledMetrics {
public:
    virtual std::string_view settled_metrics(ResourceKind kind, std::string_view id) = 0;

protected:
    ~SettledMetrics() = default;
};

class Decoder {
public:
    // Fills `out` (reusing its buffers; out.event_id is left to the caller).
    // Unknown fields are ignored, "event" must be "data" when present, a
    // missing or null timestamp leaves source_ts empty, missing metrics mean
    // none. Errors (ExitCode::failure, a message for the log): empty data, a
    // NUL byte, malformed JSON (with offset), invalid UTF-8, not an object,
    // no or several of queueId/agentId/skillId, an id or timestamp that is
    // not a string, metrics not an object, a metric value that is an object
    // or array, nesting deeper than 32 levels.
    // With `settled`, the fast path asks it once the resource is known and,
    // when the event's metrics text equals the answer, skips decoding them
    // (out.metrics_settled); the rest of the event is validated as always.
    Result<void> decode(std::string_view json, Record& out, SettledMetrics* settled = nullptr);

    // The two paths behind decode(), public for differential tests.
    // decode_fast() reads the common shape (a flat object of scalars and one
    // `metrics` object of scalars, strings without escapes, numbers without
    // exponents) straight from `json` and returns false for anything else,
    // leaving `out` unspecified. decode_reference() is the RapidJSON path: it
    // decides every input and words every error. Where decode_fast() returns
    // true, decode_reference() gives the same Record.
    static bool decode_fast(std::string_view json, Record& out, SettledMetrics* settled = nullptr);
    Result<void> decode_reference(std::string_view json, Record& out);

private:
    std::string m_buffer;  // in-situ parsing scratch
};

}  // namespace rtwatch::decode
