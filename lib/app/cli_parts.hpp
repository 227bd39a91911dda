// The pieces of option handling that are not CLI11: reading the files
// rtwatch is pointed at (with size caps), the config file's grammar, and
// value checks. Each returns errors as text naming the cause and the fix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtwatch/app/config.hpp"
#include "rtwatch/core/log.hpp"
#include "rtwatch/core/result.hpp"

namespace CLI {
class App;
class ExtrasError;
}  // namespace CLI

namespace rtwatch::app::detail {

inline constexpr std::size_t k_max_config_bytes = 256 * 1024;
inline constexpr std::size_t k_max_secret_bytes = 16 * 1024;

// At most cap + 1 bytes are read, so /dev/zero or a huge file cannot eat
// memory. `what` names the file in messages ("the config file").
Result<std::string> read_capped(const std::string& path, std::size_t cap, std::string_view what);

struct ConfigKey {
    std::string name;  // the long option without dashes: "api-url"
    bool repeatable = false;
};
struct ConfigEntry {
    std::string key;
    std::vector<std::string> values;  // one, or the elements of ["a", "b"]
    int line = 0;
};
struct ConfigFile {
    std::vector<ConfigEntry> entries;
    std::vector<std::string> errors;  // "FILE:LINE: ..."
};

// `name = value` per line; '#' or ';' starts a comment line. A value is
// "quoted" (with \" \\ \n \t escapes), 'literal', [a list, "of", values]
// or bare: the rest of the line, so `where = a > 1 and b < 2` works.
// Unknown keys, section headers, lines that are not name = value, empty
// values and a non-repeatable key given twice are errors.
ConfigFile parse_config_text(std::string_view text, std::string_view path, const std::vector<ConfigKey>& keys);

// The valid key nearest to `key` by edit distance, when one is near enough
// to be a likely typo.
std::optional<std::string> closest_key(std::string_view key, const std::vector<ConfigKey>& keys);

// "a,b" and repeated values -> ids; an empty element is an error.
std::vector<std::string> split_ids(const std::vector<std::string>& raw, std::string_view option,
                                   std::vector<std::string>& errors);

// An http:// or https:// URL with no control characters or spaces; else
// the error, naming the option.
std::optional<std::string> url_problem(std::string_view url, std::string_view option);

// The password of user:password@ in a URL, registered with the logger.
void register_url_password(std::string_view url);

std::optional<log::Level> level_named(std::string_view name);

// --count's text: a whole number >= 1; "" is no limit (nullopt, no error).
std::optional<std::uint64_t> parse_count(const std::string& text, std::vector<std::string>& errors,
                                         std::string_view option = "--count");

// An error naming `option` and the path unless `path` is "" or readable.
void check_readable(const std::string& path, std::string_view option, std::vector<std::string>& errors);

// The client secret from RTWATCH_CLIENT_SECRET, else `secret_file`, else
// $CREDENTIALS_DIRECTORY/client-secret (systemd's LoadCredential=); "" when
// none is set. Read capped, registered with the logger, checked for being
// one line; a file readable by group or others gets a warning.
std::string read_client_secret(const std::string& secret_file, std::vector<std::string>& errors,
                               std::vector<std::string>& warnings);

// The --log-format in effect as far as it can be told from argv (the last
// one wins) or the environment, for reporting errors before options parse.
std::optional<log::Format> log_format_from(int argc, const char* const* argv, const char* env_value);

// --level (repeatable), --levels-only, --exec, --exec-jobs, --exec-timeout as given.
struct LevelOptions {
    std::vector<std::string> specs;
    std::string exec, exec_jobs = "4", exec_timeout = "30s";
    bool levels_only = false;
};
void define_level_options(CLI::App& app, LevelOptions& o);
// RTWATCH_LEVELS stands in for --level when the command line has none.
void apply_levels_env(CLI::App& app);
// Needs c.raw and c.fields set already.
void validate_levels(const LevelOptions& o, Config& c, std::vector<std::string>& errors);

// "unknown option --thrtottle: did you mean --throttle?" for the options the
// command line has that none of the chosen (sub)commands knows.
std::string unexpected_arguments(CLI::App& app, const CLI::ExtrasError& err);
// localhost:PORT and :PORT are 127.0.0.1:PORT; anything else as it is.
std::string loopback_listen(const std::string& listen);
// A directory given where a file is wanted (-o, --record) is an error that
// says so and names a file in it.
void check_not_directory(const std::string& path, std::string_view option, std::string_view example,
                         std::vector<std::string>& errors);

// The options that choose and place the upstream platform, as given.
struct PlatformOptions {
    std::string platform, region, stream_url, api_url, auth_url, scope;
    std::vector<std::string> media;
    std::string record;
    std::string request_budget;  // empty: the default
};
// --platform and what goes with it: genesys takes its hosts from --region
// unless --api-url/--auth-url/--stream-url say otherwise, needs ids, has no
// skills, and its topics must fit in 20 channels. Runs after the selection
// is validated (c.queues, c.agents set).
void validate_platform(const PlatformOptions& o, Config& c, std::vector<std::string>& errors);

}  // namespace rtwatch::app::detail
