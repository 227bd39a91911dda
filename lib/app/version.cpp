// The --version text. libcurl is asked at run time (it is a shared library
// that upgrades on its own); the header-only and static libraries are
// reported as compiled in.
#include "rtwatch/app/version.hpp"

#include <fmt/format.h>
#include <rapidjson/rapidjson.h>
#include <CLI/Version.hpp>

#include "rtwatch/core/version.hpp"
#include "rtwatch/net/library_version.hpp"

namespace rtwatch::app {

std::string version_text() {
    std::string text = fmt::format("rtwatch {} (git {})\n", k_version, k_git_revision);
    text += net::libcurl_version_text() + "\n";
    text += fmt::format("RapidJSON {}\n", RAPIDJSON_VERSION_STRING);
    text += fmt::format("fmt {}.{}.{}\n", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100);
    text += fmt::format("CLI11 {}\n", CLI11_VERSION);
    return text;
}

}  // namespace rtwatch::app
