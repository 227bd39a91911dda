// `rtwatch top` on a real terminal (tmux) against a paused simulator: the
// table shows the ground truth, the keys work, a resize redraws cleanly, and
// every way out (q, SIGTERM) leaves the terminal as it was found.
#include <catch2/catch.hpp>

#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "rtwatch_run.hpp"
#include "rtwatch_test/binaries.hpp"
#include "tmux_screen.hpp"

using namespace rtwatch::test;
using namespace std::chrono_literals;

namespace {

constexpr Millis k_screen_timeout{15'000};
const std::vector<std::string> k_selection{"--queue", "queue-0001,queue-0003,queue-0005", "--fields",
                                           "waiting,availableAgents,totalAgents,answered,abandoned"};
const std::vector<std::string> k_ids{"queue-0001", "queue-0003", "queue-0005"};

struct FrozenSim : Sim {
    FrozenSim() : Sim({"--seed", "11", "--queues", "6", "--skills", "3", "--agents", "12", "--speed", "60"}) {
        REQUIRE(fault(R"({"kind":"pause"})").status == 200);
    }
};

std::string shell_words(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += " '" + w + "'";
    return out;
}

// rtwatch under sh in a tmux window: its pid and exit status land in files,
// and the window then shows a line of its own, as a shell prompt would.
struct TopRun {
    std::string dir = make_temp_dir("rtwatch-top");
    std::unique_ptr<TmuxScreen> screen;

    // `log`: a file for rtwatch's stderr; by default the terminal.
    TopRun(std::vector<std::string> args, int cols = 132, int rows = 40, const std::string& log = {}) {
        std::string script = "RTWATCH_CLIENT_SECRET=rtwatch-secret; export RTWATCH_CLIENT_SECRET; unset NO_COLOR\n";
        script += "sh -c 'echo $$ > \"$0\"; exec \"$@\"' " + dir + "/pid '" + rtwatch_binary() + "'" +
                  shell_words(args) + (log.empty() ? "" : " 2>'" + log + "'") + "\n";
        script += "echo $? > " + dir + "/status.tmp; mv " + dir + "/status.tmp " + dir + "/status\n";
        script += "echo 'back at the shell'\nexec sleep 600\n";
        screen = std::make_unique<TmuxScreen>(dir, cols, rows, script);
    }
    ~TopRun() {
        screen.reset();  // the server first: its socket is in `dir`
        std::filesystem::remove_all(dir);
    }

    std::optional<int> exit_status(Millis timeout) const {
        if (!wait_until([&] { return std::filesystem::exists(dir + "/status"); }, timeout)) return std::nullopt;
        return std::atoi(read_file(dir + "/status").c_str());
    }
    pid_t pid() const {
        REQUIRE(wait_until([&] { return !read_file(dir + "/pid").empty(); }, k_screen_timeout));
        return static_cast<pid_t>(std::atoi(read_file(dir + "/pid").c_str()));
    }
    // Waits for the table to show every selected queue.
    std::vector<std::string> first_frame() const {
        REQUIRE(screen->wait_for([](const auto& lines) { return shown_ids(lines).size() == k_ids.size(); },
                                 k_screen_timeout));
        return screen->lines();
    }
};

std::vector<std::string> live_args(const Sim& sim, std::vector<std::string> more = {}) {
    std::vector<std::string> args{"top", "--api-url", sim.url(), "--client-id", "rtwatch"};
    args.insert(args.end(), k_selection.begin(), k_selection.end());
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

bool screen_has(const std::vector<std::string>& lines, const std::string& needle) {
    return std::any_of(lines.begin(), lines.end(), [&](const auto& l) { return l.find(needle) != std::string::npos; });
}

// The shell's screen again: no table, the normal screen, a visible cursor,
// and the line discipline as it was (canonical input, echo, ^Z).
void check_restored(const TmuxScreen& screen) {
    CHECK(screen.wait_for([](const auto& lines) { return screen_has(lines, "back at the shell"); }, 5s));
    INFO(screen.text());
    CHECK_FALSE(screen_has(screen.lines(), "Queues ("));
    CHECK(screen.display("#{alternate_on}") == "0");
    CHECK(screen.display("#{cursor_flag}") == "1");
    auto stty = terminal_modes(screen.display("#{pane_tty}"));
    CHECK_THAT(stty, Catch::Contains(" icanon") && Catch::Contains(" echo ") && Catch::Contains("susp = ^Z"));
}

}  // namespace

TEST_CASE("top in tmux: one row per selected resource, with the values of /sim/state", "[top][terminal]") {
    FrozenSim sim;
    TopRun run(live_args(sim));
    auto lines = run.first_frame();
    INFO(run.screen->text());
    CHECK(lines[0].find(sim.url().substr(7)) == 0);  // the host, without the scheme
    CHECK_THAT(lines[0], Catch::Contains("connected"));
    auto table = shown_table(lines);
    REQUIRE(table.size() == 3);
    auto state = sim.state();
    for (const auto& id : k_ids) {
        const auto& truth = state["queues"][id.c_str()];
        const auto& row = table.at("queue/" + id);
        REQUIRE(row.size() == 5);
        for (const auto& [metric, shown] : row) {
            INFO(id << " " << metric);
            CHECK(shown == json_text(truth[metric.c_str()]));
        }
    }
    CHECK(shown_ids(lines) == k_ids);  // sorted by id at first
}

// The end column of every title on a titles line.
std::vector<int> title_ends(const std::string& line) {
    std::vector<int> ends;
    int col = 0;
    bool in_word = false;
    for (unsigned char c : line) {
        if ((c & 0xC0) == 0x80) continue;
        if (c == ' ' && in_word) ends.push_back(col);
        in_word = c != ' ';
        ++col;
    }
    if (in_word) ends.push_back(col);
    return ends;
}

TEST_CASE("top in tmux: a section per kind, and columns that stay put while values change", "[top][terminal]") {
    Sim sim({"--seed", "11", "--queues", "6", "--skills", "3", "--agents", "12", "--speed", "60"});
    TopRun run({"top", "--api-url", sim.url(), "--client-id", "rtwatch"}, 160, 40);
    const auto all_shown = [](const auto& lines) { return shown_ids(lines).size() == 21; };
    REQUIRE(run.screen->wait_for(all_shown, k_screen_timeout));
    const auto first = run.screen->lines();
    INFO(run.screen->text());
    CHECK(screen_has(first, "Queues (6)"));
    CHECK(screen_has(first, "Skills (3)"));
    CHECK(screen_has(first, "Agents (12)"));
    const auto titles = section_titles(first);
    REQUIRE(titles.size() == 3);
    CHECK_THAT(titles.at("queue"), Catch::Contains("waitDuration") && !Catch::Contains("\u2026"));
    CHECK_THAT(titles.at("skill"), !Catch::Contains("totalAgents"));  // only what skills have
    CHECK_THAT(titles.at("agent"), Catch::Contains("state") && !Catch::Contains("waitDuration"));
    const auto table = shown_table(first);
    for (const auto& [key, row] : table)
        if (key.rfind("queue/", 0) == 0) CHECK(row.at("waitDuration").find(':') != std::string::npos);  // m:ss
    // A later frame with other values: every column where it was, or wider.
    REQUIRE(run.screen->wait_for([&](const auto& lines) { return all_shown(lines) && shown_table(lines) != table; },
                                 k_screen_timeout));
    const auto later = section_titles(run.screen->lines());
    for (const auto& [kind, line] : titles) {
        INFO(kind << "\n" << line << "\n" << later.at(kind));
        const auto before = title_ends(line), after = title_ends(later.at(kind));
        REQUIRE(after.size() == before.size());
        for (std::size_t i = 0; i < before.size(); ++i) CHECK(after[i] >= before[i]);
    }
    run.screen->send_keys({"q"});
    CHECK(run.exit_status(k_exit_timeout) == 0);
}

TEST_CASE("top in tmux: --level marks each row with its level's letter and colour", "[top][terminal]") {
    FrozenSim sim;
    // waiting >= 0 holds for every queue: each row is red.
    TopRun run(live_args(sim, {"--level", "waiting: red >= 0"}));
    run.first_frame();
    auto red_rows = [](const std::vector<std::string>& lines) {
        return std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
            return l.rfind("R", 0) == 0 && l.find("queue-000") != std::string::npos;
        });
    };
    INFO(run.screen->text());
    REQUIRE(run.screen->wait_for([&](const auto& lines) { return red_rows(lines) == 3; }, k_screen_timeout));
    int coloured = 0;
    for (const auto& line : run.screen->styled_lines()) {
        if (line.find("queue-000") == std::string::npos) continue;
        INFO(line);
        CHECK(line.find("31m") != std::string::npos);  // SGR red
        ++coloured;
    }
    CHECK(coloured == 3);
}

