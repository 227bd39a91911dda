// Fuzzes the SSE parser differentially: the same stream fed in one piece,
// in chunks whose sizes come from the input's first bytes, and byte by
// byte must give the same callbacks, and every event must obey WHATWG.
// Input: [flags][chunk sizes...][stream]; flags bits 0-1 pick
// max_event_bytes, bits 2-4 the number of chunk-size bytes.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "rtwatch/sse/parser.hpp"

namespace {

using rtwatch::sse::Event;

// Every callback as one string, so runs compare with ==.
class Recorder : public rtwatch::sse::Handler {
public:
    std::vector<std::string> log;

    void on_event(const Event& e) override {
        // The type defaults to "message"; lines end at CR or LF, so no field
        // can contain one; an id with NUL is ignored.
        FUZZ_CHECK(!e.type.empty());
        FUZZ_CHECK(e.type.find_first_of("\r\n") == std::string_view::npos);
        FUZZ_CHECK(e.data.find('\r') == std::string_view::npos);
        FUZZ_CHECK(e.id.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos);
        log.push_back("event " + std::to_string(e.type.size()) + ":" + std::string(e.type) + " " +
                      std::to_string(e.data.size()) + ":" + std::string(e.data) + " id " + std::string(e.id));
    }
    void on_comment(std::string_view text) override {
        FUZZ_CHECK(text.find_first_of("\r\n") == std::string_view::npos);
        log.push_back("comment " + std::string(text));
    }
    void on_retry(std::chrono::milliseconds ms) override {
        FUZZ_CHECK(ms.count() >= 0);
        log.push_back("retry " + std::to_string(ms.count()));
    }
    void on_oversize(std::size_t max) override { log.push_back("oversize " + std::to_string(max)); }
};

struct Run {
    std::vector<std::string> log;
    std::string last_event_id;
};

template <class Feed>
Run run(rtwatch::sse::ParserOptions options, Feed feed) {
    Recorder recorder;
    rtwatch::sse::Parser parser(recorder, options);
    feed(parser);
    return {std::move(recorder.log), parser.last_event_id()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    static constexpr std::size_t k_limits[] = {1 << 20, 16, 64, 256};
    rtwatch::sse::ParserOptions options;
    options.max_event_bytes = k_limits[data[0] & 3];
    size_t n_sizes = std::min<size_t>((data[0] >> 2) & 7, size - 1);
    std::vector<size_t> sizes(data + 1, data + 1 + n_sizes);
    for (auto& s : sizes) s = s == 0 ? 1 : s;
    if (sizes.empty()) sizes.push_back(7);
    std::string_view stream(reinterpret_cast<const char*>(data) + 1 + n_sizes, size - 1 - n_sizes);

    Run whole = run(options, [&](auto& p) { p.feed(stream); });
    Run chunked = run(options, [&](auto& p) {
        for (size_t pos = 0, i = 0; pos < stream.size(); ++i) {
            size_t n = std::min(sizes[i % sizes.size()], stream.size() - pos);
            p.feed(stream.substr(pos, n));
            pos += n;
        }
    });
    Run bytes = run(options, [&](auto& p) {
        for (size_t pos = 0; pos < stream.size(); ++pos) p.feed(stream.substr(pos, 1));
    });
    FUZZ_CHECK(whole.log == chunked.log);
    FUZZ_CHECK(whole.log == bytes.log);
    FUZZ_CHECK(whole.last_event_id == chunked.last_event_id);
    FUZZ_CHECK(whole.last_event_id == bytes.last_event_id);
    return 0;
}
