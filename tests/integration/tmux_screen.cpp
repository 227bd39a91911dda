// tmux driven through its command line, each call a short child process.
#include "tmux_screen.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace rtwatch::test {

namespace {

std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string run_command(const std::string& command) {
    std::string out;
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) throw std::runtime_error("cannot run: " + command);
    char buffer[4096];
    while (size_t n = std::fread(buffer, 1, sizeof buffer, p)) out.append(buffer, n);
    ::pclose(p);
    return out;
}

std::vector<std::string> words(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

std::string without_sort_mark(std::string title) {
    for (const char* mark : {"▲", "▼"})
        if (auto at = title.find(mark); at != std::string::npos) title.erase(at);
    return title;
}

bool is_kind(const std::string& word) { return word == "queue" || word == "skill" || word == "agent"; }

// A resource line: an optional level letter, the kind, the id, the values.
std::vector<std::string> resource_words(const std::string& line) {
    auto w = words(line);
    if (!w.empty() && w[0].size() == 1 && !is_kind(w[0])) w.erase(w.begin());
    if (w.size() < 2 || !is_kind(w[0])) return {};
    return w;
}

}  // namespace

bool tmux_available() { return run_command("tmux -V 2>/dev/null").rfind("tmux", 0) == 0; }

TmuxScreen::TmuxScreen(const std::string& dir, int cols, int rows, const std::string& script)
    : m_socket(dir + "/tmux.sock") {
    std::ofstream(dir + "/window.sh") << script;
    tmux({"new-session", "-d", "-x", std::to_string(cols), "-y", std::to_string(rows), "sh " + dir + "/window.sh"});
}

TmuxScreen::~TmuxScreen() { tmux({"kill-server"}); }

std::string TmuxScreen::tmux(const std::vector<std::string>& args) const {
    // -f /dev/null: no user configuration changes what the screen shows.
    std::string command = "tmux -f /dev/null -S " + quoted(m_socket);
    for (const auto& a : args) command += " " + quoted(a);
    return run_command(command + " 2>/dev/null");
}

std::vector<std::string> TmuxScreen::lines() const {
    std::vector<std::string> out;
    std::istringstream in(tmux({"capture-pane", "-p"}));
    for (std::string line; std::getline(in, line);) {
        line.erase(line.find_last_not_of(' ') + 1);
        out.push_back(line);
    }
    return out;
}

std::vector<std::string> TmuxScreen::styled_lines() const {
    std::vector<std::string> out;
    std::istringstream in(tmux({"capture-pane", "-p", "-e"}));
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

std::string TmuxScreen::text() const {
    std::string out;
    for (const auto& line : lines()) out += line + "\n";
    return out;
}

std::string TmuxScreen::display(const std::string& format) const {
    auto out = tmux({"display-message", "-p", format});
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

void TmuxScreen::send_keys(const std::vector<std::string>& keys) const {
    std::vector<std::string> args{"send-keys"};
    args.insert(args.end(), keys.begin(), keys.end());
    tmux(args);
}

void TmuxScreen::resize(int cols, int rows) const {
    tmux({"resize-window", "-x", std::to_string(cols), "-y", std::to_string(rows)});
}

bool TmuxScreen::wait_for(const std::function<bool(const std::vector<std::string>&)>& pred, Millis timeout) const {
    return wait_until([&] { return pred(lines()); }, timeout);
}

std::string terminal_modes(const std::string& tty) { return run_command("stty -a < " + quoted(tty)); }

int columns_of(const std::string& line) {
    int n = 0;
    for (unsigned char c : line) n += (c & 0xC0) != 0x80;
    return n;
}

ShownTable shown_table(const std::vector<std::string>& lines) {
    ShownTable table;
    std::vector<std::string> titles;
    for (const auto& line : lines) {
        auto w = words(line);
        if (!w.empty() && w[0] == "KIND") {
            titles = w;
            continue;
        }
        auto r = resource_words(line);
        if (r.empty() || titles.empty()) continue;
        auto& row = table[r[0] + "/" + r[1]];
        for (std::size_t i = 2; i < r.size() && i < titles.size(); ++i) {
            auto title = without_sort_mark(titles[i]);
            if (title.find("…") == std::string::npos) row[title] = r[i];
        }
    }
    return table;
}

std::vector<std::string> shown_ids(const std::vector<std::string>& lines) {
    std::vector<std::string> ids;
    for (const auto& line : lines)
        if (auto r = resource_words(line); !r.empty()) ids.push_back(r[1]);
    return ids;
}

}  // namespace rtwatch::test
