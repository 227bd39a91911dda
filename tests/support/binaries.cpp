// The build passes the binaries' paths as compile definitions.
#include "rtwatch_test/binaries.hpp"

namespace rtwatch::test {

std::string sim_binary() { return RTWATCH_SIM_BIN; }
std::string rtwatch_binary() { return RTWATCH_BIN; }

}  // namespace rtwatch::test
