// What a hostile upstream, a careless setup or a tired user still tried to
// break, against the real binary: silent servers time out, a FIFO without a
// reader is an error, stdin is left as it was, a typo in a metric name is
// named, a capture's connection marks keep a cut event out, bad redirects and
// endless disconnects end the run, and a SIGHUP at start-up is harmless.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include <httplib.h>

#include "rtwatch_run.hpp"
#include "rtwatch_test/binaries.hpp"
#include "rtwatch_test/temp_path.hpp"

using namespace rtwatch::test;
using namespace std::chrono_literals;

namespace {

// Accepts connections on a loopback port and never answers.
struct SilentServer {
    int fd = -1;
    int port = 0;
    SilentServer() {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd, 64) == 0);  // the kernel completes handshakes; nobody reads
        socklen_t len = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
    }
    ~SilentServer() { ::close(fd); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

std::string temp_path(const char* name) {
    std::string dir_template = rtwatch::test::temp_template("rtwatch-hardening");
    char* dir = dir_template.data();
    REQUIRE(::mkdtemp(dir));
    return std::string(dir) + "/" + name;
}

std::string write_file(const char* name, const std::string& text) {
    auto path = temp_path(name);
    std::ofstream(path) << text;
    return path;
}

}  // namespace

TEST_CASE("hardening: a token endpoint that accepts and never answers times out and is retried",
          "[integration][hardening]") {
    SilentServer silent;
    auto rt = start_rtwatch_raw({"--api-url", silent.url(), "--client-id", "c", "--queue", "q1", "--status",
                                 "--request-timeout", "500ms", "--duration", "3s"},
                                {{"RTWATCH_CLIENT_SECRET", "s3cret-value"}});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    INFO(rt->stderr_text());
    CHECK(status->code == 0);  // --duration ended it: it did not hang
    int reconnecting = 0;
    for (const auto& r : parse_lines(rt->stdout_text()))
        reconnecting += r.HasMember("status") && std::string(r["status"].GetString()) == "reconnecting";
    CHECK(reconnecting >= 2);  // each timeout shows as a status record and is retried
    CHECK_THAT(rt->stderr_text(), Catch::Contains("imeout"));
    CHECK_THAT(rt->stderr_text(), !Catch::Contains("s3cret-value"));
}

TEST_CASE("hardening: a stream that accepts and never answers times out and is retried with backoff",
          "[integration][hardening]") {
    Sim sim({"--seed", "1", "--queues", "1", "--agents", "1"});
    SilentServer silent;
    auto rt = start_rtwatch_raw({"--api-url", silent.url(), "--auth-url", sim.url(), "--client-id", "rtwatch",
                                 "--queue", "queue-0001", "--status", "--request-timeout", "500ms", "--duration", "3s"},
                                {{"RTWATCH_CLIENT_SECRET", "rtwatch-secret"}});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    INFO(rt->stderr_text());
    CHECK(status->code == 0);
    CHECK_THAT(rt->stderr_text(), Catch::Contains("no response within 500 ms"));
    int reconnecting = 0;
    for (const auto& r : parse_lines(rt->stdout_text()))
        reconnecting += r.HasMember("status") && std::string(r["status"].GetString()) == "reconnecting";
    CHECK(reconnecting >= 2);
    CHECK(reconnecting <= 6);  // 500 ms each plus backoff: no busy loop
}

