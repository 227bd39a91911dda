// Fuzzes the config file grammar: any bytes give entries or errors, never a
// crash; every entry names a known key with at least one value, a key that
// is not repeatable appears once, every error names the file and a line
// inside it, and a secret is never taken from the file.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli_parts.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using rtwatch::app::detail::ConfigKey;
    static const std::vector<ConfigKey> k_keys = {
        {"api-url", false}, {"queue", true}, {"agent", true},     {"fields", false},
        {"where", false},   {"level", true}, {"throttle", false}, {"client-secret-file", false},
    };
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto file = rtwatch::app::detail::parse_config_text(text, "fuzz.conf", k_keys);
    const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    for (const auto& entry : file.entries) {
        auto known =
            std::find_if(k_keys.begin(), k_keys.end(), [&](const ConfigKey& k) { return k.name == entry.key; });
        FUZZ_CHECK(known != k_keys.end());
        FUZZ_CHECK(!entry.values.empty());
        FUZZ_CHECK(entry.line >= 1 && entry.line <= lines);
        if (!known->repeatable) FUZZ_CHECK(entry.values.size() == 1);
        FUZZ_CHECK(std::count_if(file.entries.begin(), file.entries.end(),
                                 [&](const auto& e) { return e.key == entry.key; }) == 1);
    }
    for (const auto& error : file.errors) FUZZ_CHECK(error.starts_with("fuzz.conf:"));
    return 0;
}