TEST_CASE("top in tmux: s and S sort, / filters, p pauses", "[top][terminal]") {
    FrozenSim sim;
    TopRun run(live_args(sim));
    run.first_frame();
    const auto& screen = *run.screen;
    auto waiting_of = [](const std::vector<std::string>& lines) {
        std::vector<long> v;
        auto table = shown_table(lines);
        for (const auto& id : shown_ids(lines)) v.push_back(std::stol(table.at("queue/" + id).at("waiting")));
        return v;
    };
    screen.send_keys({"s"});  // the first metric, ascending
    REQUIRE(screen.wait_for([](const auto& l) { return screen_has(l, "waiting▲"); }, 5s));
    auto up = waiting_of(screen.lines());
    CHECK(std::is_sorted(up.begin(), up.end()));
    screen.send_keys({"S"});
    REQUIRE(screen.wait_for([](const auto& l) { return screen_has(l, "waiting▼"); }, 5s));
    auto down = waiting_of(screen.lines());
    CHECK(std::is_sorted(down.rbegin(), down.rend()));

    screen.send_keys({"/"});
    screen.send_keys({"-l", "0003"});  // -l: the text as typed, not key names
    screen.send_keys({"Enter"});
    REQUIRE(screen.wait_for([](const auto& l) { return shown_ids(l) == std::vector<std::string>{"queue-0003"}; }, 5s));
    screen.send_keys({"Escape"});  // clears the filter
    REQUIRE(screen.wait_for([](const auto& l) { return shown_ids(l).size() == 3; }, 5s));

    screen.send_keys({"p"});
    CHECK(screen.wait_for([](const auto& l) { return l[0].find("PAUSED") != std::string::npos; }, 5s));
    screen.send_keys({"p"});
    CHECK(screen.wait_for([](const auto& l) { return l[0].find("PAUSED") == std::string::npos; }, 5s));
}

