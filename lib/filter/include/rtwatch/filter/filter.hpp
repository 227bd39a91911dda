// Local filtering: resource ids (also sent upstream as query parameters),
// tracked fields (projection), and the --where expression.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtwatch/core/record.hpp"
#include "rtwatch/core/result.hpp"

namespace rtwatch::filter {

struct IdFilter {
    std::vector<std::string> queues, skills, agents;

    bool empty() const { return queues.empty() && skills.empty() && agents.empty(); }
    // True when no ids were given, or the record's kind+id is among them
    // (a linear scan: fine for the handful of ids a command line names).
    bool matches(const Record& record) const;
};

// Keeps only the tracked metrics (in record order). Empty = track all.
class FieldSet {
public:
    FieldSet() = default;
    explicit FieldSet(std::vector<std::string> fields);
    bool all() const { return m_fields.empty(); }
    void project(Record& record) const;

private:
    std::vector<std::string> m_fields;
};

// --where: comparisons (== != < <= > >=) of a metric with a number or a
// quoted string ('..' or "..", backslash escapes), `and`, `or`, `not` (also
// `&&`, `||`, `!`; lower case), parentheses; `and` binds tighter than `or`.
// Numbers compare numerically, strings bytewise. A missing metric, null, a
// boolean or a type mismatch makes a comparison false, whatever the
// operator, so `x != 5` is false and `not (x > 5)` true when x is absent.
class Where {
public:
    // Errors are usage errors that say what was expected and where, e.g.
    // "--where: expected a number or a string after '>' at column 11: waiting > and x".
    static Result<Where> parse(std::string_view expression);
    bool matches(const Record& record) const;
    // The metric names it compares, each once, in order of appearance.
    std::vector<std::string> metric_names() const;
    // What evaluating it costs: its comparisons, and how deep it nests (a
    // comparison is 1; `not x`, `(x)` under another operator, and a run of
    // `and` or of `or` each one more than the deepest part inside).
    struct Cost {
        std::size_t comparisons = 0;
        std::size_t depth = 0;
    };
    Cost cost() const;

    struct Node;

private:
    std::shared_ptr<const Node> m_root;
};

}  // namespace rtwatch::filter
