// packed_equals (the diff's no-change shortcut) and ResourceTable (its
// per-resource lookup): exact byte equality and exact key identity.
#include <catch2/catch.hpp>

#include <string>

#include "rtwatch/diff/packed_metrics.hpp"
#include "rtwatch/diff/resource_table.hpp"
#include "test_records.hpp"

using rtwatch::Record;
using rtwatch::ResourceKind;
using rtwatch::testing::make_record;
namespace diff = rtwatch::diff;

namespace {

std::string packed(const Record& r) {
    std::string out;
    diff::pack_metrics(out, r);
    return out;
}

const Record k_base =
    make_record(ResourceKind::queue, "q", {{"w", "45"}, {"s", "\"on\""}, {"p", "false"}, {"n", "null"}, {"f", "85.5"}});

}  // namespace

TEST_CASE("packed_equals: a record equals its own packing, every value type included", "[diff]") {
    CHECK(diff::packed_equals(packed(k_base), k_base));
    Record empty = make_record(ResourceKind::queue, "q", {});
    CHECK(diff::packed_equals(packed(empty), empty));
}

TEST_CASE("packed_equals: any change of value, type, name, order or count is unequal", "[diff]") {
    const std::string stored = packed(k_base);
    for (auto other : {
             make_record(ResourceKind::queue, "q",
                         {{"w", "46"}, {"s", "\"on\""}, {"p", "false"}, {"n", "null"}, {"f", "85.5"}}),
             make_record(ResourceKind::queue, "q",
                         {{"w", "45"}, {"s", "\"off\""}, {"p", "false"}, {"n", "null"}, {"f", "85.5"}}),
             make_record(ResourceKind::queue, "q",
                         {{"w", "45"}, {"s", "\"on\""}, {"p", "true"}, {"n", "null"}, {"f", "85.5"}}),
             make_record(ResourceKind::queue, "q",
                         {{"w", "45"}, {"s", "\"on\""}, {"p", "false"}, {"n", "0"}, {"f", "85.5"}}),
             make_record(ResourceKind::queue, "q",
                         {{"w", "45"}, {"s", "\"on\""}, {"p", "false"}, {"n", "null"}, {"f", "85.50"}}),
             make_record(ResourceKind::queue, "q",
                         {{"w", "\"45\""}, {"s", "\"on\""}, {"p", "false"}, {"n", "null"}, {"f", "85.5"}}),
             make_record(ResourceKind::queue, "q",
                         {{"x", "45"}, {"s", "\"on\""}, {"p", "false"}, {"n", "null"}, {"f", "85.5"}}),
             make_record(ResourceKind::queue, "q",
                         {{"s", "\"on\""}, {"w", "45"}, {"p", "false"}, {"n", "null"}, {"f", "85.5"}}),
             make_record(ResourceKind::queue, "q", {{"w", "45"}, {"s", "\"on\""}, {"p", "false"}, {"n", "null"}}),
             make_record(ResourceKind::queue, "q",
                         {{"w", "45"}, {"s", "\"on\""}, {"p", "false"}, {"n", "null"}, {"f", "85.5"}, {"g", "1"}}),
         }) {
        CHECK_FALSE(diff::packed_equals(stored, other));
    }
}

TEST_CASE("packed_equals: names and values of 128 bytes and more compare by their multi-byte lengths", "[diff]") {
    std::string long_name(200, 'n'), long_text = "\"" + std::string(300, 't') + "\"";
    Record r = make_record(ResourceKind::queue, "q", {{long_name.c_str(), long_text.c_str()}});
    CHECK(diff::packed_equals(packed(r), r));
    std::string shorter = "\"" + std::string(299, 't') + "\"";
    CHECK_FALSE(
        diff::packed_equals(packed(r), make_record(ResourceKind::queue, "q", {{long_name.c_str(), shorter.c_str()}})));
}

TEST_CASE("packed_equals: truncated stored bytes are unequal, not an overrun", "[diff]") {
    const std::string stored = packed(k_base);
    for (std::size_t n = 0; n < stored.size(); ++n) CHECK_FALSE(diff::packed_equals(stored.substr(0, n), k_base));
}

TEST_CASE("resource table: finds what was added, by kind and id, across growth", "[diff]") {
    diff::ResourceTable<int> table;
    CHECK(table.find({ResourceKind::queue, "q1"}) == nullptr);
    table.prefetch_slot(diff::hash_key({ResourceKind::queue, "q1"}));  // harmless on an empty table
    table.prefetch_entry(diff::hash_key({ResourceKind::queue, "q1"}));
    for (int i = 0; i < 5000; ++i)
        table.assign({ResourceKind::queue, "queue-" + std::to_string(i)}, std::string("v").append(std::to_string(i)))
            .header = i;
    table.assign({ResourceKind::agent, "queue-7"}, "agent").header = -7;
    CHECK(table.size() == 5001);
    for (int i = 0; i < 5000; ++i) {
        const std::string id = "queue-" + std::to_string(i);
        table.prefetch_slot(diff::hash_key({ResourceKind::queue, id}));
        table.prefetch_entry(diff::hash_key({ResourceKind::queue, id}));
        const auto* e = table.find({ResourceKind::queue, id});
        REQUIRE(e != nullptr);
        CHECK(e->header == i);
        CHECK(e->id() == id);
        CHECK(e->bytes() == std::string("v").append(std::to_string(i)));
        CHECK(&table.entry(static_cast<std::size_t>(i)) == e);  // insertion order
    }
    CHECK(table.find({ResourceKind::agent, "queue-7"})->header == -7);
    CHECK(table.find({ResourceKind::skill, "queue-7"}) == nullptr);
    CHECK(table.find({ResourceKind::queue, "queue-5000"}) == nullptr);
    CHECK(table.find({ResourceKind::queue, ""}) == nullptr);
}

TEST_CASE("resource table: new bytes reuse the room or move the entry, keeping header and order", "[diff]") {
    diff::ResourceTable<int> table;
    table.assign({ResourceKind::queue, "a"}, "first").header = 1;
    table.assign({ResourceKind::queue, "b"}, "b").header = 2;
    const auto* before = table.find({ResourceKind::queue, "a"});
    auto& shorter = table.assign({ResourceKind::queue, "a"}, "1st");
    CHECK(&shorter == before);  // fits: same block
    CHECK(shorter.bytes() == "1st");
    auto& longer = table.assign({ResourceKind::queue, "a"}, std::string(300, 'x'));
    CHECK(longer.bytes() == std::string(300, 'x'));
    CHECK(longer.header == 1);
    CHECK(table.find({ResourceKind::queue, "a"}) == &longer);
    CHECK(&table.entry(0) == &longer);
    CHECK(table.entry(1).id() == "b");
    CHECK(table.size() == 2);
    table.assign({ResourceKind::queue, "a"}, "");
    CHECK(table.find({ResourceKind::queue, "a"})->bytes().empty());
}

TEST_CASE("resource table: ids differing only past 8 bytes or in length hash apart", "[diff]") {
    CHECK(diff::hash_key({ResourceKind::queue, "abcdefgh1"}) != diff::hash_key({ResourceKind::queue, "abcdefgh2"}));
    CHECK(diff::hash_key({ResourceKind::queue, "a"}) != diff::hash_key({ResourceKind::queue, std::string("a\0", 2)}));
    CHECK(diff::hash_key({ResourceKind::queue, "a"}) != diff::hash_key({ResourceKind::agent, "a"}));
}
