// rtwatch relay over HTTPS, as the man page's TLS section shows it: a
// certificate made with the openssl command, `curl --cacert` reading /state
// and /events, plain HTTP to the TLS port refused in plain text, and a
// certificate renewed by SIGHUP serving the next connection while an open
// stream keeps going.
#include <fstream>

#include "relay_support.hpp"

using namespace rtwatch::test;

namespace {

// Runs argv (a full path: no PATH search) to its end; its stdout, or
// nullopt when it failed.
std::optional<std::string> run(std::vector<std::string> argv, Millis timeout = 20s) {
    Process p(ProcessOptions{.argv = std::move(argv)});
    auto status = p.wait_for(timeout);
    INFO(p.stderr_text());
    if (!status || status->code != 0) return std::nullopt;
    return p.stdout_text();
}

// The man page's command, with the name given.
void make_certificate(const std::string& dir, const std::string& name) {
    REQUIRE(run({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                 "-days", "365", "-subj", "/CN=" + name, "-addext", "subjectAltName=DNS:" + name + ",IP:127.0.0.1",
                 "-keyout", dir + "/relay.key.new", "-out", dir + "/relay.crt.new"}));
    // Swapped in whole, as a renewal would be.
    REQUIRE(std::rename((dir + "/relay.key.new").c_str(), (dir + "/relay.key").c_str()) == 0);
    REQUIRE(std::rename((dir + "/relay.crt.new").c_str(), (dir + "/relay.crt").c_str()) == 0);
}

int https_port(Process& p) {
    INFO(p.stderr_text());
    REQUIRE(p.wait_for_stdout_lines(1, 15s));
    auto doc = parse_json(p.stdout_lines().front());
    std::string url = doc["url"].GetString();
    REQUIRE(url.starts_with("https://127.0.0.1:"));
    return std::stoi(url.substr(url.rfind(':') + 1));
}

}  // namespace

TEST_CASE("relay: --tls-cert serves HTTPS that curl --cacert reads; plain HTTP is refused", "[relay][tls]") {
    const std::string dir = make_temp_dir("rtwatch-tls");
    make_certificate(dir, "first.test");
    Sim sim(busy_model());
    auto relay = start_rtwatch(
        sim, {"relay", "--listen", "127.0.0.1:0", "--tls-cert", dir + "/relay.crt", "--tls-key", dir + "/relay.key"});
    const std::string base = "https://127.0.0.1:" + std::to_string(https_port(*relay));

    auto state = run({"/usr/bin/curl", "-sS", "--fail", "--cacert", dir + "/relay.crt", base + "/state"});
    REQUIRE(state);
    CHECK(parse_json(*state).IsObject());
    // A stream: the snapshot and the ready marker of /events, through curl's verified TLS.
    Process stream(
        ProcessOptions{.argv = {"/usr/bin/curl", "-sS", "-N", "--cacert", dir + "/relay.crt", base + "/events"}});
    REQUIRE(wait_until([&] { return stream.stdout_text().find("event: ready") != std::string::npos; }, 15s));
    CHECK(stream.stdout_text().find("\"type\":\"metrics\"") != std::string::npos);

    // Not trusted without the certificate.
    CHECK_FALSE(run({"/usr/bin/curl", "-sS", "--fail", base + "/state"}));
    // Plain HTTP to the TLS port: a 400 that says so.
    int fd = raw_connect(std::stoi(base.substr(base.rfind(':') + 1)), "GET /state HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    auto answer = read_to_close(fd, 5s);
    ::close(fd);
    CHECK(answer.starts_with("HTTP/1.1 400 "));
    CHECK(answer.find("This port speaks HTTPS") != std::string::npos);
}

TEST_CASE("relay: SIGHUP rereads the certificate; an open stream stays", "[relay][tls]") {
    const std::string dir = make_temp_dir("rtwatch-tls");
    make_certificate(dir, "first.test");
    const std::string first = read_file(dir + "/relay.crt");
    Sim sim(busy_model());
    auto relay = start_rtwatch(sim, {"relay", "--listen", "127.0.0.1:0", "--tls-cert", dir + "/relay.crt", "--tls-key",
                                     dir + "/relay.key", "--log-level", "info"});
    const std::string base = "https://127.0.0.1:" + std::to_string(https_port(*relay));
    { std::ofstream(dir + "/first.crt") << first; }
    Process stream(
        ProcessOptions{.argv = {"/usr/bin/curl", "-sS", "-N", "--cacert", dir + "/first.crt", base + "/events"}});
    REQUIRE(wait_until([&] { return stream.stdout_text().find("event: ready") != std::string::npos; }, 15s));

    make_certificate(dir, "second.test");
    relay->kill(SIGHUP);
    REQUIRE(relay->wait_for_stderr("reread --tls-cert", 10s));
    // New connections: the new certificate, and only it.
    CHECK(run({"/usr/bin/curl", "-sS", "--fail", "--cacert", dir + "/relay.crt", base + "/state"}));
    CHECK_FALSE(run({"/usr/bin/curl", "-sS", "--fail", "--cacert", dir + "/first.crt", base + "/state"}));
    // The stream made before goes on.
    const auto before = stream.stdout_text().size();
    CHECK(wait_until([&] { return stream.stdout_text().size() > before; }, 10s));
    CHECK(stream.running());

    // A pair that does not load leaves the one in use.
    { std::ofstream(dir + "/relay.key") << "not a key\n"; }
    relay->kill(SIGHUP);
    CHECK(relay->wait_for_stderr("(the certificate in use stays)", 10s));
    CHECK(run({"/usr/bin/curl", "-sS", "--fail", "--cacert", dir + "/relay.crt", base + "/state"}));
    relay->kill(SIGTERM);
    auto status = relay->wait_for(15s);
    REQUIRE(status);
    CHECK(status->code == 0);
}
