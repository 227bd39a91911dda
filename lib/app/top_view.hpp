// `rtwatch top` as a sink: committed records feed the view's model, and the
// event loop draws it, on a frame timer and promptly after a key, reading
// keys and writing frames through TerminalIo. No thread of its own.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rtwatch/app/config.hpp"
#include "rtwatch/app/pipeline.hpp"
#include "rtwatch/app/sink.hpp"
#include "rtwatch/core/resource_names.hpp"
#include "rtwatch/net/loop.hpp"
#include "rtwatch/top/frame.hpp"
#include "rtwatch/top/keys.hpp"
#include "rtwatch/top/state.hpp"
#include "session.hpp"
#include "terminal_io.hpp"

namespace rtwatch::app {

class TopView final : public RecordSink {
public:
    // `quit` ends the run (the q key); the view starts drawing at once.
    // `names` come from --names FILE.
    TopView(const Config& config, net::Loop& loop, TerminalIo& terminal, std::function<void()> quit,
            ResourceNames names = {});

    void metrics(const Record& record, std::span<const std::string_view> changed, WallTime now) override;
    // A metric's level changed (--level): its cell takes the level's colour.
    void level(const output::LevelLine& change, WallTime now) override;
    void status(const StatusChange& change, WallTime now) override;
    void close() override;
    // SIGHUP: reads --names again; a file that fails leaves the names in use.
    void reload() override;

    // The one place a resource's level reaches the view.
    void show_level(ResourceKind kind, std::string_view id, std::string_view metric, top::Level level) {
        m_state.set_level(kind, id, metric, level);
    }
    // SIGWINCH: the new size, drawn whole.
    void resize();

private:
    void on_input();
    void on_keys();
    void arm_escape_timer();
    void on_frame_timer();
    // A key's change is shown promptly, but at most every k_min_redraw.
    void draw_soon(bool full);
    void draw();
    void cancel(std::optional<net::Loop::Id>& timer);

    const Config& m_config;
    net::Loop& m_loop;
    TerminalIo& m_terminal;
    std::function<void()> m_quit;
    top::TopState m_state;
    top::KeyDecoder m_keys;
    std::vector<top::Key> m_decoded;
    std::string m_input;
    top::Size m_size;
    top::Frame m_shown;  // what the terminal shows now
    bool m_full = true;  // the next draw repaints everything
    TimePoint m_drawn_at{};
    std::optional<net::Loop::Id> m_frame_timer, m_soon_timer, m_escape_timer;
    bool m_seen_data = false;
    bool m_closed = false;
};

// The terminal taken over and the view attached to the pipeline; the view
// goes first, then the terminal is put back (TerminalIo's destructor).
struct TopMode {
    std::unique_ptr<TerminalIo> terminal;
    std::unique_ptr<TopView> view;
};
// An error when there is no terminal to read keys from, or --names fails.
Result<TopMode> attach_top(const Config& config, net::Loop& loop, Pipeline& pipeline, Session& session);

}  // namespace rtwatch::app
