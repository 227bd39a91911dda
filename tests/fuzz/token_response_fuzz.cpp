// Fuzzes the token endpoint classifier and Retry-After parser. Properties:
// no crash, sane delays and lifetimes, a token's cache timing inside its
// life, and a token from the body never quoted in a message.
// Input: [status index][Retry-After value]\n[body]
#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "fuzz_check.hpp"
#include "rtwatch/auth/token.hpp"

namespace {

using namespace rtwatch;
using Kind = auth::TokenAnswer::Kind;

const TimePoint k_now{std::chrono::seconds(5'000)};
const WallTime k_wall{std::chrono::seconds(1'795'789'800)};
constexpr long k_statuses[] = {200, 400, 401, 403, 404, 429, 503, 500, 0, 408, 302, 204, 418, 599, 200, 200};

// The body's access_token, when it is long and distinctive enough that
// finding it in a message can only mean it was leaked.
std::string planted_token(std::string_view body) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
    if (doc.HasParseError() || !doc.IsObject()) return {};
    const rapidjson::Value& obj = doc;
    auto it = obj.FindMember("access_token");
    if (it == obj.MemberEnd() || !it->value.IsString() || it->value.GetStringLength() < 8) return {};
    std::string token(it->value.GetString(), it->value.GetStringLength());
    return token.rfind("TOK", 0) == 0 ? token : std::string();
}

bool echoed_field_contains(std::string_view body, const std::string& token) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
    if (doc.HasParseError() || !doc.IsObject()) return false;
    const rapidjson::Value& obj = doc;
    for (const char* name : {"error", "error_description"}) {
        auto it = obj.FindMember(name);
        if (it != obj.MemberEnd() && it->value.IsString() &&
            std::string_view(it->value.GetString(), it->value.GetStringLength()).find(token) != std::string_view::npos)
            return true;
    }
    return false;
}

void check_token(const auth::TokenAnswer& a) {
    FUZZ_CHECK(!a.token.access_token.empty());
    FUZZ_CHECK(a.token.lifetime > Millis(0));
    FUZZ_CHECK(a.token.expires_at == k_now + a.token.lifetime);
    FUZZ_CHECK(a.error.message.empty());
    auth::TokenCache cache;
    cache.store(a.token);
    FUZZ_CHECK(cache.valid(k_now));
    FUZZ_CHECK(*cache.refresh_at() > k_now);
    FUZZ_CHECK(*cache.refresh_at() <= a.token.expires_at);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    long status = k_statuses[data[0] & 15];
    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    size_t nl = rest.find('\n');
    std::string_view retry_after = nl == std::string_view::npos ? std::string_view() : rest.substr(0, nl);
    std::string_view body = nl == std::string_view::npos ? rest : rest.substr(nl + 1);

    if (auto delay = auth::parse_retry_after(retry_after, k_wall)) {
        FUZZ_CHECK(*delay >= Millis(0));
        FUZZ_CHECK(*delay <= auth::k_max_retry_after);
    }
    auto a = auth::classify_token_response(status, body, retry_after, retry_after, k_now, k_wall);
    FUZZ_CHECK(a.delay >= Millis(0));
    if (a.kind == Kind::token) {
        FUZZ_CHECK(status == 200);
        check_token(a);
        return 0;
    }
    FUZZ_CHECK(!a.error.message.empty());
    if (a.kind == Kind::retry_after) FUZZ_CHECK(status == 429 || status == 503);
    std::string token = planted_token(body);
    if (!token.empty() && !echoed_field_contains(body, token) && retry_after.find(token) == std::string_view::npos)
        FUZZ_CHECK(a.error.message.find(token) == std::string::npos);
    return 0;
}
