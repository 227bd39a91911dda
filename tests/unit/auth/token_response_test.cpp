// The token endpoint's answers, one status class at a time, with a fixed
// steady and wall clock.
#include <catch2/catch.hpp>

#include "rtwatch/auth/token.hpp"

using namespace rtwatch;
using namespace rtwatch::auth;
using namespace std::chrono;
using Kind = TokenAnswer::Kind;

namespace {

const TimePoint k_now{seconds(5'000)};
const WallTime k_wall{seconds(1'795'789'800)};  // 2026-11-27T14:30:00Z
constexpr std::string_view k_token = "tok-8f3a9c1e5b7d";

TokenAnswer classify(long status, std::string_view body, std::string_view retry_after = "") {
    return classify_token_response(status, body, retry_after, "", k_now, k_wall);
}

}  // namespace

TEST_CASE("token answer: 200 with expires_in gives a token and its expiry", "[auth]") {
    auto a = classify(200, R"({"access_token":"tok-8f3a9c1e5b7d","token_type":"bearer","expires_in":3600})");
    REQUIRE(a.kind == Kind::token);
    CHECK(a.token.access_token == k_token);
    CHECK(a.token.lifetime == Millis(3'600'000));
    CHECK(a.token.expires_at == k_now + Millis(3'600'000));
    CHECK(a.note.empty());
}

TEST_CASE("token answer: token_type is case-insensitive and may be missing", "[auth]") {
    CHECK(classify(200, R"({"access_token":"t","token_type":"Bearer","expires_in":60})").kind == Kind::token);
    CHECK(classify(200, R"({"access_token":"t","token_type":"BEARER","expires_in":60})").kind == Kind::token);
    CHECK(classify(200, R"({"access_token":"t","expires_in":60})").kind == Kind::token);
}

TEST_CASE("token answer: a token type other than bearer is fatal", "[auth]") {
    auto a = classify(200, R"({"access_token":"t","token_type":"mac","expires_in":60})");
    CHECK(a.kind == Kind::fatal);
    CHECK(a.error.code == ExitCode::auth);
    CHECK_THAT(a.error.message, Catch::Contains("bearer"));
}

TEST_CASE("token answer: fractional and string expires_in", "[auth]") {
    CHECK(classify(200, R"({"access_token":"t","expires_in":1.5})").token.lifetime == Millis(1'500));
    CHECK(classify(200, R"({"access_token":"t","expires_in":"120"})").token.lifetime == Millis(120'000));
    // Under 1 s the lifetime is raised to 1 s (see "a lifetime of a few ms").
    CHECK(classify(200, R"({"access_token":"t","expires_in":"0.25"})").token.lifetime == Millis(1'000));
}

TEST_CASE("token answer: expires_at as epoch seconds or RFC 3339", "[auth]") {
    auto epoch = classify(200, R"({"access_token":"t","expires_at":1795790100})");
    CHECK(epoch.token.lifetime == Millis(300'000));
    auto fractional = classify(200, R"({"access_token":"t","expires_at":1795789800.75})");
    CHECK(fractional.token.lifetime == Millis(1'000));  // 750 ms, raised to the 1 s minimum
    auto text = classify(200, R"({"access_token":"t","expires_at":"2026-11-27T14:40:00Z"})");
    CHECK(text.token.lifetime == Millis(600'000));
    CHECK(text.token.expires_at == k_now + Millis(600'000));
}

TEST_CASE("token answer: the earliest of expires_in and expires_at wins", "[auth]") {
    auto at_first = classify(200, R"({"access_token":"t","expires_in":3600,"expires_at":"2026-11-27T14:35:00Z"})");
    CHECK(at_first.token.lifetime == Millis(300'000));
    auto in_first = classify(200, R"({"access_token":"t","expires_in":90,"expires_at":1795793400})");
    CHECK(in_first.token.lifetime == Millis(90'000));
}

TEST_CASE("token answer: no lifetime at all assumes an hour and says so", "[auth]") {
    auto a = classify(200, R"({"access_token":"t","token_type":"bearer"})");
    REQUIRE(a.kind == Kind::token);
    CHECK(a.token.lifetime == Millis(3'600'000));
    CHECK_THAT(a.note, Catch::Contains("assuming 3600 s"));
}

TEST_CASE("token answer: an unusable lifetime field is ignored and noted", "[auth]") {
    auto a = classify(200, R"({"access_token":"t","expires_in":"soon","expires_at":1795789860})");
    REQUIRE(a.kind == Kind::token);
    CHECK(a.token.lifetime == Millis(60'000));
    CHECK_THAT(a.note, Catch::Contains("expires_in"));
}

TEST_CASE("token answer: a token that has already expired is retried, naming the clock", "[auth]") {
    auto zero = classify(200, R"({"access_token":"t","expires_in":0})");
    CHECK(zero.kind == Kind::retry_backoff);
    auto past = classify(200, R"({"access_token":"t","expires_at":"2026-11-27T14:29:00Z"})");
    CHECK(past.kind == Kind::retry_backoff);
    CHECK_THAT(past.error.message, Catch::Contains("1m ago") && Catch::Contains("clock"));
}

TEST_CASE("token answer: absurd lifetimes are capped rather than overflowing", "[auth]") {
    auto a = classify(200, R"({"access_token":"t","expires_in":1e300})");
    REQUIRE(a.kind == Kind::token);
    CHECK(a.token.lifetime > Millis(0));
    CHECK(a.token.lifetime <= hours(24 * 366));
}

TEST_CASE("token answer: an expires_at outside the representable years is ignored", "[auth]") {
    for (std::string_view at : {"1013-11-27T15:30:00Z", "9999-12-31T23:59:59Z", "soon"}) {
        INFO(at);
        auto a = classify(
            200, std::string(R"({"access_token":"t","expires_in":60,"expires_at":")") + std::string(at) + "\"}");
        REQUIRE(a.kind == Kind::token);
        CHECK(a.token.lifetime == Millis(60'000));
        CHECK_THAT(a.note, Catch::Contains("expires_at"));
    }
}

TEST_CASE("token answer: junk 200 bodies back off", "[auth]") {
    for (std::string_view body :
         {"", "not json", "<html>502</html>", "[]", "\"tok\"", R"({"access_token":""})", R"({"access_token":42})",
          R"({"token":"t"})", R"({"access_token":"t")", R"({"access_token":"t"} trailing)",
          "{\"access_token\":\"\xff\xfe\"}", R"({"access_token":"a b"})", R"({"access_token":"a\r\nX-Evil: 1"})"}) {
        INFO(body);
        auto a = classify(200, body);
        CHECK(a.kind == Kind::retry_backoff);
        CHECK_FALSE(a.error.message.empty());
    }
}

TEST_CASE("token answer: deeply nested JSON does not exhaust the stack", "[auth]") {
    std::string body(200'000, '[');
    CHECK(classify(200, body).kind == Kind::retry_backoff);
}

TEST_CASE("token answer: 400 names the OAuth error and the fix", "[auth]") {
    auto scope = classify(400, R"({"error":"invalid_scope","error_description":"no such scope"})");
    CHECK(scope.kind == Kind::fatal);
    CHECK(scope.error.code == ExitCode::auth);
    CHECK(scope.error.message == "token endpoint answered 400 invalid_scope (\"no such scope\"): check --scope");
    for (std::string_view code : {"unsupported_grant_type", "invalid_request"}) {
        auto a = classify(400, std::string(R"({"error":")") + std::string(code) + "\"}");
        CHECK(a.error.code == ExitCode::auth);
        CHECK_THAT(a.error.message, Catch::Contains(std::string(code)) && Catch::Contains("rejected the request"));
    }
}

TEST_CASE("token answer: 401 is fatal and names where the credentials come from", "[auth]") {
    auto a = classify(401, R"({"error":"invalid_client"})");
    CHECK(a.kind == Kind::fatal);
    CHECK(a.error.code == ExitCode::auth);
    CHECK(a.error.message ==
          "token endpoint answered 401 invalid_client: check RTWATCH_CLIENT_ID / --client-id and the secret "
          "(RTWATCH_CLIENT_SECRET or --client-secret-file)");
    CHECK(classify(401, "").error.message == a.error.message);
}

TEST_CASE("token answer: 403, 404 and other 4xx are fatal and name the status", "[auth]") {
    auto forbidden = classify(403, "");
    CHECK(forbidden.kind == Kind::fatal);
    CHECK_THAT(forbidden.error.message, Catch::StartsWith("token endpoint answered 403"));
    auto missing = classify(404, "<html>not found</html>");
    CHECK(missing.error.code == ExitCode::upstream);  // a wrong URL, not wrong credentials
    CHECK(missing.error.message == "token endpoint answered 404: check --auth-url");
    CHECK_THAT(classify(405, "").error.message, Catch::Contains("405") && Catch::Contains("--auth-url"));
    CHECK(classify(418, "").kind == Kind::fatal);
}

TEST_CASE("token answer: 429 and 503 with Retry-After wait that long", "[auth]") {
    auto seconds_form = classify(429, "", "30");
    CHECK(seconds_form.kind == Kind::retry_after);
    CHECK(seconds_form.delay == Millis(30'000));
    auto date_form = classify(503, "", "Fri, 27 Nov 2026 14:32:00 GMT");
    CHECK(date_form.kind == Kind::retry_after);
    CHECK(date_form.delay == Millis(120'000));
    CHECK(date_form.error.message == "token endpoint answered 503 (Retry-After 2m)");
}

TEST_CASE("token answer: 429 and 503 without a usable Retry-After back off", "[auth]") {
    CHECK(classify(429, "").kind == Kind::retry_backoff);
    CHECK(classify(503, "", "later").kind == Kind::retry_backoff);
}

TEST_CASE("token answer: 5xx, 408 and transport errors back off", "[auth]") {
    CHECK(classify(500, "").kind == Kind::retry_backoff);
    CHECK(classify(502, "<html>").kind == Kind::retry_backoff);
    CHECK(classify(408, "").kind == Kind::retry_backoff);
    auto net = classify_token_response(0, "", "", "Couldn't connect to server", k_now, k_wall);
    CHECK(net.kind == Kind::retry_backoff);
    CHECK_THAT(net.error.message, Catch::Contains("Couldn't connect to server"));
}

TEST_CASE("token answer: unexpected statuses are fatal, naming the status", "[auth]") {
    auto a = classify(302, "");
    CHECK(a.kind == Kind::fatal);
    CHECK_THAT(a.error.message, Catch::Contains("302") && Catch::Contains("--auth-url"));
}

TEST_CASE("token answer: server error text is escaped and capped", "[auth]") {
    std::string long_description(5'000, 'x');
    auto a = classify(400, R"({"error":"bad\nline","error_description":")" + long_description + "\"}");
    CHECK(a.error.message.find('\n') == std::string::npos);
    CHECK(a.error.message.size() < 400);
    CHECK_THAT(a.error.message, Catch::Contains(R"("bad\nline")"));
}

TEST_CASE("token answer: no message ever carries the secret or the token", "[auth]") {
    const std::string secret = "s3cr3t-Value-91";
    const std::string token(k_token);
    const std::vector<std::pair<long, std::string>> answers = {
        {200, R"({"access_token":")" + token + R"(","token_type":"mac"})"},
        {200, R"({"access_token":")" + token + R"(","expires_in":-5})"},
        {200, R"({"access_token":")" + token + R"( ","expires_in":60})"},
        {200, R"({"access_token":")" + token + R"(","expires_in":60)"},
        {400, R"({"error":"invalid_request","access_token":")" + token + R"(","client_secret":")" + secret + "\"}"},
        {401, R"({"error":"invalid_client","client_secret":")" + secret + "\"}"},
        {403, "forbidden for " + secret},
        {404, token},
        {500, R"({"access_token":")" + token + "\"}"},
        {503, secret},
    };
    for (const auto& [status, body] : answers) {
        INFO(status << " " << body);
        auto a = classify(status, body);
        CHECK(a.error.message.find(secret) == std::string::npos);
        CHECK(a.error.message.find(token) == std::string::npos);
        CHECK(a.note.find(token) == std::string::npos);
    }
    auto request = build_token_request(Credentials{"id", secret});
    CHECK(request.body.find(secret) == std::string::npos);
    CHECK(request.authorization.find(secret) == std::string::npos);
}

namespace {

TokenAnswer classify_at(long status, std::string_view url, bool auth_url_given, std::string_view body = "") {
    return classify_token_response(TokenReply{status, body, "", "", url, auth_url_given}, k_now, k_wall);
}

}  // namespace

TEST_CASE("token answer: 404, 405, 410 and redirects mean a wrong URL: upstream, naming it", "[auth]") {
    for (long status : {404L, 405L, 410L, 418L, 302L}) {
        INFO(status);
        auto given = classify_at(status, "http://auth.example/oauth/token", true, "<html>nope</html>");
        CHECK(given.kind == Kind::fatal);
        CHECK(given.error.code == ExitCode::upstream);
        CHECK_THAT(given.error.message, Catch::Contains("\"http://auth.example/oauth/token\"") &&
                                            Catch::Contains(std::to_string(status)) &&
                                            Catch::Contains("check --auth-url"));
        auto defaulted = classify_at(status, "http://api.example/oauth/token", false);
        CHECK(defaulted.error.code == ExitCode::upstream);
        CHECK_THAT(defaulted.error.message, Catch::Contains("defaults to --api-url"));
    }
    auto a = classify_at(404, "http://auth.example/oauth/token", true);
    CHECK(a.error.message ==
          "token endpoint \"http://auth.example/oauth/token\" answered 404: check --auth-url "
          "(the base URL: rtwatch adds /oauth/token)");
    // Credentials problems keep the auth exit code.
    CHECK(classify_at(401, "http://a/oauth/token", true).error.code == ExitCode::auth);
    CHECK(classify_at(400, "http://a/oauth/token", true, R"({"error":"invalid_scope"})").error.code == ExitCode::auth);
    CHECK(classify_at(403, "http://a/oauth/token", true).error.code == ExitCode::auth);
}

TEST_CASE("token answer: Retry-After of 0 or a past date never means retry now", "[auth]") {
    for (std::string_view value : {"0", "Fri, 27 Nov 2026 14:29:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT"}) {
        INFO(value);
        auto a = classify(503, "", value);
        CHECK(a.kind == Kind::retry_backoff);  // the caller's exponential backoff decides
        CHECK_THAT(a.error.message, Catch::Contains("0 or in the past"));
    }
    // A date a fraction of a second ahead waits the 1 s minimum.
    auto soon = classify_token_response(TokenReply{429, "", "Fri, 27 Nov 2026 14:30:00 GMT", "", "", false}, k_now,
                                        k_wall - Millis(300));
    CHECK(soon.kind == Kind::retry_after);
    CHECK(soon.delay == Millis(1'000));
}

TEST_CASE("token answer: a lifetime of a few ms is used for 1 s, so refreshes stay spaced", "[auth]") {
    auto a = classify(200, R"({"access_token":"t","expires_in":0.002})");
    REQUIRE(a.kind == Kind::token);
    CHECK(a.token.lifetime == Millis(1'000));
    CHECK(a.token.expires_at == k_now + Millis(1'000));
    CHECK_THAT(a.note, Catch::Contains("2 ms is under 1 s"));
    TokenCache cache;
    cache.store(a.token);
    REQUIRE(cache.refresh_at());
    CHECK(*cache.refresh_at() - k_now >= Millis(600));  // at most ~1.5 token requests a second
}

TEST_CASE("token answer: hostile bodies are bounded in size and depth", "[auth]") {
    CHECK(classify(200, std::string(110'000, '[')).kind == Kind::retry_backoff);
    std::string deep;
    for (int i = 0; i < 10'000; ++i) deep += "{\"a\":";
    auto nested = classify(200, deep);
    CHECK(nested.kind == Kind::retry_backoff);
    CHECK_THAT(nested.error.message, Catch::Contains("nested deeper than 16"));
    auto big = classify(200, R"({"access_token":")" + std::string(70'000, 'A') + "\"}");
    CHECK(big.kind == Kind::retry_backoff);
    CHECK_THAT(big.error.message, Catch::Contains("over the 65536-byte limit"));
    // An error body too deep or too big just names no OAuth error.
    auto deep_error = classify(400, "{\"error\":\"invalid_scope\",\"x\":" + std::string(110'000, '['));
    CHECK(deep_error.kind == Kind::fatal);
    CHECK(deep_error.error.message.find("invalid_scope") == std::string::npos);
}
