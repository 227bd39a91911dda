// tmux driven through its command line, each call a short child process.
#include "tmux_screen.hpp"

#include <cstdio>
#include <fstream>
#include <functional>
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

// "Queues (3)" -> "queue": a section's heading.
std::string heading_kind(const std::vector<std::string>& w) {
    if (w.size() != 2 || w[1].size() < 3 || w[1].front() != '(' || w[1].back() != ')') return "";
    if (w[0] == "Queues") return "queue";
    if (w[0] == "Skills") return "skill";
    if (w[0] == "Agents") return "agent";
    return "";
}

bool is_level(const std::string& word) { return word == "G" || word == "Y" || word == "R"; }

// Walks the body (between the header and the footer line) section by
// section: each resource line with its kind and its section's titles.
void for_each_row(const std::vector<std::string>& lines,
                  const std::function<void(const std::string& kind, const std::vector<std::string>& titles,
                                           const std::vector<std::string>& row)>& visit) {
    std::string kind;
    std::vector<std::string> titles;
    for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
        auto w = words(lines[i]);
        if (w.empty()) continue;
        if (auto k = heading_kind(w); !k.empty()) {
            kind = k;
            titles.clear();
            continue;
        }
        if (without_sort_mark(w[0]) == "ID") {
            titles = w;
            continue;
        }
        if (kind.empty() || titles.empty()) continue;
        if (is_level(w[0])) w.erase(w.begin());
        if (!w.empty()) visit(kind, titles, w);
    }
}

}  // namespace

bool tmux_available() { return run_command("tmux -V 2>/dev/null").rfind("tmux", 0) == 0; }

TmuxScreen::TmuxScreen(const std::string& dir, int cols, int rows, const std::string& script)
    : m_socket(dir + "/tmux.sock") {
    // Under ASan, LeakSanitizer's check at exit can hang in a process whose
    // terminal tmux has just closed: orphaned, spinning a core for the rest
    // of the run. Leaks are the other suites' to find; memory errors are
    // still caught here.
    std::ofstream(dir + "/window.sh") << "export ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\"\n"
                                      << script;
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
    for_each_row(lines, [&](const std::string& kind, const auto& titles, const auto& r) {
        auto& row = table[kind + "/" + r[0]];
        for (std::size_t i = 1; i < r.size() && i < titles.size(); ++i) {
            auto title = without_sort_mark(titles[i]);
            if (title.find("…") == std::string::npos) row[title] = r[i];
        }
    });
    return table;
}

std::vector<std::string> shown_ids(const std::vector<std::string>& lines) {
    std::vector<std::string> ids;
    for_each_row(lines, [&](const std::string&, const auto&, const auto& r) { ids.push_back(r[0]); });
    return ids;
}

std::map<std::string, std::string> section_titles(const std::vector<std::string>& lines) {
    std::map<std::string, std::string> out;
    std::string kind;
    for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
        auto w = words(lines[i]);
        if (auto k = heading_kind(w); !k.empty())
            kind = k;
        else if (!w.empty() && without_sort_mark(w[0]) == "ID" && !kind.empty())
            out[kind] = lines[i];
    }
    return out;
}

}  // namespace rtwatch::test
