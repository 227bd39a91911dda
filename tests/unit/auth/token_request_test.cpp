// The token request as RFC 6749 2.3.1 and 4.4.2 spell it: form body, and
// Basic auth over the form-urlencoded id and secret.
#include <catch2/catch.hpp>

#include "rtwatch/auth/token.hpp"
#include "rtwatch/core/log.hpp"

using namespace rtwatch::auth;

TEST_CASE("token request: form body with the default scope", "[auth]") {
    auto r = build_token_request(Credentials{"client", "secret"});
    CHECK(r.content_type == "application/x-www-form-urlencoded");
    CHECK(r.body == "grant_type=client_credentials&scope=genesyscloud.realtime.data.view");
}

TEST_CASE("token request: an empty scope is left out of the body", "[auth]") {
    auto r = build_token_request(Credentials{"client", "secret", ""});
    CHECK(r.body == "grant_type=client_credentials");
}

TEST_CASE("token request: scopes are form-urlencoded, space as plus", "[auth]") {
    auto r = build_token_request(Credentials{"client", "secret", "a:read b/write"});
    CHECK(r.body == "grant_type=client_credentials&scope=a%3Aread+b%2Fwrite");
}

TEST_CASE("token request: id and secret are form-urlencoded before base64", "[auth]") {
    // base64("a+b%3Ac:p%40ss%2B%2F%3D"): a ':' in the id must not split it.
    auto r = build_token_request(Credentials{"a b:c", "p@ss+/="});
    CHECK(r.authorization == "Basic YStiJTNBYzpwJTQwc3MlMkIlMkYlM0Q=");
}

TEST_CASE("token request: plain id and secret give the usual Basic header", "[auth]") {
    auto r = build_token_request(Credentials{"Aladdin", "open sesame"});
    CHECK(r.authorization == "Basic " + base64_encode("Aladdin:open+sesame"));
    CHECK(base64_encode("Aladdin:open sesame") == "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST_CASE("form urlencode: keeps *-._ and alphanumerics, encodes every other byte", "[auth]") {
    CHECK(form_urlencode("AZaz09*-._") == "AZaz09*-._");
    CHECK(form_urlencode("a b") == "a+b");
    CHECK(form_urlencode("~!&=%+") == "%7E%21%26%3D%25%2B");
    CHECK(form_urlencode("\xc3\xa9") == "%C3%A9");
    CHECK(form_urlencode(std::string_view("\0\x7f", 2)) == "%00%7F");
}

TEST_CASE("base64: every padding length", "[auth]") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("foob") == "Zm9vYg==");
    CHECK(base64_encode("fooba") == "Zm9vYmE=");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64_encode("\xff\xfe\xfd") == "//79");
}

TEST_CASE("token request: the secret, its encoded form and the Basic credential are masked in logs", "[auth]") {
    rtwatch::log::clear_secrets();
    auto r = build_token_request(Credentials{"dash", "s3cret value"});
    std::string basic = r.authorization.substr(6);
    CHECK(rtwatch::log::sanitize("header " + r.authorization) == "header Basic ***");
    CHECK(rtwatch::log::sanitize("credential " + basic) == "credential ***");
    CHECK(rtwatch::log::sanitize("form s3cret+value, raw s3cret value") == "form ***, raw ***");
    rtwatch::log::clear_secrets();
}
