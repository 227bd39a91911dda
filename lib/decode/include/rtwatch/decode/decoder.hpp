// Decodes one `data` event's JSON into a Record (RapidJSON, in situ).
// Bad input is an error value naming what is wrong, never an exception.
#pragma once

#include <string>
#include <string_view>

#include "rtwatch/core/record.hpp"
#include "rtwatch/core/result.hpp"

namespace rtwatch::decode {

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
    Result<void> decode(std::string_view json, Record& out);

private:
    std::string m_buffer;  // in-situ parsing scratch
};

}  // namespace rtwatch::decode
