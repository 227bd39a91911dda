// HTTPS: the same endpoints behind a certificate the test makes with the
// openssl command line.
#include <catch2/catch.hpp>

#include <httplib.h>

#include <cstdlib>

#include "sim_helpers.hpp"

using namespace rtwatch::test;

TEST_CASE("sim tls: tokens and a stream over HTTPS", "[sim][tls]") {
    if (std::system("openssl version > /dev/null 2>&1") != 0) {
        WARN("openssl is not installed: skipping the HTTPS test");
        return;
    }
    const std::string dir = make_temp_dir();
    const std::string make_cert = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " +
                                  dir + "/key.pem -out " + dir + "/cert.pem > /dev/null 2>&1";
    REQUIRE(std::system(make_cert.c_str()) == 0);
    Sim sim(SimConfig{{"--speed", "0.0001", "--tls-cert", dir + "/cert.pem", "--tls-key", dir + "/key.pem"}, {}, true});
    CHECK(sim.url().rfind("https://127.0.0.1:", 0) == 0);
    const std::string token = sim.token();
    httplib::SSLClient client("127.0.0.1", sim.port());
    client.enable_server_certificate_verification(false);
    client.set_read_timeout(5);
    std::string body;
    int status = 0;
    client.Get(
        "/api/v2/realtime/data?queueId=queue-0001", {{"Authorization", "Bearer " + token}},
        [&](const httplib::Response& r) { return status = r.status, true; },
        [&](const char* data, size_t n) {
            body.append(data, n);
            return body.find("id: ") == std::string::npos;  // stop once the snapshot is complete
        });
    CHECK(status == 200);
    const auto parse = parse_sse(body);
    REQUIRE(parse.events.size() == 1);
    CHECK(fold(parse).at("queue-0001") == json_text(sim.state()["queues"]["queue-0001"]));
    for (const char* f : {"/key.pem", "/cert.pem"}) std::remove((dir + f).c_str());
}
