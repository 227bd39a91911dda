// A synthetic, deterministic workload shaped like the real-time stream:
// queue resources with five metrics, a fraction of events changing one.
// Shared by the stage microbenchmarks so they all measure the same data.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace rtwatch::bench {

struct WorkloadOptions {
    std::size_t resources = 1000;
    std::size_t events = 100'000;
    double changed_ratio = 0.1;  // events that change a metric; the rest repeat
};

struct Workload {
    std::vector<std::string> data;  // each event's `data` JSON
    std::string stream;             // the same events as SSE wire text
    std::size_t changed = 0;        // events (after each resource's first) that change
};

Workload make_workload(const WorkloadOptions& options);

}  // namespace rtwatch::bench