TEST_CASE("top in tmux: --names shows names beside the ids, and SIGHUP rereads the file", "[top][terminal]") {
    FrozenSim sim;
    const std::string dir = make_temp_dir("rtwatch-top-names"), path = dir + "/names.csv", log = dir + "/log";
    const auto write_names = [&](const std::string& text) {
        std::ofstream(path + ".tmp") << text;
        std::filesystem::rename(path + ".tmp", path);  // whole, as an editor or a deploy writes it
    };
    // Ids are all 10 columns wide here, so a name starts one column after its id.
    const auto shows = [](const std::vector<std::string>& lines, const std::string& id, const std::string& name) {
        return screen_has(lines, id + " " + name + " ");
    };
    write_names("queue,queue-0001,Billing\nqueue,queue-0003,Sales\n");
    TopRun run(live_args(sim, {"--names", path}), 132, 40, log);
    const auto& screen = *run.screen;
    REQUIRE(screen.wait_for([&](const auto& l) { return shows(l, "queue-0001", "Billing"); }, k_screen_timeout));
    INFO(screen.text());
    CHECK(shows(screen.lines(), "queue-0003", "Sales"));
    CHECK(shows(screen.lines(), "queue-0005", "      "));  // no name: a blank NAME cell
    CHECK(screen_has(screen.lines(), "NAME"));

    write_names("queue,queue-0001,Billing EMEA\nqueue,queue-0005,Retention\n");
    REQUIRE(::kill(run.pid(), SIGHUP) == 0);
    CHECK(screen.wait_for(
        [&](const auto& l) { return shows(l, "queue-0001", "Billing EMEA") && shows(l, "queue-0005", "Retention"); },
        k_screen_timeout));
    CHECK_FALSE(screen_has(screen.lines(), "Sales"));

    // A bad line: one warning naming the file and the line, and the names stay.
    write_names("queue,queue-0001,Collections\nteam,t1,Sales\n");
    REQUIRE(::kill(run.pid(), SIGHUP) == 0);
    REQUIRE(wait_until([&] { return read_file(log).find(path + ":2:") != std::string::npos; }, k_screen_timeout));
    // Any frame drawn from now on (the data's age moves each second) came after the reload.
    const std::string header = screen.lines()[0];
    REQUIRE(screen.wait_for([&](const auto& l) { return l[0] != header; }, k_screen_timeout));
    CHECK(shows(screen.lines(), "queue-0001", "Billing EMEA"));
    CHECK_FALSE(screen_has(screen.lines(), "Collections"));
    const std::string text = read_file(log);
    CHECK_THAT(text, Catch::Contains("rtwatch: warning: --names " + path + ":2: unknown kind 'team'"));
    CHECK(text.find(path + ":2:") == text.rfind(path + ":2:"));
    run.screen->send_keys({"q"});
    CHECK(run.exit_status(k_exit_timeout) == 0);
    std::filesystem::remove_all(dir);
}

