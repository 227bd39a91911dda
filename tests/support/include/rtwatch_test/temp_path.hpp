// A mkstemp/mkdtemp template under $TMPDIR (or /tmp when it is unset), so
// tests honour the temporary folder the caller chose. Header-only: unit
// tests use it without the support library.
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>

namespace rtwatch::test {

inline std::string temp_template(std::string_view prefix) {
    const char* base = std::getenv("TMPDIR");
    return std::string(base && *base ? base : "/tmp") + "/" + std::string(prefix) + "-XXXXXX";
}

}  // namespace rtwatch::test
