// Curl easy-handle setup and response-header parsing for the net layer.
#include "easy.hpp"

#include <algorithm>
#include <cctype>

#include "rtwatch/core/text.hpp"

namespace rtwatch::net::detail {
namespace {

void set_method(CURL* h, const Request& request, const std::string& body) {
    const std::string& m = request.method;
    bool has_body = !body.empty() || (m != "GET" && m != "HEAD");
    if (m == "GET" && body.empty()) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (m == "HEAD") {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (m != "POST") {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m.c_str());
    }
    if (has_body && m != "HEAD") {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
    }
}

}  // namespace

Easy::Easy() : handle(curl_easy_init()) {}

Easy::~Easy() {
    if (handle) curl_easy_cleanup(handle);
    if (headers) curl_slist_free_all(headers);
}

void Easy::add_header(const std::string& line) { headers = curl_slist_append(headers, line.c_str()); }

void configure(Easy& easy, const TransportOptions& transport, const Request& request, const std::string& body) {
    CURL* h = easy.handle;
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, easy.error);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(transport.connect_timeout.count()));
    if (request.timeout) curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout->count()));
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    // A redirect never lowers the transport.
    if (request.url.rfind("https:", 0) == 0) curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    if (!transport.cacert.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, transport.cacert.c_str());
    if (transport.insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    set_method(h, request, body);
    for (const auto& line : request.headers) easy.add_header(line);
    easy.add_header("Expect:");  // no 100-continue round trip for request bodies
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, easy.headers);
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

bool has_header(const std::vector<std::string>& headers, std::string_view name) {
    return std::any_of(headers.begin(), headers.end(), [&](const std::string& line) {
        auto colon = line.find(':');
        return colon != std::string::npos && iequals(trim(std::string_view(line).substr(0, colon)), name);
    });
}

bool capture_header(std::string_view line, Response& response) {
    std::string_view t = trim(line);
    if (t.empty()) return true;
    if (t.substr(0, 5) == "HTTP/") {
        response.content_type.clear();
        response.retry_after.clear();
        response.location.clear();
        return false;
    }
    auto colon = t.find(':');
    if (colon == std::string_view::npos) return false;
    std::string_view name = trim(t.substr(0, colon));
    std::string_view value = trim(t.substr(colon + 1));
    if (iequals(name, "content-type"))
        response.content_type.assign(value);
    else if (iequals(name, "retry-after"))
        response.retry_after.assign(value);
    else if (iequals(name, "location"))
        response.location.assign(value);
    return false;
}

bool is_event_stream(std::string_view content_type) {
    constexpr std::string_view k_type = "text/event-stream";
    std::string_view t = trim(content_type);
    if (t.size() < k_type.size() || !iequals(t.substr(0, k_type.size()), k_type)) return false;
    std::string_view rest = trim(t.substr(k_type.size()));
    return rest.empty() || rest.front() == ';';
}

std::string resolve_location(const std::string& base, const std::string& location) {
    CURLU* u = curl_url();
    std::string out;
    char* text = nullptr;
    if (curl_url_set(u, CURLUPART_URL, base.c_str(), 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_URL, location.c_str(), 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &text, 0) == CURLUE_OK) {
        out = text;
    }
    curl_free(text);
    curl_url_cleanup(u);
    return out;
}

bool is_untrusted_certificate(CURLcode code) {
    return code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_ISSUER_ERROR;
}

std::string describe(CURLcode code, const Easy& easy) {
    std::string text = curl_easy_strerror(code);
    if (easy.error[0] != '\0') text += std::string(": ") + easy.error;
    return text;
}

}  // namespace rtwatch::net::detail
