// The libcurl that rtwatch runs with (not the one it was built against), for
// rtwatch --version and bug reports.
#pragma once

#include <string>

namespace rtwatch::net {

// "libcurl 7.88.1, TLS OpenSSL/3.0.11": the run-time library and its TLS backend.
std::string libcurl_version_text();

}  // namespace rtwatch::net
