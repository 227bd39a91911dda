// POST /oauth/token: OAuth 2.0 client credentials (RFC 6749 §4.4). Client
// authentication by HTTP Basic or by body fields; form or JSON bodies.
#include <rapidjson/document.h>

#include <cmath>

#include <fmt/format.h>

#include "rtwatch/core/time_format.hpp"
#include "server_impl.hpp"

namespace rtwatch::sim {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// application/x-www-form-urlencoded decoding: '+' is a space.
std::string form_decode(std::string_view in) {
    std::string out;
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '+') {
            out.push_back(' ');
        } else if (in[i] == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
            i += 2;
        } else {
            out.push_back(in[i]);
        }
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
    static constexpr std::string_view k_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (char c : in) {
        if (c == '=') break;
        const size_t v = k_alphabet.find(c);
        if (v == std::string_view::npos) return std::nullopt;
        buffer = (buffer << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    return out;
}

void set_field(TokenRequest& r, std::string_view key, std::string value) {
    if (key == "grant_type")
        r.grant_type = std::move(value);
    else if (key == "scope")
        r.scope = std::move(value);
    else if (key == "client_id")
        r.client_id = std::move(value);
    else if (key == "client_secret")
        r.client_secret = std::move(value);
}

TokenRequest parse_body(const httplib::Request& req) {
    TokenRequest r;
    const std::string_view body = req.body;
    const bool json = req.get_header_value("Content-Type").find("json") != std::string::npos ||
                      (!body.empty() && body.front() == '{');
    if (json) {
        rapidjson::Document doc;
        doc.Parse(body.data(), body.size());
        if (doc.HasParseError() || !doc.IsObject()) return TokenRequest{{}, {}, {}, {}, true};
        for (auto& m : doc.GetObject())
            if (m.value.IsString()) set_field(r, m.name.GetString(), m.value.GetString());
        return r;
    }
    size_t pos = 0;
    while (pos < body.size()) {
        const size_t end = std::min(body.find('&', pos), body.size());
        const std::string_view pair = body.substr(pos, end - pos);
        const size_t eq = pair.find('=');
        if (eq != std::string_view::npos)
            set_field(r, form_decode(pair.substr(0, eq)), form_decode(pair.substr(eq + 1)));
        pos = end + 1;
    }
    return r;
}

// Basic credentials override body ones, as RFC 6749 §2.3.1 prefers them.
void read_basic(const httplib::Request& req, TokenRequest& r) {
    const std::string auth = req.get_header_value("Authorization");
    if (auth.size() < 6 || strncasecmp(auth.c_str(), "basic ", 6) != 0) return;
    auto decoded = base64_decode(std::string_view(auth).substr(6));
    if (!decoded) return;
    const size_t colon = decoded->find(':');
    if (colon == std::string::npos) return;
    r.client_id = form_decode(std::string_view(*decoded).substr(0, colon));
    r.client_secret = form_decode(std::string_view(*decoded).substr(colon + 1));
}

void send_error(httplib::Response& res, int status, std::string_view error, std::string_view description) {
    res.status = status;
    if (status == 401) res.set_header("WWW-Authenticate", "Basic realm=\"rtwatch-sim\"");
    res.set_header("Cache-Control", "no-store");
    res.set_content(fmt::format(R"({{"error":"{}","error_description":"{}"}})", error, description),
                    "application/json");
}

bool scope_ok(const std::string& scope) {
    size_t pos = 0;
    while (pos < scope.size()) {
        size_t end = scope.find(' ', pos);
        if (end == std::string::npos) end = scope.size();
        if (end > pos && std::string_view(scope).substr(pos, end - pos) != k_scope) return false;
        pos = end + 1;
    }
    return true;
}

std::string seconds_text(double s) {
    if (s == std::floor(s)) return fmt::format("{}", static_cast<int64_t>(s));
    return fmt::format("{:.3f}", s);
}

void handle_token(SimServer::Impl& s, const httplib::Request& req, httplib::Response& res) {
    ++s.stats.token_requests;
    if (auto canned = s.faults.take_canned(Endpoint::token)) return send_canned(*canned, res);
    const TokenRequest r = read_token_request(req);
    if (r.malformed) return send_error(res, 400, "invalid_request", "the request body is not a JSON object");
    if (s.faults.credentials_rotated() || r.client_id != s.options.client_id ||
        r.client_secret != s.options.client_secret)
        return send_error(res, 401, "invalid_client", "unknown client id or wrong secret");
    if (!r.grant_type) return send_error(res, 400, "invalid_request", "grant_type is missing");
    if (*r.grant_type != "client_credentials")
        return send_error(res, 400, "unsupported_grant_type", "only client_credentials is supported");
    if (r.scope && !scope_ok(*r.scope))
        return send_error(res, 400, "invalid_scope", "the only scope is genesyscloud.realtime.data.view");
    const bool with_scope = !s.faults.scope_expired();
    const IssuedToken token = s.tokens.issue(with_scope, SteadyClock::now());
    ++s.stats.tokens_issued;
    const double lifetime = s.options.token_lifetime_s;
    const auto expires_at =
        WallClock::now() + std::chrono::duration_cast<WallClock::duration>(std::chrono::duration<double>(lifetime));
    res.set_header("Cache-Control", "no-store");
    res.set_header("Pragma", "no-cache");
    res.set_content(fmt::format(R"({{"access_token":"{}","token_type":"bearer","expires_in":{},"expires_at":"{}",)"
                                R"("scope":"{}"}})",
                                token.access_token, seconds_text(lifetime), format_rfc3339_ms(expires_at),
                                with_scope ? k_scope : ""),
                    "application/json");
}

}  // namespace

TokenRequest read_token_request(const httplib::Request& req) {
    TokenRequest r = parse_body(req);
    if (!r.malformed) read_basic(req, r);
    return r;
}

void install_token_endpoint(SimServer::Impl& s) {
    s.http->Post("/oauth/token", [&s](const httplib::Request& req, httplib::Response& res) {
        handle_token(s, req, res);
        s.stats.response(Endpoint::token, res.status > 0 ? res.status : 200);
    });
}

}  // namespace rtwatch::sim
