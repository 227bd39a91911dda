// rtwatch relay's bounds and gates: auth, origins, parameters, viewer and
// request limits, /metrics as Prometheus reads it, --metrics-listen.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>

#include "relay_support.hpp"

using namespace rtwatch::test;

namespace {

// The exposition format, line by line: every sample's family has HELP and
// TYPE before it, counters end in _total, values are numbers.
std::map<std::string, double> parse_prometheus(const std::string& text) {
    std::map<std::string, double> samples;
    std::set<std::string> helped, typed;
    std::map<std::string, std::string> types;
    std::regex help(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$)");
    std::regex type(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)");
    std::regex sample(
        R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$)");
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        INFO("line: " << line);
        if (std::regex_match(line, m, help))
            helped.insert(m[1]);
        else if (std::regex_match(line, m, type))
            types[m[1]] = m[2];
        else {
            REQUIRE(std::regex_match(line, m, sample));
            std::string name = m[1];
            CHECK(helped.count(name) == 1);
            REQUIRE(types.count(name) == 1);
            if (types[name] == "counter") CHECK(name.ends_with("_total"));
            samples[name + m[2].str()] = std::stod(m[4]);
        }
    }
    return samples;
}

}  // namespace

TEST_CASE("relay: a non-loopback --listen without a token file is refused at start", "[relay]") {
    auto p =
        start_rtwatch_raw({"relay", "--listen", "0.0.0.0:0", "--api-url", "http://127.0.0.1:1", "--client-id", "x"},
                          {{"RTWATCH_CLIENT_SECRET", "s"}});
    auto st = p->wait_for(10s);
    REQUIRE(st);
    CHECK(st->code == 2);
    CHECK(p->stderr_text().find("--viewer-token-file") != std::string::npos);
    CHECK(p->stdout_text().empty());
}

TEST_CASE("relay: the viewer token gates data endpoints, by Bearer or cookie, and is never logged", "[relay]") {
    Sim sim(busy_model());
    auto dir = make_temp_dir();
    std::string token_file = dir + "/token";
    std::ofstream(token_file) << "s3cret-viewer-token\n";
    auto relay = start_relay(sim, {"--viewer-token-file", token_file, "-vv"});
    CHECK(http_get(relay.port, "/state").status == 401);
    CHECK(http_get(relay.port, "/events").status == 401);
    CHECK(http_get(relay.port, "/metrics").status == 401);
    CHECK(http_get(relay.port, "/state", {{"Authorization", "Bearer wrong"}}).status == 401);
    CHECK(http_get(relay.port, "/state", {{"Authorization", "Bearer s3cret-viewer-token"}}).status == 200);
    CHECK(http_get(relay.port, "/state", {{"Cookie", "a=b; rtwatch_viewer_token=s3cret-viewer-token"}}).status == 200);
    // The page and the liveness probe need none: the page brings the token itself.
    CHECK(http_get(relay.port, "/").status == 200);
    CHECK(http_get(relay.port, "/healthz").status == 200);
    CHECK(relay.process->stderr_text().find("s3cret-viewer-token") == std::string::npos);
}

TEST_CASE("relay: cross-origin requests are refused unless --allow-origin names the origin", "[relay]") {
    Sim sim(busy_model());
    auto relay = start_relay(sim, {"--allow-origin", "https://wall.example.com"});
    std::string own = "http://127.0.0.1:" + std::to_string(relay.port);
    auto refused = http_get(relay.port, "/state", {{"Origin", "https://evil.example.com"}});
    CHECK(refused.status == 403);
    CHECK(parse_json(refused.body)["error"].GetString() == std::string("forbidden_origin"));
    CHECK(http_get(relay.port, "/events", {{"Origin", "https://evil.example.com"}}).status == 403);
    CHECK(http_get(relay.port, "/state", {{"Origin", own}}).status == 200);
    auto allowed = http_get(relay.port, "/state", {{"Origin", "https://wall.example.com"}});
    CHECK(allowed.status == 200);
    CHECK(allowed.header("Access-Control-Allow-Origin") == "https://wall.example.com");
    // A rebound DNS name: same origin as far as the browser knows, refused by Host.
    auto rebound = http_get(relay.port, "/state",
                            {{"Host", "evil.example.com:" + std::to_string(relay.port)},
                             {"Origin", "http://evil.example.com:" + std::to_string(relay.port)}});
    CHECK(rebound.status == 403);
}

TEST_CASE("relay: a bad query parameter is a 400 naming it, and --max-viewers answers 503 beyond", "[relay]") {
    Sim sim(busy_model());
    auto relay = start_relay(sim, {"--max-viewers", "2"});
    for (auto [query, parameter] : {std::pair{"?bogus=1", "bogus"},
                                    {"?where=waiting%20%3E", "where"},
                                    {"?throttle=soon", "throttle"},
                                    {"?queueId=a,,b", "queueId"},
                                    {"?levelsOnly=maybe", "levelsOnly"}}) {
        auto r = http_get(relay.port, std::string("/events") + query);
        INFO(query << ": " << r.body);
        CHECK(r.status == 400);
        CHECK(parse_json(r.body)["parameter"].GetString() == std::string(parameter));
    }
    RawStream one(relay.port, "/events?queueId=queue-0001");
    RawStream two(relay.port, "/events?queueId=queue-0002");
    REQUIRE(one.read_until(ready_seen, 10s));
    REQUIRE(two.read_until(ready_seen, 10s));
    auto third = http_get(relay.port, "/events");
    CHECK(third.status == 503);
    CHECK(third.header("Retry-After") == "5");
}

