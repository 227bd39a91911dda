// The config file, precedence, files rtwatch reads at start-up, and the
// usage errors: each bad input gives exit 2 and a message naming the fix.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "rtwatch/app/cli.hpp"
#include "rtwatch_test/temp_path.hpp"

using rtwatch::Millis;
using rtwatch::app::CliOutcome;
using rtwatch::app::parse_command_line;

namespace {

CliOutcome parse(std::vector<std::string> args) {
    std::vector<const char*> argv{"rtwatch"};
    for (const auto& a : args) argv.push_back(a.c_str());
    return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

// Environment variables set for one test, restored (unset) after it.
struct Env {
    std::vector<std::string> names;
    Env(std::initializer_list<std::pair<const char*, std::string>> vars) {
        for (const auto& [name, value] : vars) {
            ::setenv(name, value.c_str(), 1);
            names.emplace_back(name);
        }
    }
    ~Env() {
        for (const auto& n : names) ::unsetenv(n.c_str());
    }
};

struct TempFile {
    std::string path;
    explicit TempFile(const std::string& text, mode_t mode = 0600) {
        std::string name_template = rtwatch::test::temp_template("rtwatch-cli");
        char* name = name_template.data();
        int fd = ::mkstemp(name);
        REQUIRE(fd >= 0);
        REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
        ::close(fd);
        ::chmod(name, mode);
        path = name;
    }
    ~TempFile() { ::unlink(path.c_str()); }
};

const std::vector<std::string> k_live = {"--api-url", "http://127.0.0.1:1", "--client-id", "id", "--queue", "q"};

std::vector<std::string> live_with(std::initializer_list<std::string> more) {
    auto args = k_live;
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

}  // namespace

TEST_CASE("cli config: RTWATCH_CONFIG names the config file", "[app]") {
    TempFile conf("api-url = http://127.0.0.1:9\nclient-id = from-file\nqueue = q1\n");
    Env env{{"RTWATCH_CONFIG", conf.path}, {"RTWATCH_CLIENT_SECRET", "s3cret-value"}};
    auto r = parse({});
    INFO(joined(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->client_id == "from-file");
    Env missing{{"RTWATCH_CONFIG", "/nonexistent/rtwatch.conf"}};
    auto m = parse({});
    CHECK(m.exit_code == 2);
    CHECK_THAT(joined(m.errors), Catch::Contains("cannot read the config file '/nonexistent/rtwatch.conf'"));
}

TEST_CASE("cli config: the command line beats the environment, which beats the file", "[app]") {
    TempFile conf("api-url = http://from-file:1\nclient-id = file-id\nthrottle = 2s\nqueue = qf\n");
    Env env{{"RTWATCH_CLIENT_SECRET", "s3cret-value"}, {"RTWATCH_THROTTLE", "3s"}, {"RTWATCH_CLIENT_ID", "env-id"}};
    auto r = parse({"--config", conf.path, "--client-id", "cli-id"});
    INFO(joined(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->client_id == "cli-id");            // command line over environment and file
    CHECK(r.config->throttle == Millis(3'000));        // environment over file
    CHECK(r.config->api_url == "http://from-file:1");  // the file fills the rest
    CHECK(r.config->queues == std::vector<std::string>{"qf"});
    CHECK_FALSE(r.config->auth_url_given);
    CHECK(parse({"--config", conf.path, "--auth-url", "http://auth:1"}).config->auth_url_given);
}

TEST_CASE("cli config: every bad line is reported with its number, unknown keys with the closest one", "[app]") {
    TempFile conf(
        "# comment\n; also a comment\nthrotle = 1s\n[main]\njust words\nqueue-id = x\n"
        "zzzzzz = 1\nclient-secret = hunter22\nwhere = \"unclosed\nduration = 1s\nduration = 2s\n");
    auto r = parse({"--config", conf.path});
    REQUIRE_FALSE(r.config);
    CHECK(r.exit_code == 2);
    auto text = joined(r.errors);
    auto at = [&](int line) { return conf.path + ":" + std::to_string(line) + ": "; };
    CHECK_THAT(text, Catch::Contains(at(3) + "unknown option 'throtle': did you mean 'throttle'?"));
    CHECK_THAT(text, Catch::Contains(at(4) + "section header '[main]' is not supported"));
    CHECK_THAT(text, Catch::Contains(at(5) + "expected 'name = value'"));
    CHECK_THAT(text, Catch::Contains(at(6) + "unknown option 'queue-id': did you mean 'queue'?"));
    CHECK_THAT(text, Catch::Contains(at(7) + "unknown option 'zzzzzz': see rtwatch --help"));
    CHECK_THAT(text, Catch::Contains(at(8) + "a secret is not read from the config file"));
    CHECK_THAT(text, Catch::Contains(at(9) + "where: the value's double quote is not closed"));
    CHECK_THAT(text, Catch::Contains(at(11) + "duration is already set on line 10"));
    CHECK(text.find("hunter22") == std::string::npos);
}

TEST_CASE("cli config: values may be bare, quoted or lists; a where expression needs no quotes", "[app]") {
    TempFile conf(
        "api-url = 'http://127.0.0.1:9'\nclient-id = \"a \\\"b\\\"\"\n"
        "where = waiting > 1 and availableAgents < 2\nqueue = [\"q1\", q2]\nqueue = q3,q4\n"
        "fields = waiting\nonce = true\nlog_level = info\n");
    Env env{{"RTWATCH_CLIENT_SECRET", "s3cret-value"}};
    auto r = parse({"--config", conf.path});
    INFO(joined(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->api_url == "http://127.0.0.1:9");
    CHECK(r.config->client_id == "a \"b\"");
    CHECK(r.config->where == "waiting > 1 and availableAgents < 2");
    CHECK(r.config->queues == std::vector<std::string>{"q1", "q2", "q3", "q4"});
    CHECK(r.config->once);
    CHECK(r.config->log.level == rtwatch::log::Level::info);
}

TEST_CASE("cli config: a value the option rejects names the file and line", "[app]") {
    TempFile conf("max-event-size = lots\n");
    auto r = parse({"replay", "-", "--config", conf.path});
    REQUIRE_FALSE(r.config);
    CHECK_THAT(joined(r.errors), Catch::Contains(conf.path + ":1: max-event-size:"));
}

TEST_CASE("cli files: /dev/zero as the config file or the secret file is refused, capped", "[app]") {
    auto conf = parse({"replay", "-", "--config", "/dev/zero"});
    REQUIRE_FALSE(conf.config);
    CHECK(conf.exit_code == 2);
    CHECK_THAT(joined(conf.errors), Catch::Contains("the config file '/dev/zero' is larger than 262144 bytes"));
    auto secret = parse(live_with({"--client-secret-file", "/dev/zero"}));
    REQUIRE_FALSE(secret.config);
    CHECK_THAT(joined(secret.errors),
               Catch::Contains("--client-secret-file: the secret file '/dev/zero' is larger than 16384 bytes"));
}

TEST_CASE("cli files: a secret file of several lines is refused without echoing it", "[app]") {
    TempFile file("first-line-secret\nsecond\n");
    auto r = parse(live_with({"--client-secret-file", file.path}));
    REQUIRE_FALSE(r.config);
    auto text = joined(r.errors);
    CHECK_THAT(text, Catch::Contains("more than one line"));
    CHECK(text.find("first-line-secret") == std::string::npos);
}

TEST_CASE("cli secret: $CREDENTIALS_DIRECTORY/client-secret is the systemd way", "[app]") {
    std::string dir_template = rtwatch::test::temp_template("rtwatch-creds");
    char* dir = dir_template.data();
    REQUIRE(::mkdtemp(dir));
    std::string path = std::string(dir) + "/client-secret";
    std::ofstream(path) << "credential-secret\n";
    ::chmod(path.c_str(), 0400);
    Env env{{"CREDENTIALS_DIRECTORY", dir}};
    auto r = parse(k_live);
    INFO(joined(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->client_secret == "credential-secret");
    CHECK(r.warnings.size() == 0);
    {
        Env both{{"RTWATCH_CLIENT_SECRET", "env-wins-secret"}};
        auto e = parse(k_live);
        REQUIRE(e.config);
        CHECK(e.config->client_secret == "env-wins-secret");
    }
    ::unlink(path.c_str());
    auto none = parse(k_live);
    REQUIRE_FALSE(none.config);
    ::rmdir(dir);
    auto text = joined(none.errors);
    CHECK_THAT(text, Catch::Contains("RTWATCH_CLIENT_SECRET") && Catch::Contains("--client-secret-file") &&
                         Catch::Contains("client-secret (LoadCredential="));
}

TEST_CASE("cli lists: one value per option, so a positional after a list is the input", "[app]") {
    auto r = parse({"replay", "--fields", "waiting", "capture.sse"});
    INFO(joined(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->replay_input == "capture.sse");
    CHECK(r.config->fields == std::vector<std::string>{"waiting"});
    auto lists = parse({"replay", "--queue", "a,b", "--queue", "c", "--fields=x,y", "in.sse"});
    REQUIRE(lists.config);
    CHECK(lists.config->queues == std::vector<std::string>{"a", "b", "c"});
    CHECK(lists.config->fields == std::vector<std::string>{"x", "y"});
    CHECK(lists.config->replay_input == "in.sse");
}

TEST_CASE("cli usage: empty ids, --raw with --fields or --where, bad --count", "[app]") {
    auto r = parse({"replay", "--queue", "", "--skill", "a,,b", "--agent", "x,", "--raw", "--fields", "f", "--where",
                    "waiting > 1", "--count", "0"});
    REQUIRE_FALSE(r.config);
    CHECK(r.exit_code == 2);
    auto text = joined(r.errors);
    CHECK_THAT(text, Catch::Contains("--queue: an empty id"));
    CHECK_THAT(text, Catch::Contains("--skill 'a,,b': an empty id between commas"));
    CHECK_THAT(text, Catch::Contains("--agent 'x,': an empty id between commas"));
    CHECK_THAT(text, Catch::Contains("--raw") && Catch::Contains("cannot be combined with --fields or --where"));
    CHECK_THAT(text, Catch::Contains("--count '0': give a whole number of records, at least 1"));
    for (const char* count : {"-1", "abc", "1.5", ""}) {
        INFO(count);
        auto c = parse({"replay", std::string("--count=") + count});
        if (std::string_view(count).empty()) continue;  // --count= is CLI11's "missing value"
        REQUIRE_FALSE(c.config);
        CHECK_THAT(joined(c.errors), Catch::Contains("--count"));
    }
    auto raw = parse({"replay", "--raw", "--count", "5"});
    REQUIRE(raw.config);
    CHECK(raw.config->count == 5);
    Env env{{"RTWATCH_QUEUES", "qa,,qb"}};
    CHECK_THAT(joined(parse({"replay"}).errors), Catch::Contains("--queue 'qa,,qb'"));
}

TEST_CASE("cli usage: --cacert must be readable, URLs http(s) without control characters", "[app]") {
    Env env{{"RTWATCH_CLIENT_SECRET", "s3cret-value"}};
    auto r = parse({"--api-url", "http://ok\x1b[2J", "--auth-url", "ftp://auth", "--client-id", "id", "--queue", "q",
                    "--cacert", "/nonexistent/ca.pem"});
    REQUIRE_FALSE(r.config);
    CHECK(r.exit_code == 2);
    auto text = joined(r.errors);
    CHECK_THAT(text, Catch::Contains("--cacert: cannot read '/nonexistent/ca.pem'"));
    CHECK_THAT(text, Catch::Contains("--api-url: the URL has a control character or space at offset 9"));
    CHECK(text.find('\x1b') == std::string::npos);
    CHECK_THAT(text, Catch::Contains("--auth-url 'ftp://auth' is not an http:// or https:// URL"));
    CHECK_THAT(joined(parse({"--api-url", "http://a b", "--client-id", "i", "--queue", "q"}).errors),
               Catch::Contains("offset 8"));
}

TEST_CASE("cli bounds: --once without --duration is bounded by 30 s in live mode", "[app]") {
    Env env{{"RTWATCH_CLIENT_SECRET", "s3cret-value"}};
    auto once = parse(live_with({"--once"}));
    REQUIRE(once.config);
    REQUIRE(once.config->duration);
    CHECK(*once.config->duration == Millis(30'000));
    auto given = parse(live_with({"--once", "--duration", "5m"}));
    REQUIRE(given.config);
    CHECK(*given.config->duration == Millis(300'000));
    auto plain = parse(k_live);
    REQUIRE(plain.config);
    CHECK_FALSE(plain.config->duration);
    auto replay = parse({"replay", "--once"});
    REQUIRE(replay.config);
    CHECK_FALSE(replay.config->duration);  // a file ends on its own
}

TEST_CASE("cli help: rtwatch replay --help lists the options that apply to replay", "[app]") {
    auto r = parse({"replay", "--help"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.stdout_text, Catch::Contains("rtwatch replay") && Catch::Contains("--fields") &&
                                  Catch::Contains("--where") && Catch::Contains("--throttle") &&
                                  Catch::Contains("--output") && Catch::Contains("--log-format"));
    CHECK(r.stdout_text.find("--api-url") == std::string::npos);
    CHECK(r.stdout_text.find("--record") == std::string::npos);
    CHECK_THAT(parse({"--help"}).stdout_text, Catch::Contains("--api-url"));
}

TEST_CASE("cli log: usage errors follow --log-format json, even given after the bad option", "[app]") {
    auto r = parse({"--frobnicate", "--log-format", "json"});
    CHECK(r.exit_code == 2);
    CHECK(r.log.format == rtwatch::log::Format::json);
    auto eq = parse({"--count", "0", "--log-format=json", "replay"});
    CHECK(eq.exit_code == 2);
    CHECK(eq.log.format == rtwatch::log::Format::json);
    Env env{{"RTWATCH_LOG_FORMAT", "json"}};
    CHECK(parse({"--frobnicate"}).log.format == rtwatch::log::Format::json);
    TempFile conf("log-format = json\nbogus = 1\n");
    ::unsetenv("RTWATCH_LOG_FORMAT");
    CHECK(parse({"replay", "--config", conf.path}).log.format == rtwatch::log::Format::json);
    CHECK(parse({"--frobnicate"}).log.format == rtwatch::log::Format::text);
}

TEST_CASE("cli log: a JOURNAL_STREAM naming stderr turns on the priority prefixes", "[app]") {
    struct stat st {};
    REQUIRE(::fstat(2, &st) == 0);
    Env env{{"JOURNAL_STREAM", std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino)}};
    auto r = parse({"replay"});
    REQUIRE(r.config);
    CHECK(r.config->log.journal_priority);
    CHECK(r.log.journal_priority);
    Env other{{"JOURNAL_STREAM", "1:2"}};
    CHECK_FALSE(parse({"replay"}).log.journal_priority);
}

TEST_CASE("cli secrets: the password of a URL is masked in every later message", "[app]") {
    rtwatch::log::clear_secrets();
    auto r = parse({"replay", "--api-url", "https://dash:url-pa55word@api.example.com/base"});
    REQUIRE(r.config);
    CHECK(rtwatch::log::sanitize("the password url-pa55word alone") == "the password *** alone");
    rtwatch::log::clear_secrets();
}

TEST_CASE("cli: genesys options come from the config file like the others", "[app][genesys]") {
    Env env{{"RTWATCH_CLIENT_SECRET", "s"}};
    TempFile conf(
        "platform = genesys\nregion = mypurecloud.de\nclient-id = c\nqueue = q1\nmedia = [\"voice\", \"chat\"]\n");
    auto r = parse({"--config", conf.path});
    INFO(joined(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->platform == rtwatch::app::Platform::genesys);
    CHECK(r.config->api_url == "https://api.mypurecloud.de");
    CHECK(r.config->auth_url == "https://login.mypurecloud.de");
    CHECK(r.config->stream_url == "wss://streaming.mypurecloud.de");
    CHECK(r.config->media == std::vector<std::string>{"voice", "chat"});
    CHECK(r.config->idle_timeout == Millis(60'000));
    CHECK(r.config->scope.empty());
}

TEST_CASE("cli: genesys overrides win over the region; sse keeps its defaults", "[app][genesys]") {
    Env env{{"RTWATCH_CLIENT_SECRET", "s"}};
    auto g = parse({"--platform", "genesys", "--region", "mypurecloud.com", "--api-url", "http://127.0.0.1:1",
                    "--stream-url", "wss://127.0.0.1:2", "--client-id", "c", "--agent", "a", "--idle-timeout", "5s"});
    INFO(joined(g.errors));
    REQUIRE(g.config);
    CHECK(g.config->api_url == "http://127.0.0.1:1");
    CHECK(g.config->auth_url == "https://login.mypurecloud.com");
    CHECK(g.config->stream_url == "wss://127.0.0.1:2");
    CHECK(g.config->idle_timeout == Millis(5'000));
    auto s = parse({"--api-url", "http://127.0.0.1:1", "--client-id", "c", "--queue", "q"});
    REQUIRE(s.config);
    CHECK(s.config->platform == rtwatch::app::Platform::sse);
    CHECK(s.config->idle_timeout == Millis(30'000));
    CHECK(s.config->scope == "genesyscloud.realtime.data.view");
}

TEST_CASE("cli: genesys usage errors name the reason", "[app][genesys]") {
    Env env{{"RTWATCH_CLIENT_SECRET", "s"}};
    auto skill = parse(
        {"--platform", "genesys", "--region", "mypurecloud.com", "--client-id", "c", "--queue", "q", "--skill", "s"});
    CHECK(skill.exit_code == 2);
    CHECK(joined(skill.errors).find("no skill topic") != std::string::npos);
    auto none = parse({"--platform", "genesys", "--region", "mypurecloud.com", "--client-id", "c"});
    CHECK(joined(none.errors).find("--queue and --agent") != std::string::npos);
    auto hosts = parse({"--platform", "genesys", "--client-id", "c", "--queue", "q"});
    CHECK(joined(hosts.errors).find("set --region") != std::string::npos);
    auto region =
        parse({"--platform", "genesys", "--region", "https://api.mypurecloud.com", "--client-id", "c", "--queue", "q"});
    CHECK(joined(region.errors).find("not a domain") != std::string::npos);
    auto stream = parse({"--platform", "genesys", "--region", "mypurecloud.com", "--stream-url", "http://x",
                         "--client-id", "c", "--queue", "q"});
    CHECK(joined(stream.errors).find("ws:// or wss://") != std::string::npos);
    auto downgrade = parse({"--platform", "genesys", "--region", "mypurecloud.com", "--stream-url", "ws://x.test",
                            "--client-id", "c", "--queue", "q"});
    CHECK(downgrade.exit_code == 2);
    CHECK(joined(downgrade.errors) ==
          "--stream-url 'ws://x.test' under https://api.mypurecloud.com: it would drop TLS; give a wss:// URL, or pass "
          "--insecure for a test server\n");
    auto allowed = parse({"--platform", "genesys", "--region", "mypurecloud.com", "--stream-url", "ws://x.test",
                          "--client-id", "c", "--queue", "q", "--insecure"});
    CHECK(allowed.config);
    auto platform =
        parse({"--platform", "kafka", "--api-url", "http://127.0.0.1:1", "--client-id", "c", "--queue", "q"});
    CHECK(joined(platform.errors).find("use sse or genesys") != std::string::npos);
    auto media = parse({"--api-url", "http://127.0.0.1:1", "--client-id", "c", "--queue", "q", "--media", "voice"});
    CHECK(joined(media.errors).find("--media is for --platform genesys") != std::string::npos);
}
