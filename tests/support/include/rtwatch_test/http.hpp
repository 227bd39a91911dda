// Small HTTP helpers for tests, on cpp-httplib: GET/POST to 127.0.0.1
// (HTTPS without certificate checks when asked), JSON parsing, tokens.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <rapidjson/document.h>

namespace rtwatch::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
    int status = 0;     // 0 when the request failed
    std::string error;  // transport error text when status == 0
    std::string body;
    std::multimap<std::string, std::string> headers;    // names as sent
    std::string header(const std::string& name) const;  // case-insensitive; "" if absent
};

struct Endpoint {
    int port = 0;
    bool tls = false;
};

HttpResponse http_get(Endpoint to, const std::string& path, const Headers& headers = {});
HttpResponse http_head(Endpoint to, const std::string& path, const Headers& headers = {});
HttpResponse http_post(Endpoint to, const std::string& path, const std::string& body, const std::string& content_type,
                       const Headers& headers = {});
HttpResponse http_put(Endpoint to, const std::string& path, const std::string& body, const std::string& content_type,
                      const Headers& headers = {});
inline HttpResponse http_get(int port, const std::string& path, const Headers& headers = {}) {
    return http_get(Endpoint{port, false}, path, headers);
}
inline HttpResponse http_post(int port, const std::string& path, const std::string& body,
                              const std::string& content_type, const Headers& headers = {}) {
    return http_post(Endpoint{port, false}, path, body, content_type, headers);
}

// Parses JSON; throws std::runtime_error naming the text when it is not JSON.
rapidjson::Document parse_json(const std::string& text);
// Compact JSON text of a value: compare JSON by value, ignoring spacing.
std::string json_text(const rapidjson::Value& value);
// "Basic base64(id:secret)".
std::string basic_auth(const std::string& id, const std::string& secret);
// A client-credentials token from the simulator; throws if refused.
std::string fetch_token(Endpoint to, const std::string& id = "rtwatch", const std::string& secret = "rtwatch-secret");
inline std::string fetch_token(int port) { return fetch_token(Endpoint{port, false}); }

}  // namespace rtwatch::test
