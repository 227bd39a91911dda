// The real rtwatch binary given bad configuration: exit 2 before anything
// starts, messages that name the cause, in the chosen log format; and the
// inputs that must work (lists before a positional, systemd credentials).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "rtwatch_run.hpp"
#include "rtwatch_test/binaries.hpp"

using namespace rtwatch::test;
using namespace std::chrono_literals;

namespace {

std::string event(int id, const std::string& queue, int waiting) {
    return "id: " + std::to_string(id) + "\nevent: data\ndata: {\"event\":\"data\",\"queueId\":\"" + queue +
           "\",\"metrics\":{\"waiting\":" + std::to_string(waiting) + "}}\n\n";
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

ExitStatus finished(Process& p) {
    auto status = p.wait_for(k_exit_timeout);
    INFO(p.stderr_text());
    REQUIRE(status);
    return *status;
}

}  // namespace

TEST_CASE("cli binary: usage errors exit 2 with every message and nothing on stdout", "[integration][cli]") {
    auto rt = start_rtwatch_raw({"replay", "--count", "0", "--queue", "a,,b", "--raw", "--where", "waiting > 1",
                                 "--cacert", "/nonexistent/ca.pem"});
    auto status = finished(*rt);
    CHECK(status.code == 2);
    auto err = rt->stderr_text();
    CHECK_THAT(err, Catch::Contains("rtwatch: error: --count '0'"));
    CHECK_THAT(err, Catch::Contains("--queue 'a,,b': an empty id between commas"));
    CHECK_THAT(err, Catch::Contains("cannot be combined with --fields or --where"));
    CHECK_THAT(err, Catch::Contains("--cacert: cannot read '/nonexistent/ca.pem'"));
    CHECK(rt->stdout_text().empty());
}

TEST_CASE("cli binary: --log-format json after the bad option makes the error a JSON line", "[integration][cli]") {
    auto rt = start_rtwatch_raw({"--frobnicate", "--log-format", "json"});
    CHECK(finished(*rt).code == 2);
    auto lines = lines_of(rt->stderr_text());
    REQUIRE(lines.size() == 1);
    auto records = parse_lines(rt->stderr_text());
    CHECK(std::string(records[0]["level"].GetString()) == "error");
    CHECK_THAT(std::string(records[0]["msg"].GetString()), Catch::Contains("--frobnicate"));
    auto conf_dir = make_temp_dir();
    auto conf = conf_dir + "/rtwatch.conf";
    std::ofstream(conf) << "log-format = json\nthrotle = 1s\n";
    auto from_file = start_rtwatch_raw({"replay", "--config", conf});
    CHECK(finished(*from_file).code == 2);
    auto file_records = parse_lines(from_file->stderr_text());
    REQUIRE(file_records.size() == 1);
    CHECK(std::string(file_records[0]["msg"].GetString()) ==
          conf + ":2: unknown option 'throtle': did you mean 'throttle'?");
}

TEST_CASE("cli binary: a bad config file stops rtwatch before it asks for a token", "[integration][cli]") {
    Sim sim({"--seed", "3", "--queues", "2", "--agents", "2", "--skills", "1"});
    auto dir = make_temp_dir();
    auto conf = dir + "/rtwatch.conf";
    std::ofstream(conf) << "queue = queue-0001\n[section]\nfileds = waiting\n";
    auto rt = start_rtwatch(sim, {"--config", conf, "--once"});
    CHECK(finished(*rt).code == 2);
    CHECK_THAT(rt->stderr_text(), Catch::Contains(conf + ":2: section header '[section]'") &&
                                      Catch::Contains(conf + ":3: unknown option 'fileds': did you mean 'fields'?"));
    CHECK(sim.stats()["token_requests"].GetUint64() == 0);
}

TEST_CASE("cli binary: /dev/zero as config or secret file is refused quickly", "[integration][cli]") {
    auto conf = start_rtwatch_raw({"replay", "--config", "/dev/zero"});
    CHECK(finished(*conf).code == 2);
    CHECK_THAT(conf->stderr_text(), Catch::Contains("'/dev/zero' is larger than"));
    auto secret = start_rtwatch_raw(
        {"--api-url", "http://127.0.0.1:9", "--client-id", "x", "--queue", "q", "--client-secret-file", "/dev/zero"},
        {{"RTWATCH_CLIENT_SECRET", ""}});
    CHECK(finished(*secret).code == 2);
    CHECK_THAT(secret->stderr_text(), Catch::Contains("--client-secret-file: the secret file '/dev/zero' is larger"));
}

TEST_CASE("cli binary: replay --fields NAME FILE reads the file, every record kept", "[integration][cli]") {
    auto dir = make_temp_dir();
    auto capture = dir + "/capture.sse";
    std::ofstream(capture) << event(1, "q1", 1) << event(2, "q2", 5) << event(3, "q1", 2);
    auto rt = start_rtwatch_raw({"replay", "--fields", "waiting", capture});
    CHECK(finished(*rt).code == 0);
    auto records = parse_lines(rt->stdout_text());
    REQUIRE(records.size() == 3);
    CHECK(std::string(records[2]["event_id"].GetString()) == "3");
    CHECK(records[2]["metrics"]["waiting"].GetInt() == 2);
}

TEST_CASE("cli binary: server text cannot forge a log line", "[integration][cli]") {
    auto dir = make_temp_dir();
    auto capture = dir + "/capture.sse";
    std::ofstream(capture) << "id: 1\nevent: data\ndata: {\"event\":\"x\\nrtwatch: error: forged \\u001b[31m\","
                              "\"queueId\":\"q1\"}\n\n"
                           << event(2, "q1", 4);
    auto rt = start_rtwatch_raw({"replay", capture});
    CHECK(finished(*rt).code == 0);
    auto err = rt->stderr_text();
    INFO(err);
    for (const auto& line : lines_of(err)) CHECK_FALSE(line.starts_with("rtwatch: error: forged"));
    CHECK(err.find('\x1b') == std::string::npos);
    CHECK_THAT(err, Catch::Contains("\\nrtwatch: error: forged \\x1b[31m"));
    CHECK(parse_lines(rt->stdout_text()).size() == 1);  // the good event still came through
}

TEST_CASE("cli binary: on the journal each text line starts with its priority", "[integration][cli]") {
    // JOURNAL_STREAM names the file the child's stderr is appended to.
    auto dir = make_temp_dir();
    auto err_path = dir + "/journal";
    std::ofstream(err_path).flush();
    struct stat st {};
    REQUIRE(::stat(err_path.c_str(), &st) == 0);
    ProcessOptions o;
    o.argv = {"/bin/sh", "-c", "exec \"$0\" replay --count 0 2>>\"$1\"", rtwatch_binary(), err_path};
    o.env.emplace_back("JOURNAL_STREAM", std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino));
    Process p(std::move(o));
    auto status = p.wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 2);
    CHECK_THAT(read_file(err_path), Catch::StartsWith("<3>rtwatch: error: --count '0'"));
}

