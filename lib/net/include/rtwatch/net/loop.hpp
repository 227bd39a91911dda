// The event loop: one thread, libcurl's multi interface, timers and watched
// file descriptors. Token requests and streams share it and never block each
// other. This layer is the only one that includes <curl/curl.h>.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/duration.hpp"

namespace rtwatch::net {

struct TransportOptions {
    std::string cacert;     // CA bundle file; empty = system default
    bool insecure = false;  // skip TLS verification
    Millis connect_timeout{10'000};
};

struct Request {
    std::string method = "GET";
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;                  // sent when non-empty (or when method is not GET)
    bool follow_redirects = true;      // 301/302/303/307/308, method kept for 307/308
    std::optional<Millis> timeout;     // one-shot requests: the whole exchange
    std::size_t max_body = 1 << 20;    // one-shot requests: a larger answer is cut (body_too_large)
};

struct Response {
    long status = 0;                     // 0 when the transfer failed before a status line
    std::string transport_error;         // curl's description, empty on HTTP success
    bool untrusted_certificate = false;  // TLS verification failed: retrying cannot help
    std::string content_type;
    std::string retry_after;  // raw header value
    std::string location;
    std::string effective_url;
    std::string body;  // one-shot requests only (capped at the request's max_body)
    // The answer was larger than the request's max_body: the transfer was
    // cut, and transport_error names the limit and the URL's path.
    bool body_too_large = false;
};

class Loop {
public:
    using Id = std::uint64_t;

    explicit Loop(TransportOptions options = {});
    ~Loop();
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    // The time read once at the start of the current pass.
    TimePoint now() const;

    Id add_timer(TimePoint when, std::function<void()> fn);
    void cancel_timer(Id id);

    void watch_fd(int fd, std::function<void()> on_readable);
    void unwatch_fd(int fd);
    // Until unwatch_writable(): `on_writable` runs when `fd` takes bytes.
    void watch_writable(int fd, std::function<void()> on_writable);
    void unwatch_writable(int fd);

    // Thread-safe: run `fn` on the loop thread soon (wakes the loop).
    void post(std::function<void()> fn);

    // One-shot request; `done` runs on the loop thread unless cancelled.
    Id request(Request request, std::function<void(Response)> done);
    void cancel(Id id);

    // Runs until stop() is called (from a callback or via post()).
    void run();
    void stop();

    const TransportOptions& transport() const;
    struct Impl;
    Impl& impl();

private:
    std::unique_ptr<Impl> m_impl;
};

}  // namespace rtwatch::net
