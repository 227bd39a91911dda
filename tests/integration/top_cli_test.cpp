// `rtwatch top` where there is no terminal: it refuses at once and points
// to plain rtwatch; its help is still readable through a pipe.
#include <catch2/catch.hpp>

#include "rtwatch_run.hpp"
#include "rtwatch_test/binaries.hpp"

using namespace rtwatch::test;

TEST_CASE("top cli: with stdout a pipe it exits 2 and says to use plain rtwatch", "[integration][top]") {
    ProcessOptions o;
    // A real pipe (| cat), and the status of rtwatch rather than of cat.
    o.argv = {"/bin/bash", "-c",
              "\"$0\" top --api-url http://127.0.0.1:9 --client-id rtwatch | cat; exit ${PIPESTATUS[0]}",
              rtwatch_binary()};
    Process p(std::move(o));
    auto status = p.wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 2);
    CHECK(p.stdout_text().empty());
    CHECK_THAT(p.stderr_text(), Catch::Contains("stdout is not one; use plain rtwatch"));
}

TEST_CASE("top cli: --help lists the view's options, also through a pipe", "[integration][top]") {
    auto rt = start_rtwatch_raw({"top", "--help"});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 0);
    auto help = rt->stdout_text();
    CHECK_THAT(help, Catch::Contains("--refresh") && Catch::Contains("--color") && Catch::Contains("rtwatch top"));
}
