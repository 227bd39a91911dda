#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "rtwatch/app/cli.hpp"
#include "rtwatch_test/temp_path.hpp"

using rtwatch::app::CliOutcome;
using rtwatch::app::parse_command_line;

namespace {

CliOutcome parse(std::initializer_list<const char*> args) {
    std::vector<const char*> argv{"rtwatch"};
    argv.insert(argv.end(), args.begin(), args.end());
    return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

struct SecretEnv {
    SecretEnv() { ::setenv("RTWATCH_CLIENT_SECRET", "s3cret-value", 1); }
    ~SecretEnv() { ::unsetenv("RTWATCH_CLIENT_SECRET"); }
};

}  // namespace

TEST_CASE("cli: a complete live configuration parses", "[app]") {
    SecretEnv env;
    auto r = parse({"--api-url", "http://127.0.0.1:1", "--client-id", "id", "--queue", "q1,q2", "--queue", "q3",
                    "--throttle", "250ms", "--fields", "waiting,waitDuration", "--where", "waiting > 3"});
    INFO(joined(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->queues == std::vector<std::string>{"q1", "q2", "q3"});
    CHECK(r.config->fields == std::vector<std::string>{"waiting", "waitDuration"});
    CHECK(r.config->throttle == rtwatch::Millis(250));
    CHECK(r.config->auth_url == "http://127.0.0.1:1");
    CHECK(r.config->client_secret == "s3cret-value");
}

TEST_CASE("cli: a secret on the command line is refused with the fix", "[app]") {
    auto r = parse({"--api-url", "http://x", "--client-id", "id", "--client-secret", "hunter2", "--queue", "q"});
    REQUIRE_FALSE(r.config);
    CHECK(r.exit_code == 2);
    auto text = joined(r.errors);
    CHECK_THAT(text, Catch::Contains("--client-secret is refused"));
    CHECK_THAT(text, Catch::Contains("RTWATCH_CLIENT_SECRET"));
    CHECK(text.find("hunter2") == std::string::npos);
}

TEST_CASE("cli: every configuration error is reported at once", "[app]") {
    auto r = parse({"--throttle", "fast", "--idle-timeout", "-1s", "--where", "waiting >", "--log-format", "xml"});
    REQUIRE_FALSE(r.config);
    CHECK(r.exit_code == 2);
    auto text = joined(r.errors);
    CHECK_THAT(text, Catch::Contains("--api-url"));
    CHECK_THAT(text, Catch::Contains("client id"));
    CHECK_THAT(text, Catch::Contains("client secret"));
    CHECK_THAT(text, Catch::Contains("--throttle"));
    CHECK_THAT(text, Catch::Contains("--idle-timeout"));
    CHECK_THAT(text, Catch::Contains("--where"));
    CHECK_THAT(text, Catch::Contains("--log-format"));
    CHECK(r.errors.size() >= 7);
}

TEST_CASE("cli: an unknown option is a usage error", "[app]") {
    auto r = parse({"--frobnicate"});
    REQUIRE_FALSE(r.config);
    CHECK(r.exit_code == 2);
    CHECK_THAT(joined(r.errors), Catch::Contains("frobnicate"));
}

TEST_CASE("cli: a group-readable secret file gets a warning, an unfiltered stream too", "[app]") {
    std::string path_template = rtwatch::test::temp_template("rtwatch-secret");
    char* path = path_template.data();
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, "file-secret\n", 12) == 12);
    ::close(fd);
    ::chmod(path, 0644);
    auto r = parse({"--api-url", "http://x", "--client-id", "id", "--client-secret-file", path});
    ::unlink(path);
    REQUIRE(r.config);
    CHECK(r.config->client_secret == "file-secret");
    auto text = joined(r.warnings);
    CHECK_THAT(text, Catch::Contains("readable by group or others"));
    CHECK_THAT(text, Catch::Contains("streaming every resource"));
}