TEST_CASE("top in tmux: q exits 0 and gives the shell its screen back", "[top][terminal]") {
    FrozenSim sim;
    TopRun run(live_args(sim));
    run.first_frame();
    CHECK(run.screen->display("#{alternate_on}") == "1");
    run.screen->send_keys({"q"});
    auto status = run.exit_status(k_exit_timeout);
    REQUIRE(status);
    CHECK(*status == 0);
    check_restored(*run.screen);
}

TEST_CASE("top in tmux: SIGTERM ends it with 0 and restores the terminal", "[top][terminal]") {
    FrozenSim sim;
    TopRun run(live_args(sim));
    run.first_frame();
    REQUIRE(::kill(run.pid(), SIGTERM) == 0);
    auto status = run.exit_status(k_exit_timeout);
    REQUIRE(status);
    CHECK(*status == 0);
    check_restored(*run.screen);
}

TEST_CASE("top in tmux: a crash (SIGSEGV) still puts the terminal back", "[top][terminal]") {
    FrozenSim sim;
    TopRun run(live_args(sim));
    run.first_frame();
    REQUIRE(::kill(run.pid(), SIGSEGV) == 0);
    auto status = run.exit_status(k_exit_timeout);
    REQUIRE(status);
    CHECK(*status == 128 + SIGSEGV);  // as the shell reports a death by signal
    check_restored(*run.screen);
}

TEST_CASE("top in tmux: an error exit restores the terminal, then shows the error", "[top][terminal]") {
    FrozenSim sim;
    // A client id the sim does not know: its token endpoint answers 401.
    TopRun run({"top", "--api-url", sim.url(), "--client-id", "nobody", "--queue", "queue-0001"});
    auto status = run.exit_status(k_exit_timeout);
    REQUIRE(status);
    CHECK(*status == 3);
    check_restored(*run.screen);
    CHECK_THAT(run.screen->text(), Catch::Contains("rtwatch: error: token endpoint answered 401"));
}

