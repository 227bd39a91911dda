// Fuzzes the --level spec parser and RTWATCH_LEVELS splitting: any text
// parses or gives a usage error that names --level; a parsed spec keeps the
// rules the grammar promises (a metric, at least one threshold, thresholds
// of one type, a band only where it means something); parsing the same text
// twice gives the same spec.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "rtwatch/levels/spec.hpp"

namespace {

using rtwatch::levels::CmpOp;

bool exact(CmpOp op) { return op == CmpOp::eq || op == CmpOp::ne; }

void check_spec(const rtwatch::levels::LevelSpec& spec) {
    FUZZ_CHECK(!spec.metric.empty());
    FUZZ_CHECK(spec.yellow || spec.red);
    if (spec.yellow && spec.red) FUZZ_CHECK(spec.yellow->is_number == spec.red->is_number);
    for (const auto* t :
         {spec.threshold(rtwatch::levels::Level::yellow), spec.threshold(rtwatch::levels::Level::red)}) {
        if (!t) continue;
        if (!t->is_number) FUZZ_CHECK(exact(t->op));
        if (t->is_number) FUZZ_CHECK(std::isfinite(t->number));
    }
    FUZZ_CHECK(spec.clear >= 0);
    FUZZ_CHECK(spec.raise_after.count() >= 0 && spec.lower_after.count() >= 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto spec = rtwatch::levels::parse_level_spec(text);
    if (spec.ok()) {
        check_spec(*spec);
        auto again = rtwatch::levels::parse_level_spec(text);
        FUZZ_CHECK(again.ok());
        FUZZ_CHECK(again->metric == spec->metric && again->clear == spec->clear);
    } else {
        FUZZ_CHECK(spec.error().code == rtwatch::ExitCode::usage);
        FUZZ_CHECK(spec.error().message.find("--level") != std::string::npos);
    }

    // The same bytes as RTWATCH_LEVELS: every piece is trimmed and non-blank,
    // and each valid spec or one error per bad piece comes back.
    std::vector<std::string> pieces = rtwatch::levels::split_level_specs(text);
    for (const auto& piece : pieces) {
        FUZZ_CHECK(!piece.empty());
        FUZZ_CHECK(piece.front() != ' ' && piece.back() != ' ');
    }
    std::vector<std::string> errors;
    auto specs = rtwatch::levels::parse_level_specs(pieces, errors);
    FUZZ_CHECK(specs.size() + errors.size() >= (pieces.empty() ? 0 : 1));
    FUZZ_CHECK(specs.size() <= pieces.size());
    for (const auto& s : specs) check_spec(s);
    return 0;
}
