// Checks that each command's --help and its man page (man/rtwatch.1,
// rtwatch-top.1, rtwatch-relay.1, rtwatch.conf.5), the exit-code header and
// the README say the same things.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "rtwatch/core/exit_code.hpp"

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string command_output(const std::string& command) {
    std::string out;
    FILE* p = ::popen(command.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    ::pclose(p);
    return out;
}

std::set<std::string> options_in_help(const std::string& help) {
    std::set<std::string> options;
    std::regex option(R"((^|[\s,])(--?[a-zA-Z][a-zA-Z0-9-]*))");
    for (std::sregex_iterator it(help.begin(), help.end(), option), end; it != end; ++it)
        options.insert((*it)[2].str());
    return options;
}

// A page with roff's \- written as - and its font changes removed, to
// compare with --help.
std::string page_text(const std::string& page) {
    auto man = read_file(std::string(RTWATCH_SOURCE_DIR) + "/man/" + page);
    man = std::regex_replace(man, std::regex(R"(\\-)"), "-");
    return std::regex_replace(man, std::regex(R"(\\f[BIRP])"), "");
}

std::string man_text() { return page_text("rtwatch.1"); }

std::string section(const std::string& man, const std::string& name) {
    auto start = man.find(".SH " + name);
    REQUIRE(start != std::string::npos);
    auto end = man.find("\n.SH ", start + 1);
    return man.substr(start, end - start);
}

// The options a page defines: those on the tag line of an item (.TP) of its
// OPTIONS section. Naming an option in passing elsewhere defines nothing.
std::set<std::string> defined_options(const std::string& page) {
    auto options = section(page_text(page), "OPTIONS");
    std::set<std::string> defined;
    std::istringstream in(options);
    bool tag = false;
    for (std::string line; std::getline(in, line);) {
        if (tag)
            for (const auto& option : options_in_help(line)) defined.insert(option);
        tag = line == ".TP";
    }
    return defined;
}

// Without "/bin/sh -c", whose -c is the shell's, not an option of rtwatch.
std::string help_of(const std::string& command) {
    auto help = command_output(std::string(RTWATCH_BIN) + (command.empty() ? "" : " " + command) + " --help");
    return std::regex_replace(help, std::regex("/bin/sh -c"), "/bin/sh");
}

// The main command's options and those of its subcommands.
std::string all_help() { return help_of("") + help_of("top") + help_of("relay"); }

// Each command and its page; the options every command shares are defined
// once, in rtwatch(1).
struct CommandPage {
    const char* command;
    const char* page;
};
constexpr CommandPage command_pages[] = {
    {"", "rtwatch.1"},
    {"replay", "rtwatch.1"},
    {"top", "rtwatch-top.1"},
    {"top replay", "rtwatch-top.1"},
    {"relay", "rtwatch-relay.1"},
    {"relay replay", "rtwatch-relay.1"},
};

}  // namespace

TEST_CASE("docs: every option of each command's --help is defined in its man page", "[docs]") {
    auto shared = defined_options("rtwatch.1");
    REQUIRE(shared.size() > 20);
    for (const auto& [command, page] : command_pages) {
        auto options = options_in_help(help_of(command));
        REQUIRE(options.size() > 5);
        auto own = defined_options(page);
        for (const auto& option : options) {
            INFO("rtwatch " << command << " --help has " << option << ", which neither man/" << page
                            << " nor man/rtwatch.1 defines under OPTIONS");
            CHECK((own.count(option) == 1 || shared.count(option) == 1));
        }
    }
}

TEST_CASE("docs: every option a man page defines is in its command's --help", "[docs]") {
    for (const auto& [command, page] :
         {std::pair{"", "rtwatch.1"}, {"top", "rtwatch-top.1"}, {"relay", "rtwatch-relay.1"}}) {
        auto known = options_in_help(help_of(command));
        auto defined = defined_options(page);
        REQUIRE(!defined.empty());
        for (const auto& option : defined) {
            INFO("man/" << page << " defines " << option << ", which rtwatch " << command << " --help lacks");
            CHECK(known.count(option) == 1);
        }
    }
}