TEST_CASE("top in tmux: a resize redraws at the new size, with nothing left of the old frame", "[top][terminal]") {
    FrozenSim sim;
    // Every metric: at 132 columns all fit, at 80 some give way to "+N»".
    TopRun run(
        {"top", "--api-url", sim.url(), "--client-id", "rtwatch", "--queue", "queue-0001,queue-0003,queue-0005"});
    auto wide = run.first_frame();
    CHECK_FALSE(screen_has(wide, "»"));
    run.screen->resize(80, 24);
    // The footer is right-aligned: it ends in the last column of a fresh frame.
    auto redrawn = [](const std::vector<std::string>& lines) {
        return lines.size() == 24 && columns_of(lines.back()) == 80 && screen_has(lines, "»");
    };
    REQUIRE(run.screen->wait_for(redrawn, 5s));
    auto narrow = run.screen->lines();
    INFO(run.screen->text());
    for (const auto& line : narrow) CHECK(columns_of(line) <= 80);
    CHECK(shown_ids(narrow) == k_ids);
    // Only the header, the heading, the titles, three rows and the footer: no stale text.
    auto used = std::count_if(narrow.begin(), narrow.end(), [](const auto& l) { return !l.empty(); });
    CHECK(used == 7);
    run.screen->resize(132, 40);
    REQUIRE(run.screen->wait_for([](const auto& l) { return l.size() == 40 && !screen_has(l, "»"); }, 5s));
    run.screen->send_keys({"q"});
    CHECK(run.exit_status(k_exit_timeout) == 0);
}

TEST_CASE("top in tmux: top replay FILE shows the capture and stays until q", "[top][terminal]") {
    auto dir = make_temp_dir("rtwatch-top-capture");
    std::ofstream(dir + "/capture.sse")
        << "id: 1\nevent: data\ndata: {\"event\":\"data\",\"queueId\":\"queue-a\",\"metrics\":{\"waiting\":3}}\n\n"
           "id: 2\nevent: data\ndata: {\"event\":\"data\",\"queueId\":\"queue-b\",\"metrics\":{\"waiting\":5}}\n\n";
    TopRun replay({"top", "replay", dir + "/capture.sse"}, 100, 20);
    REQUIRE(replay.screen->wait_for([](const auto& l) { return shown_ids(l).size() == 2; }, k_screen_timeout));
    auto lines = replay.screen->lines();
    INFO(replay.screen->text());
    CHECK(lines[0].find("replay of capture.sse") == 0);
    CHECK_THAT(lines[0], Catch::Contains("stopped"));
    auto table = shown_table(lines);
    CHECK(table["queue/queue-a"]["waiting"] == "3");
    CHECK(table["queue/queue-b"]["waiting"] == "5");
    CHECK_FALSE(replay.exit_status(500ms));  // still showing
    replay.screen->send_keys({"q"});
    CHECK(replay.exit_status(k_exit_timeout) == 0);
    check_restored(*replay.screen);
    std::filesystem::remove_all(dir);
}

TEST_CASE("top in tmux: a --refresh outside 0.2s to 10s, NDJSON options and a bad --names are usage errors",
          "[top][terminal]") {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"--refresh", "0.1s"}, "--refresh '0.1s'"},
        {{"--refresh", "11s"}, "--refresh '11s'"},
        {{"--refresh", "soon"}, "--refresh"},
        {{"--color", "sometimes"}, "--color 'sometimes'"},
        {{"--raw"}, "--raw is for NDJSON"},
        {{"-o", "out.ndjson"}, "--output is for NDJSON"},
        {{"--names", "/nonexistent/names.csv"}, "--names /nonexistent/names.csv: cannot open it"},
    };
    for (const auto& [args, message] : cases) {
        std::vector<std::string> all{"top", "replay", "/dev/null"};
        all.insert(all.end(), args.begin(), args.end());
        TopRun run(all);
        auto status = run.exit_status(k_exit_timeout);
        INFO(args[0] << "\n" << run.screen->text());
        REQUIRE(status);
        CHECK(*status == 2);
        CHECK(run.screen->wait_for([&](const auto& l) { return screen_has(l, message); }, 5s));
    }
}