TEST_CASE("hardening: -o on a FIFO nobody reads is an error, not a hang", "[integration][hardening]") {
    auto fifo = temp_path("out.fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto capture =
        write_file("c.sse", "id: 1\nevent: data\ndata: {\"event\":\"data\",\"queueId\":\"q\",\"metrics\":{}}\n\n");
    auto rt = start_rtwatch_raw({"replay", capture, "-o", fifo});
    auto status = rt->wait_for(5s);
    REQUIRE(status);
    CHECK(status->code == 6);
    CHECK_THAT(rt->stderr_text(), Catch::Contains("no process is reading it"));
}

TEST_CASE("hardening: replay - leaves a shared stdin blocking for the next program", "[integration][hardening]") {
    auto script = "printf 'id: 1\\nevent: data\\ndata: {}\\n\\n' | { '" + rtwatch_binary() +
                  "' replay - >/dev/null 2>&1; python3 -c 'import fcntl,os,sys; "
                  "sys.stdout.write(str(fcntl.fcntl(0, fcntl.F_GETFL) & os.O_NONBLOCK))'; }";
    ProcessOptions o;
    o.argv = {"/bin/sh", "-c", script};
    Process p(std::move(o));
    auto status = p.wait_for(10s);
    REQUIRE(status);
    CHECK(p.stdout_text() == "0");
}

TEST_CASE("hardening: a metric name that never appears is named, with the closest known one",
          "[integration][hardening]") {
    auto capture =
        write_file("c.sse",
                   "event: data\ndata: {\"event\":\"data\",\"queueId\":\"q1\",\"metrics\":{\"waiting\":1}}\n\n"
                   "id: 2\nevent: data\ndata: {\"event\":\"data\",\"queueId\":\"q2\",\"metrics\":{\"waiting\":3}}\n\n");
    auto rt = start_rtwatch_raw({"replay", capture, "--where", "waitng > 1"});
    auto status = rt->wait_for(5s);
    REQUIRE(status);
    CHECK(status->code == 0);
    CHECK_THAT(rt->stderr_text(), Catch::Contains("no event of the snapshot has a metric 'waitng'"));
    CHECK_THAT(rt->stderr_text(), Catch::Contains("did you mean 'waiting'?"));
}

TEST_CASE("hardening: a --level metric that never appears is named, with the closest known one",
          "[integration][hardening]") {
    auto capture =
        write_file("l.sse",
                   "id: 1\nevent: data\ndata: {\"event\":\"data\",\"queueId\":\"q1\",\"metrics\":{\"waiting\":12,"
                   "\"availableAgents\":0}}\n\n");
    auto rt =
        start_rtwatch_raw({"replay", capture, "--level", "waitting: red >= 10", "--level", "availableAgents: red < 1"});
    auto status = rt->wait_for(5s);
    REQUIRE(status);
    CHECK(status->code == 0);
    CHECK_THAT(rt->stderr_text(), Catch::Contains("no event of the snapshot has a metric 'waitting' (named by "
                                                  "--fields, --where or --level); did you mean 'waiting'?"));
    CHECK_THAT(rt->stderr_text(), !Catch::Contains("'availableAgents'"));
}

TEST_CASE("hardening: replay drops the event a disconnect cut, at the capture's connection mark",
          "[integration][hardening]") {
    std::string q1 = R"({"event":"data","queueId":"q1","timestamp":"t","metrics":{"waiting":1}})";
    std::string q2 = R"({"event":"data","queueId":"q2","timestamp":"t","metrics":{"waiting":2}})";
    std::string q1b = R"({"event":"data","queueId":"q1","timestamp":"t","metrics":{"waiting":5}})";
    std::string capture = "retry: 1000\n\nevent: data\ndata: " + q1 + "\n\nid: 7\nevent: data\ndata: " + q2 +
                          "\n\nid: 8\nevent: data\ndata: {\"event\":\"da" +  // cut mid-line
                          "\n:rtwatch-connection\n"
                          "id: 9\nevent: data\ndata: " +
                          q1b + "\n\n";
    auto path = write_file("c.sse", capture);
    auto rt = start_rtwatch_raw({"replay", path});
    auto status = rt->wait_for(5s);
    REQUIRE(status);
    INFO(rt->stderr_text());
    CHECK(status->code == 0);
    CHECK_THAT(rt->stderr_text(), !Catch::Contains("ignored data event"));
    auto lines = parse_lines(rt->stdout_text());
    REQUIRE(lines.size() == 3);
    // The snapshot's records carry the id of its last event.
    CHECK(std::string(lines[0]["event_id"].GetString()) == "7");
    CHECK(std::string(lines[1]["event_id"].GetString()) == "7");
    CHECK(std::string(lines[2]["event_id"].GetString()) == "9");
}

namespace {

// A stream endpoint under the test's control, with the sim as token endpoint.
struct StreamServer {
    std::unique_ptr<httplib::Server> server;
    std::thread thread;
    int port = 0;
    std::atomic<int> requests{0};
    explicit StreamServer(std::unique_ptr<httplib::Server> s) : server(std::move(s)) {
        port = server->bind_to_any_port("127.0.0.1");
        REQUIRE(port > 0);
        // bound and listening already: connections queue until the loop accepts
        thread = std::thread([this] { server->listen_after_bind(); });
    }
    ~StreamServer() {
        server->stop();
        thread.join();
    }
};

std::string make_cert(const std::string& dir) {
    auto cmd =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1 -keyout " +
        dir + "/key.pem -out " + dir + "/cert.pem > /dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    return dir + "/cert.pem";
}

}  // namespace

TEST_CASE("hardening: a stream that redirects to itself is a configuration error, exit 7", "[integration][hardening]") {
    Sim sim({"--seed", "1", "--queues", "1", "--agents", "1"});
    StreamServer loop(std::make_unique<httplib::Server>());
    loop.server->Get("/api/v2/realtime/data", [&](const httplib::Request&, httplib::Response& res) {
        ++loop.requests;
        res.set_redirect("/api/v2/realtime/data", 302);
    });
    auto rt = start_rtwatch_raw({"--api-url", "http://127.0.0.1:" + std::to_string(loop.port), "--auth-url", sim.url(),
                                 "--client-id", "rtwatch", "--queue", "queue-0001"},
                                {{"RTWATCH_CLIENT_SECRET", "rtwatch-secret"}});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    INFO(rt->stderr_text());
    CHECK(status->code == 7);
    CHECK_THAT(rt->stderr_text(), Catch::Contains("redirects") && Catch::Contains("check --api-url"));
    CHECK(loop.requests.load() < 100);  // a few attempts of a bounded chain each, not a spin
}

TEST_CASE("hardening: an https stream redirected to http is refused before anything is sent there",
          "[integration][hardening][tls]") {
    if (std::system("openssl version > /dev/null 2>&1") != 0) {
        WARN("openssl is not installed: skipping");
        return;
    }
    std::string dir_template = rtwatch::test::temp_template("rtwatch-hardening");
    char* dir = dir_template.data();
    REQUIRE(::mkdtemp(dir));
    auto cert = make_cert(dir);
    Sim sim({"--seed", "1", "--queues", "1", "--agents", "1"});
    StreamServer plain(std::make_unique<httplib::Server>());
    plain.server->Get("/api/v2/realtime/data", [&](const httplib::Request&, httplib::Response& res) {
        ++plain.requests;  // the bearer token would arrive here in clear text
        res.status = 500;
    });
    StreamServer tls(std::make_unique<httplib::SSLServer>(cert.c_str(), (std::string(dir) + "/key.pem").c_str()));
    const std::string downgrade = "http://127.0.0.1:" + std::to_string(plain.port) + "/api/v2/realtime/data";
    tls.server->Get("/api/v2/realtime/data", [&](const httplib::Request&, httplib::Response& res) {
        ++tls.requests;
        res.set_redirect(downgrade, 307);
    });
    auto rt = start_rtwatch_raw({"--api-url", "https://127.0.0.1:" + std::to_string(tls.port), "--auth-url", sim.url(),
                                 "--client-id", "rtwatch", "--queue", "queue-0001", "--cacert", cert},
                                {{"RTWATCH_CLIENT_SECRET", "rtwatch-secret"}});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    INFO(rt->stderr_text());
    CHECK(status->code == 7);
    CHECK_THAT(rt->stderr_text(), Catch::Contains("it would drop TLS"));
    CHECK(tls.requests.load() >= 1);
    CHECK(plain.requests.load() == 0);
}

TEST_CASE("hardening: a disconnect on every connection ends with the auth exit code within seconds",
          "[integration][hardening]") {
    Sim sim({"--seed", "1", "--queues", "1", "--agents", "1"});
    StreamServer hostile(std::make_unique<httplib::Server>());
    hostile.server->Get("/api/v2/realtime/data", [&](const httplib::Request&, httplib::Response& res) {
        ++hostile.requests;
        res.set_content("event: disconnect\ndata: {\"reason\":\"token_revoked\"}\n\n", "text/event-stream");
    });
    auto t0 = std::chrono::steady_clock::now();
    auto rt = start_rtwatch_raw({"--api-url", "http://127.0.0.1:" + std::to_string(hostile.port), "--auth-url",
                                 sim.url(), "--client-id", "rtwatch", "--queue", "queue-0001"},
                                {{"RTWATCH_CLIENT_SECRET", "rtwatch-secret"}});
    auto status = rt->wait_for(k_exit_timeout);
    auto took = std::chrono::steady_clock::now() - t0;
    REQUIRE(status);
    INFO(rt->stderr_text());
    CHECK(status->code == 3);
    CHECK(took < 10s);
    CHECK(hostile.requests.load() >= 2);  // fresh tokens were tried, spread out,
    CHECK(hostile.requests.load() <= 8);  // and the number of tries is bounded
    CHECK(sim.stats()["token_requests"].GetUint64() <= 8);
    CHECK_THAT(rt->stderr_text(), Catch::Contains("token_revoked"));
}

TEST_CASE("hardening: a SIGHUP while the first token is awaited neither kills nor confuses the run",
          "[integration][hardening]") {
    SilentServer silent;
    auto rt =
        start_rtwatch_raw({"--api-url", silent.url(), "--client-id", "c", "--queue", "q1", "--request-timeout", "20s"},
                          {{"RTWATCH_CLIENT_SECRET", "s3cret-value"}});
    // The token request has reached the silent endpoint: start-up is under way.
    ::fcntl(silent.fd, F_SETFL, O_NONBLOCK);
    int accepted = -1;
    REQUIRE(wait_until([&] { return (accepted = ::accept(silent.fd, nullptr, nullptr)) >= 0; }, 10s));
    rt->kill(SIGHUP);
    CHECK_FALSE(rt->wait_for(300ms));  // still running after the SIGHUP
    rt->kill(SIGTERM);
    auto status = rt->wait_for(k_exit_timeout);
    ::close(accepted);
    REQUIRE(status);
    INFO(rt->stderr_text());
    CHECK(status->exited());
    CHECK(status->code == 0);
}
