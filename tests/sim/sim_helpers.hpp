// Shared steps of the simulator tests: open a stream, fold its events into
// per-resource state, compare with /sim/state.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "rtwatch_test/sim.hpp"
#include "rtwatch_test/sse.hpp"

namespace rtwatch::test {

inline constexpr const char* k_stream_path = "/api/v2/realtime/data";

// A stream with a fresh token; waits for the response headers.
std::unique_ptr<RawStream> open_stream(const Sim& sim, const std::string& query = "", const std::string& last_id = "");
// The status of a stream request with this token (headers only).
int stream_status(const Sim& sim, const std::string& token, const std::string& query = "");
// True once the stream holds a complete event carrying an id (the snapshot's end).
bool snapshot_done(const RawStream& s);
std::string resource_of(const rapidjson::Value& data);
// resource id -> compact metrics JSON, from the data events with id <= max_id
// (events without an id count as the snapshot).
std::map<std::string, std::string> fold(const SseParse& parse, uint64_t max_id = UINT64_MAX);
// resource id -> compact metrics JSON, from /sim/state.
std::map<std::string, std::string> state_metrics(const rapidjson::Document& state);
uint64_t last_id_of(const SseParse& parse);

}  // namespace rtwatch::test
