// Private to the net layer: building curl easy handles from a Request and
// reading response headers. Shared by one-shot requests and SSE attempts.
#pragma once

#include <curl/curl.h>

#include <string>
#include <string_view>

#include "rtwatch/net/loop.hpp"

namespace rtwatch::net::detail {

// Owns an easy handle and its header list; never copied.
struct Easy {
    CURL* handle = nullptr;
    curl_slist* headers = nullptr;
    char error[CURL_ERROR_SIZE] = {};

    Easy();
    ~Easy();
    Easy(const Easy&) = delete;
    Easy& operator=(const Easy&) = delete;
    void add_header(const std::string& line);
};

// URL, method, body (kept by reference: `body` must outlive the transfer),
// TLS and timeouts. Never turns on CURLOPT_VERBOSE: headers carry secrets.
void configure(Easy& easy, const TransportOptions& transport, const Request& request, const std::string& body);

bool iequals(std::string_view a, std::string_view b);
bool has_header(const std::vector<std::string>& headers, std::string_view name);

// Folds one raw header line into `response`. Returns true at the blank line
// that ends a header block. A status line starts a fresh block.
bool capture_header(std::string_view line, Response& response);

// The server's certificate could not be verified with the configured CAs
// (or the CA file itself is unusable): the same request will fail again.
bool is_untrusted_certificate(CURLcode code);

// text/event-stream, any case, optionally followed by parameters.
bool is_event_stream(std::string_view content_type);

// Resolves a (possibly relative) Location against the URL it came from.
std::string resolve_location(const std::string& base, const std::string& location);

std::string describe(CURLcode code, const Easy& easy);

}  // namespace rtwatch::net::detail
