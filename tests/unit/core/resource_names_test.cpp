// --names FILE: the CSV of kind,id,name that the relay's wallboard and
// rtwatch top both read, and the errors a bad line gets.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "rtwatch/core/resource_names.hpp"

using rtwatch::ResourceKind;
using rtwatch::ResourceNames;

TEST_CASE("resource names: kind,id,name lines with a header, comments and quotes", "[core]") {
    auto names = ResourceNames::parse(
        "\xEF\xBB\xBFkind,id,name\r\n# queues\n\nqueue,queue-0001,Billing\r\n"
        "skill, skill-sales ,\"Sales, EMEA\"\nagent,a1,\"Ada \"\"the\"\" first\"\n",
        "names.csv");
    REQUIRE(names.ok());
    CHECK(names->size() == 3);
    CHECK(names->find(ResourceKind::queue, "queue-0001") == "Billing");
    CHECK(names->find(ResourceKind::skill, "skill-sales") == "Sales, EMEA");
    CHECK(names->find(ResourceKind::agent, "a1") == "Ada \"the\" first");
    CHECK(names->find(ResourceKind::agent, "queue-0001").empty());
}

TEST_CASE("resource names: a bad line names the file, the line and the fix", "[core]") {
    for (auto [text, why] : {std::pair{"queue,q1\n", "2 fields"},
                             {"team,q1,A\n", "unknown kind 'team'"},
                             {"queue,,A\n", "the id is empty"},
                             {"queue,q1,\n", "the name is empty"},
                             {"queue,q1,\"A\n", "quote"},
                             {"queue,q1,A\nqueue,q1,B\n", "named twice"}}) {
        auto names = ResourceNames::parse(text, "n.csv");
        REQUIRE_FALSE(names.ok());
        CHECK(names.error().code == rtwatch::ExitCode::usage);
        CHECK_THAT(names.error().message,
                   Catch::Contains("--names n.csv:") && Catch::Contains(why) && Catch::Contains("kind,id,name"));
    }
    auto missing = ResourceNames::load("/nonexistent/names.csv");
    REQUIRE_FALSE(missing.ok());
    CHECK_THAT(missing.error().message, Catch::Contains("cannot open"));
}

TEST_CASE("resource names: for_each gives each kind, id and name back", "[core]") {
    auto names = ResourceNames::parse("agent,a1,Ada\nqueue,q/1,Billing\nskill,s1,Sales\n", "n.csv");
    REQUIRE(names.ok());
    std::map<std::string, std::string> seen;
    names->for_each([&](ResourceKind kind, std::string_view id, std::string_view name) {
        seen[std::string(rtwatch::kind_name(kind)) + " " + std::string(id)] = name;
    });
    CHECK(seen ==
          std::map<std::string, std::string>{{"agent a1", "Ada"}, {"queue q/1", "Billing"}, {"skill s1", "Sales"}});
}

TEST_CASE("resource names: a name longer than 200 bytes is refused", "[core]") {
    CHECK(ResourceNames::parse("queue,q1," + std::string(200, 'x') + "\n", "n.csv").ok());
    auto names = ResourceNames::parse("queue,q1,A\nqueue,q2," + std::string(201, 'x') + "\n", "n.csv");
    REQUIRE_FALSE(names.ok());
    CHECK_THAT(names.error().message, Catch::Contains("--names n.csv:2:") && Catch::Contains("longer than 200"));
}
