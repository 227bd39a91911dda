// What rtwatch --version prints: the version, the git revision it was built
// from, and the libraries in it, like curl -V, for bug reports.
#pragma once

#include <string>

namespace rtwatch::app {

// "rtwatch 0.1.0 (git abc1234)\n" then one line per library, each ending in "\n".
std::string version_text();

}  // namespace rtwatch::app
