// Checks that --help, man/rtwatch.1, the exit-code header and the README
// say the same things.
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

// roff writes a dash as \-; undo that to compare with --help.
std::string man_text() {
    auto man = read_file(std::string(RTWATCH_SOURCE_DIR) + "/man/rtwatch.1");
    return std::regex_replace(man, std::regex(R"(\\-)"), "-");
}

std::string section(const std::string& man, const std::string& name) {
    auto start = man.find(".SH " + name);
    REQUIRE(start != std::string::npos);
    auto end = man.find("\n.SH ", start + 1);
    return man.substr(start, end - start);
}

// The main command's options and those of its subcommands.
std::string all_help() {
    return command_output(std::string(RTWATCH_BIN) + " --help") +
           command_output(std::string(RTWATCH_BIN) + " top --help") +
           command_output(std::string(RTWATCH_BIN) + " relay --help");
}

}  // namespace

TEST_CASE("docs: every option in --help is in the man page", "[docs]") {
    auto help = all_help();
    auto options = options_in_help(help);
    REQUIRE(options.size() > 20);
    auto man = man_text();
    for (const auto& option : options) {
        INFO("option " << option << " is missing from man/rtwatch.1");
        CHECK(std::regex_search(man, std::regex("(^|[^a-z-])" + option + "([^a-z-]|$)")));
    }
}

TEST_CASE("docs: the man page's EXIT STATUS matches the exit-code header", "[docs]") {
    auto exits = section(man_text(), "EXIT STATUS");
    std::regex row(R"(\.B (\d+)\n([a-z-]+):)");
    std::set<std::pair<int, std::string>> in_man;
    for (std::sregex_iterator it(exits.begin(), exits.end(), row), end; it != end; ++it)
        in_man.insert({std::stoi((*it)[1].str()), (*it)[2].str()});
    std::set<std::pair<int, std::string>> in_code;
    for (const auto& info : rtwatch::exit_code_table()) in_code.insert({rtwatch::to_int(info.code), std::string(info.name)});
    CHECK(in_man == in_code);
}

TEST_CASE("docs: every environment variable the man page lists is one --help names", "[docs]") {
    auto help = all_help();  // the subcommands' options have variables too (RTWATCH_LISTEN)
    auto env = section(man_text(), "ENVIRONMENT");
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
