// Usage mistakes a tired user makes, answered with the fix: a misspelt
// option gets the closest real one, --listen localhost:PORT and :PORT mean
// loopback, and -o naming a directory says so.
#include <sys/stat.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli_parts.hpp"
#include "rtwatch/core/text.hpp"

namespace rtwatch::app::detail {

namespace {

// The options of `app` and of the subcommands the command line chose:
// those are the ones a misspelt option could have meant.
void option_names(CLI::App& app, std::vector<std::string>& out) {
    for (const CLI::Option* opt : app.get_options()) {
        for (const auto& name : opt->get_lnames()) out.push_back("--" + name);
        for (const auto& name : opt->get_snames()) out.push_back("-" + name);
    }
    for (CLI::App* sub : app.get_subcommands([](CLI::App* s) { return s->parsed(); })) option_names(*sub, out);
}

}  // namespace

std::string unexpected_arguments(CLI::App& app, const CLI::ExtrasError& err) {
    std::string what = err.what();
    auto colon = what.rfind(": ");
    if (colon == std::string::npos) return what;
    std::vector<std::string> names;
    option_names(app, names);
    std::vector<std::string> problems;
    std::string rest = what.substr(colon + 2);
    for (std::size_t at = 0; at < rest.size();) {
        auto end = std::min(rest.find(' ', at), rest.size());
        std::string word = rest.substr(at, end - at);
        at = end + 1;
        if (word.size() < 2 || word[0] != '-') continue;
        std::string name = word.substr(0, word.find('='));
        auto near = closest_name(name, names);
        problems.push_back(near ? fmt::format("unknown option {}: did you mean {}?", name, *near)
                                : fmt::format("unknown option {}", name));
    }
    if (problems.empty()) return what;
    std::string out;
    for (const auto& p : problems) out += (out.empty() ? "" : "; ") + p;
    return out;
}

std::string loopback_listen(const std::string& listen) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) return listen;
    std::string host = listen.substr(0, colon);
    if (host.empty() || host == "localhost") return "127.0.0.1" + listen.substr(colon);
    return listen;
}

void check_not_directory(const std::string& path, std::string_view option, std::string_view example,
                         std::vector<std::string>& errors) {
    struct stat st {};
    if (path.empty() || ::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return;
    std::string dir = path;
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    errors.push_back(fmt::format("{} {}: that is a directory; name a file in it, e.g. {} {}/{}", option, path, option,
                                 dir == "/" ? "" : dir, example));
}

}  // namespace rtwatch::app::detail
