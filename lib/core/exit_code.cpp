// Names and meanings of the exit codes, as the man page prints them.
#include "rtwatch/core/exit_code.hpp"

namespace rtwatch {

namespace {
constexpr ExitCodeInfo k_table[] = {
    {ExitCode::ok, "ok", "done, or stopped by a signal or a closed output pipe"},
    {ExitCode::failure, "failure", "internal error"},
    {ExitCode::usage, "usage", "bad option, configuration file, or --where expression"},
    {ExitCode::auth, "auth", "the token endpoint refused the credentials, or fresh tokens keep being rejected"},
    {ExitCode::permission, "permission", "the token lacks the required scope"},
    {ExitCode::bad_request, "bad-request", "the server rejected a queue, skill or agent id"},
    {ExitCode::output, "output", "the output could not be written"},
    {ExitCode::upstream, "upstream",
     "the upstream is gone for good: wrong URL, unverifiable TLS certificate, "
     "or no complete --once snapshot within --duration"},
};
}  // namespace

std::span<const ExitCodeInfo> exit_code_table() { return k_table; }

}  // namespace rtwatch
