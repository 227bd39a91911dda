// Paths of the binaries under test, fixed at build time.
#pragma once

#include <string>

namespace rtwatch::test {

std::string sim_binary();      // rtwatch-sim
std::string rtwatch_binary();  // rtwatch

}  // namespace rtwatch::test
