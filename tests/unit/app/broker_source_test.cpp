// A relay reading the tenant's stream tells its viewers about the broker:
// unreachable from the start, or for a new reason, or gone after it was
// there; a retry with the same reason is not told again.
#include <catch2/catch.hpp>

#include "broker_source.hpp"
#include "fake_broker.hpp"
#include "status_listener.hpp"

using namespace rtwatch;
using test::FakeBrokerClient;
using test::FakeServices;

TEST_CASE("broker source: a broker unreachable from the start is told to viewers as stale", "[broker]") {
    app::Config config;
    config.tenant = "t1";
    FakeServices services;
    auto owned = std::make_unique<FakeBrokerClient>();
    FakeBrokerClient& client = *owned;
    app::BrokerSource source(config, services, std::move(owned), {});
    test::StatusListener listener;
    source.start(listener);
    REQUIRE(client.started);

    client.handlers.connection(false, "broker unreachable: no server available");
    client.handlers.connection(false, "broker unreachable: no server available");  // a retry: said once
    client.handlers.connection(false, "lease bucket rtwatch_lease_t1: Timeout");
    client.handlers.connection(true, "");
    client.handlers.connection(false, "");
    CHECK(listener.statuses == std::vector<std::string>{
                                   "stale: broker unreachable: no server available",
                                   "stale: lease bucket rtwatch_lease_t1: Timeout",
                                   "connected: broker connected",
                                   "stale: broker unreachable",
                               });
    source.stop();
}
