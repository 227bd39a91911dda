// scan_ids: the prefetch hint finds the ids of raw stream bytes in order,
// within the bytes given, and skips what is not a key it knows.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "rtwatch/decode/id_scan.hpp"

using rtwatch::ResourceKind;
using rtwatch::decode::scan_ids;

namespace {

std::vector<std::string> ids_in(std::string_view bytes, std::size_t limit = 1000) {
    std::vector<std::string> out;
    scan_ids(bytes, [&](ResourceKind kind, std::string_view id) {
        out.push_back(std::string(rtwatch::kind_name(kind)) + ":" + std::string(id));
        return out.size() < limit;
    });
    return out;
}

}  // namespace

TEST_CASE("id scan: queue, agent and skill ids of a run of events, in order", "[decode]") {
    const std::string bytes =
        "event: data\ndata: {\"event\":\"data\",\"queueId\":\"queue-00001\",\"metrics\":{\"waiting\":1}}\n\n"
        "id: 7\ndata: {\"agentId\":\"7d2c-11\",\"metrics\":{\"Idle\":true}}\n\n"
        "data: {\"metrics\":{},\"skillId\":\"\"}\n\n";
    CHECK(ids_in(bytes) == std::vector<std::string>{"queue:queue-00001", "agent:7d2c-11", "skill:"});
    CHECK(ids_in(bytes, 1) == std::vector<std::string>{"queue:queue-00001"});  // fn's false stops the scan
}

TEST_CASE("id scan: other keys ending in Id, and ids cut off by the window, are skipped", "[decode]") {
    CHECK(ids_in(R"({"userId":"u1","xqueueId":"q0","queueId" :"spaced","Id":"bare"})").empty());
    CHECK(ids_in(R"({"queueId":"q1"})").size() == 1);
    for (std::size_t n = 0; n < 16; ++n) {
        const std::string_view cut = std::string_view(R"({"queueId":"q1"})").substr(0, n);
        CHECK(ids_in(cut).empty());  // no read past the bytes given (ASan watches)
    }
    CHECK(ids_in("Id\":\"x\"").empty());  // no key before it
    const std::string very_long = "{\"queueId\":\"" + std::string(300, 'a') + "\"}";
    CHECK(ids_in(very_long).empty());  // not worth a prefetch: the scan gives up
}
