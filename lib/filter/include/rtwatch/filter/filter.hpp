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
    // True when no ids were given, or the record's kind+id is among them.
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
// string, `and`, `or`, `not`, parentheses. A missing metric or a type
// mismatch makes a comparison false.
class Where {
public:
    // Errors are usage errors that show the position, e.g.
    // "--where: expected a number or a string at position 11".
    static Result<Where> parse(std::string_view expression);
    bool matches(const Record& record) const;

    struct Node;

private:
    std::shared_ptr<const Node> m_root;
};

}  // namespace rtwatch::filter
