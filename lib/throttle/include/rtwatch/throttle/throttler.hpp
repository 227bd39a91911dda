// Per-resource minimum interval between output records. Within the
// interval updates coalesce and the latest wins; the held state is flushed
// at the end of the interval (trailing edge) and on shutdown. Emission is
// decided against the last emitted state, so A->B->A inside one window
// emits nothing.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/duration.hpp"
#include "rtwatch/core/record.hpp"
#include "rtwatch/diff/change_tracker.hpp"

namespace rtwatch::throttle {

class Sink {
public:
    virtual ~Sink() = default;
    virtual void emit(const Record& record, std::span<const std::string_view> changed) = 0;
};

class Throttler {
public:
    // interval 0 = off: every changed record is emitted at once.
    Throttler(Millis interval, diff::ChangeTracker& tracker);

    void offer(const Record& record, TimePoint now, Sink& sink);
    // Emits held records whose window has ended.
    void flush_due(TimePoint now, Sink& sink);
    std::optional<TimePoint> next_deadline() const;
    // Shutdown: emit everything held, whatever the windows.
    void flush_all(Sink& sink);
    std::size_t held() const;
};

}  // namespace rtwatch::throttle
