// rtwatch-sse-testservice: runs rtwatch's SSE client (rtwatch_sse +
// rtwatch_net) behind the HTTP API of the public SSE contract suite.
// Usage: rtwatch-sse-testservice --port N   (listens on 127.0.0.1)
#include <cstdio>
#include <cstdlib>
#include <string>

#include "test_service.hpp"

int main(int argc, char** argv) {
    int port = 8000;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--port" && i + 1 < argc) {
            char* end = nullptr;
            long v = std::strtol(argv[++i], &end, 10);
            if (*end != '\0' || v < 0 || v > 65535) {
                std::fprintf(stderr, "rtwatch-sse-testservice: error: --port needs a number from 0 to 65535\n");
                return 2;
            }
            port = static_cast<int>(v);
        } else {
            std::fprintf(
                stderr,
                "rtwatch-sse-testservice: error: unknown argument '%s'\nusage: rtwatch-sse-testservice --port N\n",
                arg.c_str());
            return 2;
        }
    }
    rtwatch::contract::TestService service;
    auto bound = service.bind(port);
    if (!bound) {
        std::fprintf(stderr, "rtwatch-sse-testservice: error: %s\n", bound.error().message.c_str());
        return 1;
    }
    std::fprintf(stderr, "rtwatch-sse-testservice: listening on http://127.0.0.1:%d\n", bound.value());
    service.serve();
    return 0;
}
