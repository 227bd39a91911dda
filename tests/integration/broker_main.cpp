// The broker tests need nats-server: without it they report "skipped"
// (ctest's SKIP_RETURN_CODE) rather than fail. Listing tests works either way.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>

#include "nats_server.hpp"

int main(int argc, char** argv) {
    bool listing = false;
    for (int i = 1; i < argc; ++i) listing |= std::strncmp(argv[i], "--list", 6) == 0;
    if (!listing && !rtwatch::test::nats_server_available()) {
        std::puts("nats-server is not installed (scripts/deps.sh test installs it): skipped");
        return 77;
    }
    return Catch::Session().run(argc, argv);
}
