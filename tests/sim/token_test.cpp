// POST /oauth/token over real HTTP: the answers of PROTOCOL.md §1.
#include <catch2/catch.hpp>

#include <fstream>

#include "sim_helpers.hpp"

using namespace rtwatch::test;

namespace {

const char* k_form = "application/x-www-form-urlencoded";

HttpResponse token_request(const Sim& sim, const std::string& body, const std::string& id = "rtwatch",
                           const std::string& secret = "rtwatch-secret") {
    return http_post(sim.port(), "/oauth/token", body, k_form, {{"Authorization", basic_auth(id, secret)}});
}

std::string error_of(const HttpResponse& r) { return parse_json(r.body)["error"].GetString(); }

}  // namespace

TEST_CASE("sim token: client credentials give a bearer token with lifetime, expiry and scope", "[sim][token]") {
    Sim sim({"--token-lifetime", "2.5"});
    const auto r = token_request(sim, "grant_type=client_credentials&scope=genesyscloud.realtime.data.view");
    REQUIRE(r.status == 200);
    CHECK(r.header("Cache-Control") == "no-store");
    const auto doc = parse_json(r.body);
    CHECK(std::string(doc["access_token"].GetString()).size() >= 32);
    CHECK(std::string(doc["token_type"].GetString()) == "bearer");
    CHECK(doc["expires_in"].GetDouble() == 2.5);
    CHECK(std::string(doc["expires_at"].GetString()).back() == 'Z');
    CHECK(std::string(doc["scope"].GetString()) == "genesyscloud.realtime.data.view");
    CHECK(token_request(sim, "grant_type=client_credentials").status == 200);  // default scope
}

TEST_CASE("sim token: a JSON body and credentials in the body are accepted", "[sim][token]") {
    Sim sim;
    auto r = http_post(sim.port(), "/oauth/token",
                       R"({"grant_type":"client_credentials","scope":"genesyscloud.realtime.data.view"})",
                       "application/json", {{"Authorization", basic_auth("rtwatch", "rtwatch-secret")}});
    CHECK(r.status == 200);
    r = http_post(sim.port(), "/oauth/token",
                  "grant_type=client_credentials&client_id=rtwatch&client_secret=rtwatch-secret", k_form);
    CHECK(r.status == 200);
}

TEST_CASE("sim token: a wrong client is 401 invalid_client and never a token", "[sim][token]") {
    Sim sim;
    auto r = token_request(sim, "grant_type=client_credentials", "rtwatch", "wrong");
    CHECK(r.status == 401);
    CHECK(error_of(r) == "invalid_client");
    r = http_post(sim.port(), "/oauth/token", "grant_type=client_credentials", k_form);
    CHECK(r.status == 401);
    CHECK(sim.stats()["tokens_issued"].GetInt() == 0);
    CHECK(sim.stats()["responses"]["token"]["401"].GetInt() == 2);
}

TEST_CASE("sim token: bad grant or scope is 400 with the RFC 6749 error code", "[sim][token]") {
    Sim sim;
    CHECK(error_of(token_request(sim, "scope=genesyscloud.realtime.data.view")) == "invalid_request");
    CHECK(error_of(token_request(sim, "grant_type=password")) == "unsupported_grant_type");
    const auto r = token_request(sim, "grant_type=client_credentials&scope=genesyscloud.realtime.data.view+admin");
    CHECK(r.status == 400);
    CHECK(error_of(r) == "invalid_scope");
}

TEST_CASE("sim token: the secret comes from a file or the environment", "[sim][token]") {
    const std::string dir = make_temp_dir();
    std::ofstream(dir + "/secret") << "from-file\n";
    Sim from_file({"--client-secret-file", dir + "/secret", "--client-id", "svc"});
    CHECK(token_request(from_file, "grant_type=client_credentials", "svc", "from-file").status == 200);
    CHECK(token_request(from_file, "grant_type=client_credentials", "svc", "rtwatch-secret").status == 401);
    Sim from_env(SimConfig{{}, {{"RTWATCH_SIM_CLIENT_SECRET", "from env"}}});
    CHECK(token_request(from_env, "grant_type=client_credentials", "rtwatch", "from env").status == 200);
    std::remove((dir + "/secret").c_str());
}

TEST_CASE("sim token: an expired token is refused by the stream endpoint with 401", "[sim][token]") {
    Sim sim({"--token-lifetime", "1"});
    const std::string token = sim.token();
    CHECK(stream_status(sim, token) == 200);
    const bool refused = wait_until([&] { return stream_status(sim, token) == 401; }, Millis(5000));
    CHECK(refused);
}

TEST_CASE("sim token: injected 429 and 503 carry Retry-After, then tokens flow again", "[sim][token]") {
    Sim sim;
    REQUIRE(sim.fault(R"({"kind":"status","endpoint":"token","status":429,"retryAfter":2})").status == 200);
    REQUIRE(sim.fault(R"({"kind":"status","endpoint":"token","status":503,"retryAfter":1})").status == 200);
    auto r = token_request(sim, "grant_type=client_credentials");
    CHECK(r.status == 429);
    CHECK(r.header("Retry-After") == "2");
    r = token_request(sim, "grant_type=client_credentials");
    CHECK(r.status == 503);
    CHECK(r.header("Retry-After") == "1");
    CHECK(token_request(sim, "grant_type=client_credentials").status == 200);
}
