// rtwatch entry point: parse options, run the pipeline, map to an exit code.
#include "rtwatch/core/exit_code.hpp"
#include "rtwatch/core/log.hpp"

int main() {
    rtwatch::log::error("not implemented yet");
    return rtwatch::to_int(rtwatch::ExitCode::failure);
}
