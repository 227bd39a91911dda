// rtwatch-sim's command line: mistakes are usage errors that name the
// option, and every option in --help is documented in the man page.
#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include "rtwatch_test/binaries.hpp"
#include "sim_helpers.hpp"

using namespace rtwatch::test;

namespace {

ExitStatus run_sim(std::vector<std::string> args, std::string& err) {
    args.insert(args.begin(), sim_binary());
    Process p(ProcessOptions{.argv = args});
    auto status = p.wait_for(Millis(10000));
    REQUIRE(status);
    err = p.stderr_text();
    return *status;
}

}  // namespace

TEST_CASE("sim cli: bad options exit 2 and name every problem at once", "[sim][cli]") {
    std::string err;
    auto status = run_sim({"--heartbeat", "soon", "--expired-token", "maybe", "--tls-cert", "x.pem"}, err);
    CHECK(status.code == 2);
    CHECK_THAT(err, Catch::Contains("--heartbeat 'soon'"));
    CHECK_THAT(err, Catch::Contains("--expired-token 'maybe'"));
    CHECK_THAT(err, Catch::Contains("--tls-cert and --tls-key go together"));
    status = run_sim({"--no-such-option"}, err);
    CHECK(status.code == 2);
    CHECK_THAT(err, Catch::Contains("rtwatch-sim: error:"));
    status = run_sim({"--client-secret-file", "/nonexistent/secret"}, err);
    CHECK(status.code == 2);
    CHECK_THAT(err, Catch::Contains("/nonexistent/secret"));
}

TEST_CASE("sim cli: every option in --help is in man/rtwatch-sim.1", "[sim][cli][docs]") {
    Process p(ProcessOptions{.argv = {sim_binary(), "--help"}});
    REQUIRE(p.wait_for(Millis(10000)));
    const std::string help = p.stdout_text();
    const std::string man = read_file(RTWATCH_SIM_MAN);
    REQUIRE_FALSE(man.empty());
    std::set<std::string> options;
    const std::regex option("--[a-z][a-z-]+");
    for (auto it = std::sregex_iterator(help.begin(), help.end(), option); it != std::sregex_iterator(); ++it)
        options.insert(it->str());
    REQUIRE(options.size() >= 20);
    for (const auto& o : options) {
        std::string escaped;
        for (char c : o) escaped += c == '-' ? std::string("\\-") : std::string(1, c);
        INFO(o);
        CHECK(man.find(escaped) != std::string::npos);
    }
}
