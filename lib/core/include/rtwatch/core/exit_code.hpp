// The one exit-code table. man/rtwatch.1's EXIT STATUS lists the same
// numbers; tests/docs checks that they agree.
#pragma once

#include <span>
#include <string_view>

namespace rtwatch {

enum class ExitCode : int {
    ok = 0,           // done, or stopped by SIGINT/SIGTERM/closed pipe
    failure = 1,      // an internal error that is not one of the below
    usage = 2,        // bad option, bad config file, bad --where expression
    auth = 3,         // token endpoint refused the credentials, or tokens keep failing
    permission = 4,   // the token lacks the required scope (403)
    bad_request = 5,  // the server rejected a filter id (400)
    output = 6,       // the output could not be written (disk full, unwritable file)
    upstream = 7,     // upstream gone for good: wrong URL (404/410), bad redirects, unverifiable TLS certificate
};

struct ExitCodeInfo {
    ExitCode code;
    std::string_view name;
    std::string_view meaning;
};

std::span<const ExitCodeInfo> exit_code_table();
inline int to_int(ExitCode code) { return static_cast<int>(code); }

}  // namespace rtwatch
