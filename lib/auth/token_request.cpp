// The client-credentials token request (RFC 6749 4.4): a form body and
// HTTP Basic authentication with form-urlencoded id and secret (2.3.1).
#include "rtwatch/auth/token.hpp"
#include "rtwatch/core/log.hpp"

namespace rtwatch::auth {

namespace {

constexpr char k_hex[] = "0123456789ABCDEF";
constexpr char k_base64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool form_safe(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '*' || c == '-' ||
           c == '.' || c == '_';
}

}  // namespace

// The WHATWG application/x-www-form-urlencoded byte serializer, which is
// what RFC 6749 Appendix B asks for: space becomes '+', the rest %XX.
std::string form_urlencode(std::string_view text) {
    std::string out;
    out.reserve(text.size() * 3);
    for (unsigned char c : text) {
        if (form_safe(c)) {
            out.push_back(static_cast<char>(c));
        } else if (c == ' ') {
            out.push_back('+');
        } else {
            out.push_back('%');
            out.push_back(k_hex[c >> 4]);
            out.push_back(k_hex[c & 15]);
        }
    }
    return out;
}

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                     static_cast<unsigned char>(bytes[i + 2]);
        for (int shift = 18; shift >= 0; shift -= 6) out.push_back(k_base64[(v >> shift) & 63]);
    }
    size_t rest = bytes.size() - i;
    if (rest == 0) return out;
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(k_base64[(v >> 18) & 63]);
    out.push_back(k_base64[(v >> 12) & 63]);
    out.push_back(rest == 2 ? k_base64[(v >> 6) & 63] : '=');
    out.push_back('=');
    return out;
}

TokenRequest build_token_request(const Credentials& credentials) {
    TokenRequest request;
    request.content_type = "application/x-www-form-urlencoded";
    std::string encoded_secret = form_urlencode(credentials.client_secret);
    std::string basic = base64_encode(form_urlencode(credentials.client_id) + ":" + encoded_secret);
    // Whatever later prints a header or a request must not show these.
    log::add_secret(credentials.client_secret);
    log::add_secret(encoded_secret);
    log::add_secret(basic);
    request.authorization = "Basic " + basic;
    request.body = "grant_type=client_credentials";
    if (!credentials.scope.empty()) request.body += "&scope=" + form_urlencode(credentials.scope);
    return request;
}

}  // namespace rtwatch::auth