TEST_CASE("cli binary: the secret comes from $CREDENTIALS_DIRECTORY under systemd", "[integration][cli]") {
    Sim sim({"--seed", "3", "--queues", "2", "--agents", "2", "--skills", "1"});
    auto dir = make_temp_dir();
    std::ofstream(dir + "/client-secret") << "rtwatch-secret\n";
    ::chmod((dir + "/client-secret").c_str(), 0400);
    auto rt = start_rtwatch_raw({"--api-url", sim.url(), "--client-id", "rtwatch", "--queue", "queue-0001", "--once"},
                                {{"CREDENTIALS_DIRECTORY", dir}, {"RTWATCH_CLIENT_SECRET", ""}});
    CHECK(finished(*rt).code == 0);
    CHECK(parse_lines(rt->stdout_text()).size() == 1);
    auto none = start_rtwatch_raw({"--api-url", sim.url(), "--client-id", "rtwatch", "--queue", "queue-0001"},
                                  {{"CREDENTIALS_DIRECTORY", dir + "/missing"}, {"RTWATCH_CLIENT_SECRET", ""}});
    CHECK(finished(*none).code == 2);
    CHECK_THAT(none->stderr_text(), Catch::Contains("no client secret") && Catch::Contains("LoadCredential"));
}

TEST_CASE("cli binary: a token URL that answers 404 is a wrong URL (exit 7), not an auth failure",
          "[integration][cli]") {
    Sim sim({"--seed", "3", "--queues", "2", "--agents", "2", "--skills", "1"});
    auto rt = start_rtwatch(sim, {"--auth-url", sim.url() + "/no/such/path", "--queue", "queue-0001", "--once"});
    CHECK(finished(*rt).code == 7);
    CHECK_THAT(rt->stderr_text(), Catch::Contains("404") && Catch::Contains("--auth-url"));
}
