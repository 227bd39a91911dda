// One SSE connection attempt as a curl transfer: the header and body
// callbacks. Decisions (status, content type, redirects) are made by the
// connection; the body path per chunk does not allocate.
#include "sse_impl.hpp"

namespace rtwatch::net {
namespace {

constexpr std::size_t k_max_error_body = 64 * 1024;
constexpr long k_buffer_size = 512 * 1024;

}  // namespace

SseAttempt::SseAttempt(SseConnection::Impl& c, Request r, const TransportOptions& transport)
    : connection(&c), request(std::move(r)) {
    detail::configure(easy, transport, request, request.body);
    CURL* h = easy.handle;
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &SseAttempt::on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &SseAttempt::on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(h, CURLOPT_BUFFERSIZE, k_buffer_size);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);  // redirects are followed by the connection
    response.effective_url = request.url;
}

void SseAttempt::on_done(CURLcode result) {
    if (connection) connection->on_attempt_done(*this, result);
}

size_t SseAttempt::on_header(char* data, size_t size, size_t n, void* self) {
    auto* a = static_cast<SseAttempt*>(self);
    if (!a->connection) return 0;
    a->connection->last_byte = a->connection->loop.now();
    if (!detail::capture_header(std::string_view(data, size * n), a->response)) return size * n;
    long status = 0;
    curl_easy_getinfo(a->easy.handle, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200) return size * n;  // an interim 1xx block; the real one follows
    a->response.status = status;
    return a->connection->on_headers_done(*a) ? size * n : 0;
}

size_t SseAttempt::on_body(char* data, size_t size, size_t n, void* self) {
    auto* a = static_cast<SseAttempt*>(self);
    std::string_view bytes(data, size * n);
    if (!a->connection) return 0;
    switch (a->phase) {
        case Phase::streaming:
            if (a->connection->paused) {
                a->curl_paused = true;
                return CURL_WRITEFUNC_PAUSE;  // curl keeps the bytes and delivers them again on resume
            }
            return a->connection->on_stream_bytes(*a, bytes) ? bytes.size() : 0;
        case Phase::error_body:
            return a->collect_error_body(bytes);
        case Phase::headers:
            break;
    }
    return 0;
}

// A non-200 answer: keep the start of its body for the error message.
size_t SseAttempt::collect_error_body(std::string_view bytes) {
    connection->last_byte = connection->loop.now();
    std::string& body = decided->body;
    std::size_t room = k_max_error_body - body.size();
    body.append(bytes.substr(0, room));
    return body.size() < k_max_error_body ? bytes.size() : 0;  // full: stop reading
}

}  // namespace rtwatch::net
