// The sectioned layout of `rtwatch top`: one section per kind with only its
// metrics, column widths that only grow, whole titles when there is room,
// values in their units and names beside ids.
#include <catch2/catch.hpp>

#include "rtwatch/top/render.hpp"
#include "top_fixtures.hpp"

using namespace rtwatch::top;
using namespace top_test;

namespace {

const RenderOptions k_plain{false, t0 + 3s};

std::vector<std::string> lines_of(const Frame& f) {
    std::vector<std::string> out;
    for (int r = 0; r < f.size().rows; ++r) {
        std::string line = f.line_text(r);
        line.erase(line.find_last_not_of(' ') + 1);
        out.push_back(line);
    }
    return out;
}

int line_starting(const std::vector<std::string>& lines, const std::string& start, int from = 0) {
    for (int i = from; i < static_cast<int>(lines.size()); ++i)
        if (lines[i].rfind(start, 0) == 0) return i;
    return -1;
}

// The start column of every title on a titles line.
std::vector<int> title_columns(const std::string& line) {
    std::vector<int> out;
    int col = 0;
    bool in_word = false;
    for (unsigned char c : line) {
        if ((c & 0xC0) == 0x80) continue;
        if (c != ' ' && !in_word) out.push_back(col);
        in_word = c != ' ';
        ++col;
    }
    return out;
}

}  // namespace

TEST_CASE("top layout: one section per kind with a heading and its own metrics", "[top][layout]") {
    const auto lines = lines_of(render(contact_center(), Size{132, 60}, k_plain));
    const int queues = line_starting(lines, "Queues (30)");
    const int skills = line_starting(lines, "Skills (4)");
    const int agents = line_starting(lines, "Agents (8)");
    REQUIRE(queues == 1);
    REQUIRE(skills == queues + 2 + 30);
    REQUIRE(agents == skills + 2 + 4);
    CHECK(lines[queues + 1] == "  ID\u25B2        waitDuration  availableAgents  interactionsWaiting  serviceLevel");
    CHECK(lines[skills + 1] == "  ID\u25B2           availableAgents  interactionsWaiting");
    CHECK(lines[agents + 1].find("status") != std::string::npos);
    CHECK(lines[agents + 1].find("interactionsHandled") != std::string::npos);
    CHECK(lines[agents + 1].find("waitDuration") == std::string::npos);
    CHECK(lines[skills + 2] == "R skill-billing                0                    9");
}

TEST_CASE("top layout: column widths stay put while values change, and only grow", "[top][layout]") {
    TopState s = contact_center();
    const Size size{132, 60};
    const auto before = lines_of(render(s, size, k_plain));
    const int titles = line_starting(before, "Queues") + 1;
    // Every queue's values shrink to one digit: nothing may move left.
    for (int i = 1; i <= 30; ++i)
        s.apply(
            make_record(
                ResourceKind::queue, queue_id(i),
                {{"waitDuration", "1"}, {"availableAgents", "1"}, {"interactionsWaiting", "1"}, {"serviceLevel", "1"}}),
            t0 + 2s);
    s.mark_drawn(t0 + 2s);
    const auto after = lines_of(render(s, size, k_plain));
    CHECK(after[titles] == before[titles]);
    CHECK(after[titles + 1] == "G queue-0001          0:01                1                    1            1%");
    // A wider value widens its column for the rest of the run.
    s.apply(make_record(ResourceKind::queue, queue_id(7), {{"availableAgents", "12345678901234567890"}}), t0 + 3s);
    const auto grown = lines_of(render(s, size, k_plain));
    CHECK(title_columns(grown[titles])[1] == title_columns(before[titles])[1]);  // left of it: unchanged
    CHECK(title_columns(grown[titles])[2] > title_columns(before[titles])[2]);
    s.apply(make_record(ResourceKind::queue, queue_id(7), {{"availableAgents", "2"}}), t0 + 4s);
    CHECK(lines_of(render(s, size, k_plain))[titles] == grown[titles]);
}

TEST_CASE("top layout: the sort mark does not move the columns", "[top][layout]") {
    TopState s = contact_center();
    const auto by_id = lines_of(render(s, Size{132, 60}, k_plain));
    s.view().sort_column = 1;  // waitDuration
    const auto by_wait = lines_of(render(s, Size{132, 60}, k_plain));
    CHECK(title_columns(by_wait[2]) == title_columns(by_id[2]));
    CHECK(by_wait[2].find("waitDuration\u25B2") != std::string::npos);
}

