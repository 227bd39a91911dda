// Small text helpers every layer needs once: trimming, and the closest of
// a set of names for "did you mean" messages.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtwatch {

// Without leading and trailing spaces, tabs, CRs and LFs.
std::string_view trim(std::string_view s);
// Levenshtein distance: insertions, deletions and substitutions.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate nearest to `name`, when it is near enough to be a typo of it
// (at most a third of its length away, and at least one edit).
std::optional<std::string> closest_name(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace rtwatch
