// A parser handler that writes down everything it is told, one string per
// callback, so tests compare whole transcripts.
#pragma once

#include <string>
#include <vector>

#include "rtwatch/sse/parser.hpp"

namespace rtwatch::sse::test {

struct Recorder : Handler {
    std::vector<std::string> seen;

    void on_event(const Event& e) override {
        seen.push_back("event type=" + std::string(e.type) + " id=" + std::string(e.id) +
                       " data=" + std::string(e.data));
    }
    void on_comment(std::string_view text) override { seen.push_back("comment " + std::string(text)); }
    void on_retry(std::chrono::milliseconds ms) override { seen.push_back("retry " + std::to_string(ms.count())); }
    void on_oversize(std::size_t max) override { seen.push_back("oversize " + std::to_string(max)); }
};

inline std::vector<std::string> parse_all(std::string_view input, ParserOptions options = {}) {
    Recorder r;
    Parser p(r, options);
    p.feed(input);
    return r.seen;
}

}  // namespace rtwatch::sse::test
