// IdFilter and FieldSet: which records pass, and which metrics they keep.
#include <catch2/catch.hpp>

#include "rtwatch/filter/filter.hpp"

using rtwatch::Record;
using rtwatch::ResourceKind;
using rtwatch::filter::FieldSet;
using rtwatch::filter::IdFilter;

namespace {

Record make(ResourceKind kind, std::string id, std::initializer_list<const char*> names) {
    Record r;
    r.kind = kind;
    r.id = std::move(id);
    int n = 0;
    for (const char* name : names) {
        auto& m = r.add_metric();
        m.name = name;
        m.value.type = rtwatch::MetricValue::Type::number;
        m.value.text = std::to_string(++n);
        m.value.number = n;
    }
    return r;
}

std::vector<std::string> names(const Record& r) {
    std::vector<std::string> out;
    for (size_t i = 0; i < r.metric_count; ++i) out.push_back(r.metrics[i].name + "=" + r.metrics[i].value.text);
    return out;
}

}  // namespace

TEST_CASE("id filter: no ids given lets every record through", "[filter]") {
    IdFilter ids;
    CHECK(ids.empty());
    CHECK(ids.matches(make(ResourceKind::queue, "q1", {})));
    CHECK(ids.matches(make(ResourceKind::agent, "a1", {})));
}

TEST_CASE("id filter: a record passes when its kind and id are listed", "[filter]") {
    IdFilter ids{{"q1", "q2"}, {"s1"}, {"a1"}};
    CHECK(ids.matches(make(ResourceKind::queue, "q2", {})));
    CHECK(ids.matches(make(ResourceKind::skill, "s1", {})));
    CHECK(ids.matches(make(ResourceKind::agent, "a1", {})));
    CHECK_FALSE(ids.matches(make(ResourceKind::queue, "q3", {})));
}

TEST_CASE("id filter: the same id under another kind does not pass", "[filter]") {
    IdFilter ids{{"x"}, {}, {}};
    CHECK(ids.matches(make(ResourceKind::queue, "x", {})));
    CHECK_FALSE(ids.matches(make(ResourceKind::agent, "x", {})));
    CHECK_FALSE(ids.matches(make(ResourceKind::skill, "x", {})));
}

TEST_CASE("field set: empty keeps every metric", "[filter]") {
    auto r = make(ResourceKind::queue, "q", {"a", "b"});
    FieldSet().project(r);
    CHECK(names(r) == std::vector<std::string>{"a=1", "b=2"});
}

TEST_CASE("field set: keeps only tracked metrics, in record order", "[filter]") {
    auto r = make(ResourceKind::queue, "q", {"a", "b", "c", "d"});
    FieldSet({"d", "b", "zz"}).project(r);
    CHECK(names(r) == std::vector<std::string>{"b=2", "d=4"});
}

TEST_CASE("field set: dropped metrics stay as spare buffers for the next event", "[filter]") {
    auto r = make(ResourceKind::queue, "q", {"a", "b", "c"});
    FieldSet({"c"}).project(r);
    CHECK(names(r) == std::vector<std::string>{"c=3"});
    CHECK(r.metrics.size() == 3);
    CHECK(r.add_metric().name != "c");  // the spare is one of the dropped, not the kept one
}

TEST_CASE("field set: a record without tracked metrics ends up empty", "[filter]") {
    auto r = make(ResourceKind::queue, "q", {"a"});
    FieldSet({"b"}).project(r);
    CHECK(r.metric_count == 0);
}
