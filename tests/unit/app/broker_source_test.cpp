// A relay reading the tenant's stream tells its viewers about the broker:
// unreachable from the start, or for a new reason, or gone after it was
// there; a retry with the same reason is not told again.
#include <catch2/catch.hpp>

#include "broker_source.hpp"
#include "fake_broker.hpp"

using namespace rtwatch;
using test::FakeBrokerClient;
using test::FakeServices;

namespace {

struct Statuses final : app::SourceListener {
    std::vector<std::string> said;  // "status: message"
    void input_begins(WallTime) override {}
    void event(const app::SourceEvent&) override {}
    void record(Record&) override {}
    void snapshot_complete() override {}
    void oversize(std::size_t) override {}
    void status(const app::StatusChange& c) override {
        said.push_back(std::string(app::status_name(c.status)) + ": " + std::string(c.message));
    }
    void input_ends() override {}
    void source_ended(ExitCode, std::string) override {}
};

}  // namespace

TEST_CASE("broker source: a broker unreachable from the start is told to viewers as stale", "[broker]") {
    app::Config config;
    config.tenant = "t1";
    FakeServices services;
    auto owned = std::make_unique<FakeBrokerClient>();
    FakeBrokerClient& client = *owned;
    app::BrokerSource source(config, services, std::move(owned), {});
    Statuses listener;
    source.start(listener);
    REQUIRE(client.started);

    client.handlers.connection(false, "broker unreachable: no server available");
    client.handlers.connection(false, "broker unreachable: no server available");  // a retry: said once
    client.handlers.connection(false, "lease bucket rtwatch_lease_t1: Timeout");
    client.handlers.connection(true, "");
    client.handlers.connection(false, "");
    CHECK(listener.said == std::vector<std::string>{
                               "stale: broker unreachable: no server available",
                               "stale: lease bucket rtwatch_lease_t1: Timeout",
                               "connected: broker connected",
                               "stale: broker unreachable",
                           });
    source.stop();
}
