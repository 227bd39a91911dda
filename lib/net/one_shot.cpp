// One-shot requests (token requests, callbacks): status, the headers callers
// act on, and a body capped at the request's max_body. Redirects are left to curl.
#include "easy.hpp"
#include "loop_impl.hpp"

namespace rtwatch::net {
namespace {

// "https://h/a/b?c" -> "/a/b": what a message about the answer may name
// (a query may carry ids; the host is in the configuration).
std::string path_of(const std::string& url) {
    auto scheme = url.find("://");
    auto start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    if (start == std::string::npos) return "/";
    return url.substr(start, url.find_first_of("?#", start) - start);
}

std::string size_text(std::size_t bytes) {
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + " bytes";
}

struct OneShot final : Transfer {
    using Id = Loop::Id;
    Loop::Impl& loop;
    Id id;
    Request request;
    detail::Easy easy;
    Response response;
    std::function<void(Response)> done;
    bool too_big = false;

    OneShot(Loop::Impl& l, Id i, Request r, std::function<void(Response)> d)
        : loop(l), id(i), request(std::move(r)), done(std::move(d)) {}
    CURL* handle() const override { return easy.handle; }

    static size_t on_header(char* data, size_t size, size_t n, void* self) {
        detail::capture_header(std::string_view(data, size * n), static_cast<OneShot*>(self)->response);
        return size * n;
    }
    static size_t on_body(char* data, size_t size, size_t n, void* self) {
        auto* s = static_cast<OneShot*>(self);
        if (s->response.body.size() + size * n > s->request.max_body) {
            s->too_big = true;
            return 0;  // aborts the transfer
        }
        s->response.body.append(data, size * n);
        return size * n;
    }

    void setup(const TransportOptions& transport) {
        detail::configure(easy, transport, request, request.body);
        curl_easy_setopt(easy.handle, CURLOPT_HEADERFUNCTION, &OneShot::on_header);
        curl_easy_setopt(easy.handle, CURLOPT_HEADERDATA, this);
        curl_easy_setopt(easy.handle, CURLOPT_WRITEFUNCTION, &OneShot::on_body);
        curl_easy_setopt(easy.handle, CURLOPT_WRITEDATA, this);
        if (request.follow_redirects) {
            curl_easy_setopt(easy.handle, CURLOPT_FOLLOWLOCATION, 1L);
            curl_easy_setopt(easy.handle, CURLOPT_MAXREDIRS, 10L);
        }
    }

    void on_done(CURLcode result) override {
        curl_easy_getinfo(easy.handle, CURLINFO_RESPONSE_CODE, &response.status);
        char* url = nullptr;
        curl_easy_getinfo(easy.handle, CURLINFO_EFFECTIVE_URL, &url);
        if (url) response.effective_url = url;
        if (too_big) {
            response.body_too_large = true;
            response.transport_error = "the answer to " + request.method + " " + path_of(request.url) +
                                       " is larger than the " + size_text(request.max_body) + " limit";
        } else if (result != CURLE_OK)
            response.transport_error = detail::describe(result, easy);
        response.untrusted_certificate = detail::is_untrusted_certificate(result);
        auto fn = std::move(done);
        Response r = std::move(response);
        auto self = std::move(loop.requests[id]);
        loop.requests.erase(id);
        loop.retire(std::move(self));  // `this` lives until the next safe point
        fn(std::move(r));
    }
};

}  // namespace

Loop::Id Loop::request(Request request, std::function<void(Response)> done) {
    Id id = m_impl->next_id++;
    auto shot = std::make_unique<OneShot>(*m_impl, id, std::move(request), std::move(done));
    shot->setup(m_impl->options);
    m_impl->start(*shot);
    m_impl->requests.emplace(id, std::move(shot));
    return id;
}

void Loop::cancel(Id id) {
    auto it = m_impl->requests.find(id);
    if (it == m_impl->requests.end()) return;
    auto shot = std::move(it->second);
    m_impl->requests.erase(it);
    m_impl->retire(std::move(shot));
}

}  // namespace rtwatch::net
