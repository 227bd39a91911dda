// --level from the command line, RTWATCH_LEVELS and the config file, the
// --exec options, and their usage errors reported with all the others.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "rtwatch/app/cli.hpp"
#include "rtwatch_test/temp_path.hpp"

using rtwatch::app::CliOutcome;
using rtwatch::app::parse_command_line;
using namespace std::chrono_literals;

namespace {

CliOutcome parse(std::vector<std::string> args) {
    std::vector<const char*> argv{"rtwatch", "replay", "capture.sse"};
    for (const auto& a : args) argv.push_back(a.c_str());
    return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

std::vector<std::string> metrics_of(const CliOutcome& r) {
    std::vector<std::string> out;
    for (const auto& s : r.config->levels) out.push_back(s.metric);
    return out;
}

struct LevelsEnv {
    explicit LevelsEnv(const char* value) { ::setenv("RTWATCH_LEVELS", value, 1); }
    ~LevelsEnv() { ::unsetenv("RTWATCH_LEVELS"); }
};

struct ConfigFile {
    std::string path;
    explicit ConfigFile(const std::string& text) {
        std::string name_template = rtwatch::test::temp_template("rtwatch-cli-levels");
        char* name = name_template.data();
        int fd = ::mkstemp(name);
        REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
        ::close(fd);
        path = name;
    }
    ~ConfigFile() { ::unlink(path.c_str()); }
};

}  // namespace

TEST_CASE("cli levels: --level repeats, with the --exec options and their defaults", "[app][levels]") {
    auto r = parse(
        {"--level", "waiting: yellow >= 5, red >= 10", "--level", "state: red == \"not_responding\"", "--levels-only"});
    INFO(joined(r.errors));
    REQUIRE(r.config);
    CHECK(metrics_of(r) == std::vector<std::string>{"waiting", "state"});
    CHECK(r.config->levels_only);
    CHECK(r.config->exec.empty());
    CHECK(r.config->exec_jobs == 4);
    CHECK(r.config->exec_timeout == 30s);
    auto e = parse({"--level", "waiting: red >= 1", "--exec", "/usr/local/bin/page.sh", "--exec-jobs", "2",
                    "--exec-timeout", "1500ms"});
    REQUIRE(e.config);
    CHECK(e.config->exec == "/usr/local/bin/page.sh");
    CHECK(e.config->exec_jobs == 2);
    CHECK(e.config->exec_timeout == 1500ms);
}

TEST_CASE("cli levels: bad specs and bad --exec values are reported together, with spec and column", "[app][levels]") {
    auto r = parse({"--level", "waiting: yellow >= 5, red >= 3", "--level", "x: foo", "--level", "waiting: red > 1",
                    "--exec-jobs", "0", "--exec-timeout", "0", "--throttle", "soon"});
    CHECK(r.exit_code == 2);
    CHECK_FALSE(r.config);
    auto text = joined(r.errors);
    CHECK_THAT(text, Catch::Contains("at column 30: waiting: yellow >= 5, red >= 3"));
    CHECK_THAT(text, Catch::Contains("at column 4: x: foo"));
    CHECK_THAT(text, Catch::Contains("--exec-jobs '0'"));
    CHECK_THAT(text, Catch::Contains("--exec-timeout must be more than 0"));
    CHECK_THAT(text, Catch::Contains("--throttle"));
    CHECK(r.errors.size() >= 5);
}

TEST_CASE("cli levels: combinations that cannot work are usage errors naming the fix", "[app][levels]") {
    auto only = parse({"--levels-only"});
    CHECK(only.exit_code == 2);
    CHECK_THAT(joined(only.errors), Catch::Contains("add --level SPEC"));
    auto raw = parse({"--raw", "--level", "waiting: red >= 1"});
    CHECK_THAT(joined(raw.errors), Catch::Contains("--raw"));
    auto fields = parse({"--fields", "availableAgents", "--level", "waiting: red >= 1"});
    CHECK_THAT(joined(fields.errors), Catch::Contains("add waiting to --fields"));
    auto ok = parse({"--fields", "waiting", "--level", "waiting: red >= 1"});
    CHECK(ok.config);
}

TEST_CASE("cli levels: RTWATCH_LEVELS holds specs separated by semicolons, and the command line wins",
          "[app][levels]") {
    LevelsEnv env("waiting: red >= 10; state: red == 'a;b' ;");
    auto r = parse({});
    INFO(joined(r.errors));
    REQUIRE(r.config);
    CHECK(metrics_of(r) == std::vector<std::string>{"waiting", "state"});
    REQUIRE(r.config->levels[1].red);
    CHECK(r.config->levels[1].red->text == "a;b");
    auto cmd = parse({"--level", "availableAgents: red < 1"});
    REQUIRE(cmd.config);
    CHECK(metrics_of(cmd) == std::vector<std::string>{"availableAgents"});
}

TEST_CASE("cli levels: level = lines in the config file repeat, and the environment wins over them", "[app][levels]") {
    ConfigFile conf(
        "level = waiting: yellow >= 5, red >= 10, clear 2\n"
        "level = state: red == \"not_responding\"\n"
        "levels-only = true\nexec = /usr/local/bin/page.sh\nexec-jobs = 3\nexec-timeout = 5s\n");
    auto r = parse({"--config", conf.path});
    INFO(joined(r.errors));
    REQUIRE(r.config);
    CHECK(metrics_of(r) == std::vector<std::string>{"waiting", "state"});
    CHECK(r.config->levels_only);
    CHECK(r.config->exec == "/usr/local/bin/page.sh");
    CHECK(r.config->exec_jobs == 3);
    CHECK(r.config->exec_timeout == 5s);
    LevelsEnv env("availableAgents: red < 1");
    auto e = parse({"--config", conf.path});
    REQUIRE(e.config);
    CHECK(metrics_of(e) == std::vector<std::string>{"availableAgents"});
}

TEST_CASE("cli levels: a bad spec in the config file is reported like one on the command line", "[app][levels]") {
    ConfigFile conf("level = waiting: red >= 10\nlevel = waiting: yellow >= 2\n");
    auto r = parse({"--config", conf.path});
    CHECK(r.exit_code == 2);
    CHECK_THAT(joined(r.errors), Catch::Contains("waiting"));
}