TEST_CASE("relay: a huge request line and headers that never end are cut off", "[relay]") {
    Sim sim(busy_model());
    auto relay = start_relay(sim, {"--header-timeout", "1s"});
    int huge = raw_connect(relay.port, "GET /events?" + std::string(1 << 20, 'a') + " HTTP/1.1\r\n");
    auto answer = read_to_close(huge, 5s);
    ::close(huge);
    CHECK(answer.starts_with("HTTP/1.1 414"));
    int never = raw_connect(relay.port, "GET /events HTTP/1.1\r\nHost: x\r\n");
    auto start = std::chrono::steady_clock::now();
    auto cut = read_to_close(never, 5s);
    ::close(never);
    CHECK(cut.starts_with("HTTP/1.1 408"));
    CHECK(std::chrono::steady_clock::now() - start < 3s);
    // Many half-open connections: each is cut, the relay still answers.
    std::vector<int> idle;
    for (int i = 0; i < 200; ++i) idle.push_back(raw_connect(relay.port, "GET / HTTP/1.1\r\n"));
    CHECK(http_get(relay.port, "/healthz").status == 200);
    for (int fd : idle) ::close(fd);
    auto samples = parse_prometheus(http_get(relay.port, "/metrics").body);
    CHECK(samples["rtwatch_http_rejected_total{reason=\"head_too_large\"}"] == 1);
    CHECK(samples["rtwatch_http_rejected_total{reason=\"head_timeout\"}"] >= 1);
}

TEST_CASE("relay: a viewer that reads nothing for --viewer-timeout is disconnected and counted", "[relay]") {
    Sim sim(busy_model());
    auto relay = start_relay(sim, {"--viewer-timeout", "1s"});
    RawStream stuck(relay.port, "/events", {}, 2048);
    REQUIRE(stuck.read_until(ready_seen, 10s));
    CHECK(wait_until(
        [&] {
            auto s = parse_prometheus(http_get(relay.port, "/metrics").body);
            return s["rtwatch_viewer_disconnects_total{reason=\"timeout\"}"] == 1 && s["rtwatch_viewers"] == 0;
        },
        15s));
}

TEST_CASE("relay: /metrics parses as Prometheus text and its counters move", "[relay]") {
    Sim sim(busy_model());
    auto relay = start_relay(sim, {});
    REQUIRE(wait_until([&] { return http_get(relay.port, "/readyz").status == 200; }, 10s));
    RawStream viewer(relay.port, "/events");
    REQUIRE(viewer.read_until(ready_seen, 10s));
    auto first = http_get(relay.port, "/metrics");
    CHECK(first.header("Content-Type").starts_with("text/plain; version=0.0.4"));
    auto a = parse_prometheus(first.body);
    for (const char* name : {"rtwatch_viewers", "rtwatch_viewers_connected_total", "rtwatch_upstream_connected",
                             "rtwatch_upstream_events_total", "rtwatch_records_total", "rtwatch_bad_events_total",
                             "rtwatch_reconnects_total", "rtwatch_token_refreshes_total",
                             "rtwatch_viewer_conflated_total", "rtwatch_data_age_seconds"}) {
        INFO(name);
        CHECK(a.count(name) == 1);
    }
    CHECK(a.count("rtwatch_viewer_disconnects_total{reason=\"timeout\"}") == 1);
    CHECK(a["rtwatch_viewers"] == 1);
    CHECK(a["rtwatch_upstream_connected"] == 1);
    REQUIRE(wait_until(
        [&] {
            auto b = parse_prometheus(http_get(relay.port, "/metrics").body);
            return b["rtwatch_upstream_events_total"] > a["rtwatch_upstream_events_total"] &&
                   b["rtwatch_records_total"] > a["rtwatch_records_total"];
        },
        10s));
    viewer.close();
    CHECK(wait_until(
        [&] {
            auto b = parse_prometheus(http_get(relay.port, "/metrics").body);
            return b["rtwatch_viewers"] == 0 && b["rtwatch_viewer_disconnects_total{reason=\"closed\"}"] == 1;
        },
        5s));
    if (::access("/usr/bin/promtool", X_OK) == 0) {
        auto dir = make_temp_dir();
        std::ofstream(dir + "/m.txt") << http_get(relay.port, "/metrics").body;
        CHECK(std::system(("promtool check metrics < " + dir + "/m.txt").c_str()) == 0);
    }
}

TEST_CASE("relay: --metrics-listen serves /metrics beside a plain run's NDJSON", "[relay]") {
    Sim sim(busy_model());
    auto rt = start_rtwatch(sim, {"--queue", "queue-0001", "--metrics-listen", "127.0.0.1:0", "--log-level", "info"});
    REQUIRE(rt->wait_for_stderr("/metrics", 10s));
    std::smatch m;
    auto err = rt->stderr_text();
    REQUIRE(std::regex_search(err, m, std::regex(R"(http://127\.0\.0\.1:(\d+)/metrics)")));
    int port = std::stoi(m[1]);
    REQUIRE(rt->wait_for_stdout_lines(1, 10s));
    auto samples = parse_prometheus(http_get(port, "/metrics").body);
    CHECK(samples["rtwatch_records_total"] >= 1);
    CHECK(http_get(port, "/events").status == 404);
    CHECK(parse_json(rt->stdout_lines().front())["type"].GetString() == std::string("metrics"));
}