TEST_CASE("docs: rtwatch.conf(5)'s example uses only option names", "[docs]") {
    auto example = section(page_text("rtwatch.conf.5"), "EXAMPLE");
    auto known = options_in_help(all_help());
    std::regex key(R"(^([a-z][a-z-]*) = )");
    std::istringstream in(example);
    int keys = 0;
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (!std::regex_search(line, m, key)) continue;
        ++keys;
        INFO("rtwatch.conf.5 EXAMPLE: " << line);
        CHECK(known.count("--" + m[1].str()) == 1);
    }
    CHECK(keys > 3);
}

TEST_CASE("docs: the man page's EXIT STATUS matches the exit-code header", "[docs]") {
    auto exits = section(man_text(), "EXIT STATUS");
    std::regex row(R"(\.B (\d+)\n([a-z-]+):)");
    std::set<std::pair<int, std::string>> in_man;
    for (std::sregex_iterator it(exits.begin(), exits.end(), row), end; it != end; ++it)
        in_man.insert({std::stoi((*it)[1].str()), (*it)[2].str()});
    std::set<std::pair<int, std::string>> in_code;
    for (const auto& info : rtwatch::exit_code_table())
        in_code.insert({rtwatch::to_int(info.code), std::string(info.name)});
    CHECK(in_man == in_code);
}

TEST_CASE("docs: every environment variable the man page lists is one --help names", "[docs]") {
    auto help = all_help();  // the subcommands' options have variables too (RTWATCH_LISTEN)
    auto env = section(man_text(), "ENVIRONMENT") + section(page_text("rtwatch-relay.1"), "ENVIRONMENT");
    std::regex var(R"(RTWATCH_[A-Z_]+)");
    for (std::sregex_iterator it(env.begin(), env.end(), var), end; it != end; ++it) {
        auto name = (*it).str();
        if (name == "RTWATCH_CLIENT_SECRET") continue;  // read directly, never an option
        INFO(name << " is in the man page but not in --help");
        CHECK(help.find(name) != std::string::npos);
    }
}

TEST_CASE("docs: the README starts with the two set-up commands, and they exist", "[docs]") {
    auto readme = read_file(std::string(RTWATCH_SOURCE_DIR) + "/README.md");
    auto demo = readme.find("scripts/demo.sh");
    auto test = readme.find("scripts/test.sh");
    REQUIRE(demo != std::string::npos);
    REQUIRE(test != std::string::npos);
    CHECK(demo < test);
    CHECK(readme.find("```") < demo);
    for (auto script : {"/scripts/demo.sh", "/scripts/test.sh", "/scripts/deps.sh", "/scripts/bench.sh"}) {
        INFO(script);
        CHECK(std::ifstream(std::string(RTWATCH_SOURCE_DIR) + script).good());
    }
}

TEST_CASE("docs: every rtwatch option the README uses exists", "[docs]") {
    auto help = all_help();
    auto known = options_in_help(help);
    auto readme = read_file(std::string(RTWATCH_SOURCE_DIR) + "/README.md");
    // Only lines that run rtwatch itself; other tools have options of their own.
    std::istringstream in(readme);
    for (std::string line; std::getline(in, line);) {
        if (line.find("rtwatch ") == std::string::npos || line.find("rtwatch-") != std::string::npos) continue;
        if (line.find("sse-contract-tests") != std::string::npos) continue;
        auto from = line.find("rtwatch ");
        auto command = line.substr(from, line.find('|', from) - from);
        for (const auto& option : options_in_help(command)) {
            INFO("README line: " << line);
            CHECK(known.count(option) == 1);
        }
    }
}

TEST_CASE("docs: the subcommands' --help name what the man pages say they take", "[docs]") {
    auto top = help_of("top");
    CHECK_THAT(top, Catch::Contains("--level"));
    CHECK_THAT(top, Catch::Contains("man rtwatch-top"));
    auto relay = help_of("relay");
    CHECK_THAT(relay, Catch::Contains("rtwatch relay replay FILE"));
    CHECK_THAT(relay, Catch::Contains("man rtwatch-relay"));
}
