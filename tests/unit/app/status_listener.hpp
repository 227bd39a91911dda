// A source listener for the glue tests that keeps what a source says of
// itself: each status as "status: message", and how it ended.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rtwatch/app/source.hpp"

namespace rtwatch::test {

struct StatusListener : app::SourceListener {
    std::vector<std::string> statuses;  // "reconnecting: stream closed by the server"
    std::optional<ExitCode> ended;
    void input_begins(WallTime) override {}
    void event(const app::SourceEvent&) override {}
    void record(Record&) override {}
    void snapshot_complete() override {}
    void oversize(std::size_t) override {}
    void status(const app::StatusChange& c) override {
        statuses.push_back(std::string(app::status_name(c.status)) + ": " + std::string(c.message));
    }
    void input_ends() override {}
    void source_ended(ExitCode code, std::string) override { ended = code; }
};

}  // namespace rtwatch::test
