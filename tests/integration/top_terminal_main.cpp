// The terminal tests need tmux: without it they report "skipped" (ctest's
// SKIP_RETURN_CODE) rather than fail. Listing tests works either way.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>

#include "tmux_screen.hpp"

int main(int argc, char** argv) {
    bool listing = false;
    for (int i = 1; i < argc; ++i) listing |= std::strncmp(argv[i], "--list", 6) == 0;
    if (!listing && !rtwatch::test::tmux_available()) {
        std::puts("tmux is not installed (scripts/deps.sh test installs it): skipped");
        return 77;
    }
    return Catch::Session().run(argc, argv);
}