TEST_CASE("top layout: whole titles when they fit, start and end kept when not", "[top][layout]") {
    const TopState s = contact_center();
    const auto wide = lines_of(render(s, Size{80, 24}, k_plain));
    CHECK(wide[2].find("interactionsWaiting") != std::string::npos);
    CHECK(wide[2].find("\u2026") == std::string::npos);
    const auto narrow = lines_of(render(s, Size{50, 12}, k_plain));
    CHECK(narrow[2].find("wai\u2026ration") != std::string::npos);
    CHECK(narrow[2].find("+1\u00BB") != std::string::npos);
}

TEST_CASE("top layout: values in their units", "[top][layout]") {
    TopState s;
    s.apply(make_record(ResourceKind::queue, "q1",
                        {{"waitDuration", "75"},
                         {"longestWait", "3725"},
                         {"serviceLevel", "85.5"},
                         {"availableAgents", "3"},
                         {"tHandle", "90500"},
                         {"other", "0.125"}}),
            t0);
    const auto lines = lines_of(render(s, Size{132, 10}, k_plain));
    CHECK(lines[3] == "  q1           1:15      1:02:05         85.5%                3     1:30  0.125");
}

TEST_CASE("top layout: names from --names beside the ids, a record's own name first", "[top][layout]") {
    TopState s;
    auto names = rtwatch::ResourceNames::parse("queue,q1,Billing\nqueue,q2,Sales\nagent,a1,Ada Lovelace\n", "n.csv");
    REQUIRE(names.ok());
    s.set_names(std::move(*names));
    s.apply(make_record(ResourceKind::queue, "q1", {{"waiting", "4"}}), t0);
    s.apply(make_record(ResourceKind::queue, "q2", {{"name", "Sales EMEA", false}, {"waiting", "2"}}), t0);
    s.apply(make_record(ResourceKind::queue, "q3", {{"waiting", "7"}}), t0);
    s.apply(make_record(ResourceKind::skill, "s1", {{"waiting", "1"}}), t0);
    auto lines = lines_of(render(s, Size{60, 14}, k_plain));
    CHECK(lines[2] == "  ID\u25B2 NAME       waiting");
    CHECK(lines[3] == "  q1  Billing           4");
    CHECK(lines[4] == "  q2  Sales EMEA        2");
    CHECK(lines[5] == "  q3                    7");
    const int skills = line_starting(lines, "Skills (1)");
    REQUIRE(skills > 0);
    CHECK(lines[skills + 1].find("NAME") == std::string::npos);  // the file names no skill

    // SIGHUP: rows there are and rows to come take the new file's names.
    names = rtwatch::ResourceNames::parse("queue,q3,Retention\nagent,a1,Ada\n", "n.csv");
    REQUIRE(names.ok());
    s.set_names(std::move(*names));
    s.apply(make_record(ResourceKind::agent, "a1", {{"waiting", "0"}}), t0);
    lines = lines_of(render(s, Size{60, 14}, k_plain));
    CHECK(lines[3] == "  q1                    4");
    CHECK(lines[4] == "  q2  Sales EMEA        2");
    CHECK(lines[5] == "  q3  Retention         7");
    const int agents = line_starting(lines, "Agents (1)");
    REQUIRE(agents > 0);
    CHECK(lines[agents + 2] == "  a1  Ada          0");
}

TEST_CASE("top layout: a name beside the id when records carry one", "[top][layout]") {
    TopState s;
    s.apply(make_record(ResourceKind::queue, "6f1c2d3e-aaaa-bbbb-cccc-0123456789ab",
                        {{"name", "Billing support", false}, {"oWaiting", "4"}}),
            t0);
    s.apply(make_record(ResourceKind::skill, "skill-1", {{"oWaiting", "2"}}), t0);
    const auto lines = lines_of(render(s, Size{100, 12}, k_plain));
    CHECK(lines[2] == "  ID\u25B2                                  NAME            oWaiting");
    CHECK(lines[3] == "  6f1c2d3e-aaaa-bbbb-cccc-0123456789ab Billing support         4");
    const int skills = line_starting(lines, "Skills (1)");
    REQUIRE(skills > 0);
    CHECK(lines[skills + 1].find("NAME") == std::string::npos);  // no skill has a name
}