TEST_CASE("cli: replay needs no upstream", "[app]") {
    auto r = parse({"replay", "capture.sse", "--fields", "waiting"});
    INFO(joined(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->mode == rtwatch::app::Mode::replay);
    CHECK(r.config->replay_input == "capture.sse");
}

TEST_CASE("cli: verbosity flags move the log level", "[app]") {
    SecretEnv env;
    auto r = parse({"--api-url", "http://x", "--client-id", "id", "--queue", "q", "-vv"});
    REQUIRE(r.config);
    CHECK(r.config->log.level == rtwatch::log::Level::debug);
    auto q = parse({"--api-url", "http://x", "--client-id", "id", "--queue", "q", "-q"});
    REQUIRE(q.config);
    CHECK(q.config->log.level == rtwatch::log::Level::error);
}

TEST_CASE("cli: options come from a config file, the command line wins", "[app]") {
    SecretEnv env;
    std::string path_template = rtwatch::test::temp_template("rtwatch-conf");
    char* path = path_template.data();
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    std::string conf =
        "api-url = \"http://127.0.0.1:9\"\nclient-id = \"from-file\"\nqueue = [\"q1\", \"q2\"]\n"
        "throttle = \"2s\"\n";
    REQUIRE(::write(fd, conf.data(), conf.size()) == static_cast<ssize_t>(conf.size()));
    ::close(fd);
    auto r = parse({"--config", path, "--throttle", "500ms"});
    ::unlink(path);
    INFO(joined(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->api_url == "http://127.0.0.1:9");
    CHECK(r.config->client_id == "from-file");
    CHECK(r.config->queues == std::vector<std::string>{"q1", "q2"});
    CHECK(r.config->throttle == rtwatch::Millis(500));
}

TEST_CASE("cli: RTWATCH_* environment variables set options for systemd units", "[app]") {
    SecretEnv env;
    ::setenv("RTWATCH_API_URL", "http://127.0.0.1:7", 1);
    ::setenv("RTWATCH_CLIENT_ID", "from-env", 1);
    ::setenv("RTWATCH_QUEUES", "qa,qb", 1);
    ::setenv("RTWATCH_LOG_FORMAT", "json", 1);
    auto r = parse({});
    for (auto name : {"RTWATCH_API_URL", "RTWATCH_CLIENT_ID", "RTWATCH_QUEUES", "RTWATCH_LOG_FORMAT"}) ::unsetenv(name);
    INFO(joined(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->api_url == "http://127.0.0.1:7");
    CHECK(r.config->client_id == "from-env");
    CHECK(r.config->queues == std::vector<std::string>{"qa", "qb"});
    CHECK(r.config->log.format == rtwatch::log::Format::json);
}

TEST_CASE("cli: a missing config file is a usage error naming it", "[app]") {
    auto r = parse({"--config", "/nonexistent/rtwatch.conf"});
    REQUIRE_FALSE(r.config);
    CHECK(r.exit_code == 2);
    CHECK_THAT(joined(r.errors), Catch::Contains("/nonexistent/rtwatch.conf"));
}

TEST_CASE("cli: a misspelt option is answered with the closest real one", "[app]") {
    auto r = parse({"replay", "-", "--throttle", "1s", "--thrtottle", "1s"});
    REQUIRE_FALSE(r.config);
    CHECK(r.exit_code == 2);
    CHECK_THAT(joined(r.errors), Catch::Contains("unknown option --thrtottle: did you mean --throttle?"));
    // A subcommand's own options are candidates under that subcommand.
    auto relay = parse({"relay", "replay", "-", "--max-viewer", "5"});
    CHECK_THAT(joined(relay.errors), Catch::Contains("unknown option --max-viewer: did you mean --max-viewers?"));
    auto far = parse({"replay", "-", "--frobnicate"});
    CHECK_THAT(joined(far.errors), Catch::Contains("unknown option --frobnicate"));
    CHECK_THAT(joined(far.errors), !Catch::Contains("did you mean"));
}

TEST_CASE("cli: --listen localhost:PORT and :PORT are loopback", "[app]") {
    for (const char* listen : {"localhost:8081", ":8081"}) {
        auto r = parse({"relay", "replay", "-", "--listen", listen});
        INFO(listen << ": " << joined(r.errors));
        REQUIRE(r.config);
        CHECK(r.config->listen == "127.0.0.1:8081");
    }
    auto wide = parse({"relay", "replay", "-", "--listen", "0.0.0.0:8081"});
    CHECK_THAT(joined(wide.errors), Catch::Contains("reachable from other hosts"));
}

TEST_CASE("cli: -o naming a directory says it is one and names a file in it", "[app]") {
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = tmp && *tmp ? tmp : "/tmp";
    auto r = parse({"replay", "-", "-o", dir.c_str()});
    REQUIRE_FALSE(r.config);
    CHECK(r.exit_code == 2);
    CHECK_THAT(joined(r.errors), Catch::Contains("-o " + dir + ": that is a directory; name a file in it, e.g. -o "));
    CHECK_THAT(joined(r.errors), Catch::Contains("/rtwatch.ndjson"));
}

TEST_CASE("cli: a relay beyond loopback without TLS is warned about; --tls-cert and --tls-key go together", "[app]") {
    auto plain = parse({"relay", "replay", "-", "--listen", "0.0.0.0:8081", "--no-viewer-auth"});
    REQUIRE(plain.config);
    CHECK_THAT(joined(plain.warnings),
               Catch::Contains("over plain HTTP: the viewer token and the data travel in clear; "
                               "serve HTTPS with --tls-cert and --tls-key"));
    auto tls = parse({"relay", "replay", "-", "--listen", "0.0.0.0:8081", "--no-viewer-auth", "--tls-cert", "c.pem",
                      "--tls-key", "k.pem"});
    REQUIRE(tls.config);
    CHECK_THAT(joined(tls.warnings), !Catch::Contains("plain HTTP"));
    CHECK(tls.config->tls_cert == "c.pem");
    CHECK(tls.config->tls_key == "k.pem");
    auto local = parse({"relay", "replay", "-", "--listen", "127.0.0.1:8081"});
    REQUIRE(local.config);
    CHECK_THAT(joined(local.warnings), !Catch::Contains("plain HTTP"));
    auto half = parse({"relay", "replay", "-", "--tls-cert", "c.pem"});
    REQUIRE_FALSE(half.config);
    CHECK(half.exit_code == 2);
    CHECK_THAT(joined(half.errors), Catch::Contains("--tls-cert needs --tls-key FILE"));
}
