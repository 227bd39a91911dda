// A real terminal for tests: a tmux server on a socket of the test's own,
// one window running a shell script, and what its screen shows.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "rtwatch_test/process.hpp"

namespace rtwatch::test {

bool tmux_available();

class TmuxScreen {
public:
    // `script` runs under /bin/sh in a detached window of cols x rows.
    TmuxScreen(const std::string& dir, int cols, int rows, const std::string& script);
    ~TmuxScreen();  // the server and everything in it goes
    TmuxScreen(const TmuxScreen&) = delete;
    TmuxScreen& operator=(const TmuxScreen&) = delete;

    std::vector<std::string> lines() const;  // capture-pane -p, trailing spaces trimmed
    std::string text() const;
    // capture-pane -p -e: the lines with their colours as SGR sequences.
    std::vector<std::string> styled_lines() const;
    // A tmux format of the pane: "#{alternate_on}", "#{cursor_flag}", "#{pane_tty}".
    std::string display(const std::string& format) const;
    // Each argument as tmux send-keys takes it ("s", "Enter", "-l" "text").
    void send_keys(const std::vector<std::string>& keys) const;
    void resize(int cols, int rows) const;
    // Polls the screen until `pred` holds; false after `timeout`.
    bool wait_for(const std::function<bool(const std::vector<std::string>&)>& pred, Millis timeout) const;

private:
    std::string tmux(const std::vector<std::string>& args) const;
    std::string m_socket;
};

// `stty -a` of a terminal device: its line discipline's modes.
std::string terminal_modes(const std::string& tty);

// The width of a line in terminal columns (code points: the view draws
// every character one column wide).
int columns_of(const std::string& line);

// The view's table: "queue/queue-0001" -> metric title -> shown text.
// Titles lose their sort mark; a title cut short ("wai…ration") is skipped.
using ShownTable = std::map<std::string, std::map<std::string, std::string>>;
ShownTable shown_table(const std::vector<std::string>& lines);
// The resource ids in the order shown.
std::vector<std::string> shown_ids(const std::vector<std::string>& lines);

}  // namespace rtwatch::test
