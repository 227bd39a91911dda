// The SSE connection: builds each attempt's request, checks status and
// Content-Type, follows redirects, watches for idle silence and reports how
// the stream ended. Curl handles are only added and removed at the loop's
// safe points, so handlers may call close() and open() from any callback.
#include "sse_impl.hpp"

#include <fmt/format.h>

namespace rtwatch::net {
namespace {

constexpr int k_max_redirects = 10;

bool is_redirect(long status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string origin_of(const std::string& url) {
    CURLU* u = curl_url();
    std::string out;
    if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
        for (auto part : {CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT}) {
            char* text = nullptr;
            if (curl_url_get(u, part, &text, CURLU_DEFAULT_PORT) == CURLUE_OK) out += text;
            out += '|';
            curl_free(text);
        }
    }
    curl_url_cleanup(u);
    return out;
}

void remove_header(std::vector<std::string>& headers, std::string_view name) {
    std::erase_if(headers, [&](const std::string& line) {
        auto colon = line.find(':');
        return colon != std::string::npos && detail::iequals(std::string_view(line).substr(0, colon), name);
    });
}

// The request every attempt sends: the SSE headers, then the caller's.
Request build_request(const StreamOptions& options, const std::string& last_event_id) {
    Request r = options.request;
    std::vector<std::string> headers;
    if (!detail::has_header(r.headers, "Accept")) headers.push_back("Accept: text/event-stream");
    if (!detail::has_header(r.headers, "Cache-Control")) headers.push_back("Cache-Control: no-cache");
    if (!last_event_id.empty() && !detail::has_header(r.headers, "Last-Event-ID")) {
        headers.push_back("Last-Event-ID: " + last_event_id);
    }
    if (!r.body.empty() && !detail::has_header(r.headers, "Content-Type"))
        headers.push_back("Content-Type: text/plain");
    headers.insert(headers.end(), r.headers.begin(), r.headers.end());
    r.headers = std::move(headers);
    return r;
}

}  // namespace

void SseConnection::Impl::start_attempt(Request request) {
    current = std::make_unique<SseAttempt>(*this, std::move(request), loop.transport());
    loop.impl().start(*current);
    last_byte = SteadyClock::now();
    got_body = false;
    if (options.idle_timeout) arm_idle(last_byte + *options.idle_timeout);
    if (options.response_timeout && !response_timer)
        response_timer = loop.add_timer(last_byte + *options.response_timeout, [this] { on_response_timer(); });
}

void SseConnection::Impl::on_response_timer() {
    response_timer = 0;
    if (!current || got_body) return;
    StreamEnd end;
    end.kind = StreamEnd::Kind::transport_error;
    end.detail = fmt::format("no response within {} ms", options.response_timeout->count());
    finish(std::move(end));
}

void SseConnection::Impl::drop_attempt() {
    if (idle_timer) loop.cancel_timer(idle_timer);
    idle_timer = 0;
    if (response_timer) loop.cancel_timer(response_timer);
    response_timer = 0;
    if (!current) return;
    current->connection = nullptr;
    loop.impl().retire(std::move(current));
}

void SseConnection::Impl::finish(StreamEnd end) {
    drop_attempt();
    handler.on_end(end);  // may open() again
}

// One timer per idle period, not one per chunk: when it fires it checks the
// time of the last byte and either ends the stream or re-arms.
void SseConnection::Impl::arm_idle(TimePoint when) {
    idle_timer = loop.add_timer(when, [this] { on_idle_timer(); });
}

void SseConnection::Impl::on_idle_timer() {
    idle_timer = 0;
    if (!current || !options.idle_timeout) return;
    if (paused) last_byte = loop.now();  // a pause is not silence
    TimePoint due = last_byte + *options.idle_timeout;
    if (loop.now() < due) {
        arm_idle(due);
        return;
    }
    StreamEnd end;
    end.kind = StreamEnd::Kind::idle_timeout;
    end.detail = fmt::format("no bytes received for {} ms", options.idle_timeout->count());
    finish(std::move(end));
}

bool SseConnection::Impl::on_headers_done(SseAttempt& a) {
    const Response& r = a.response;
    auto decide = [&](StreamEnd::Kind kind, std::string detail) {
        a.decided = StreamEnd{kind, r.status, r.retry_after, {}, r.content_type, std::move(detail), false};
    };
    if (r.status == 200) {
        if (!detail::is_event_stream(r.content_type)) {
            decide(StreamEnd::Kind::bad_content_type,
                   fmt::format("expected Content-Type text/event-stream, got '{}'", r.content_type));
            return false;
        }
        a.phase = SseAttempt::Phase::streaming;
        handler.on_open(r);
        return a.connection != nullptr;  // closed from on_open
    }
    if (is_redirect(r.status)) {
        if (r.location.empty()) {
            decide(StreamEnd::Kind::redirect_error,
                   fmt::format("HTTP {} redirect without a Location header", r.status));
            return false;
        }
        a.redirect_url = detail::resolve_location(a.request.url, r.location);
        if (a.redirect_url.empty()) {
            decide(StreamEnd::Kind::redirect_error, fmt::format("HTTP {} redirect to an unusable Location", r.status));
        }
        return false;
    }
    a.phase = SseAttempt::Phase::error_body;
    decide(StreamEnd::Kind::http_status, fmt::format("HTTP {}", r.status));
    return true;
}

bool SseConnection::Impl::on_stream_bytes(SseAttempt& a, std::string_view bytes) {
    last_byte = loop.now();
    if (!got_body) {
        got_body = true;
        if (response_timer) loop.cancel_timer(response_timer);
        response_timer = 0;
    }
    handler.on_bytes(bytes);
    if (!a.connection) return false;
    parser.feed(bytes);
    if (!a.connection) return false;
    if (!pass_pending) {
        pass_pending = true;
        loop.impl().after_pass(*this);
    }
    return true;
}

void SseConnection::Impl::on_pass_done() {
    pass_pending = false;
    if (current) handler.on_chunk_done();
}

void SseConnection::Impl::on_attempt_done(SseAttempt& a, CURLcode result) {
    if (!a.redirect_url.empty() && !a.decided) {
        follow_redirect(a);
        return;
    }
    if (a.decided) {
        finish(std::move(*a.decided));
        return;
    }
    StreamEnd end;
    end.status = a.response.status;
    end.content_type = a.response.content_type;
    if (a.phase == SseAttempt::Phase::streaming && result == CURLE_OK) {
        end.kind = StreamEnd::Kind::eof;
        end.detail = "the server closed the stream";
    } else {
        end.kind = StreamEnd::Kind::transport_error;
        end.detail = result == CURLE_OK ? "the connection closed before a response" : detail::describe(result, a.easy);
        end.untrusted_certificate = detail::is_untrusted_certificate(result);
    }
    finish(std::move(end));
}

// 301/302/303 turn a request with a body into a GET, as browsers do; 307 and
// 308 keep method and body. Credentials never follow to another origin.
void SseConnection::Impl::follow_redirect(SseAttempt& a) {
    if (++redirects > k_max_redirects) {
        StreamEnd end{StreamEnd::Kind::redirect_loop, a.response.status, {}, {}, {}, {}, false};
        end.detail = fmt::format("more than {} redirects, the last to {}", k_max_redirects, a.redirect_url);
        finish(std::move(end));
        return;
    }
    if (a.request.url.rfind("https:", 0) == 0 && a.redirect_url.rfind("https:", 0) != 0) {
        StreamEnd end{StreamEnd::Kind::redirect_error, a.response.status, {}, {}, {}, {}, false};
        end.detail = fmt::format("refused a redirect from {} to {}: it would drop TLS", a.request.url, a.redirect_url);
        finish(std::move(end));
        return;
    }
    Request next = a.request;
    next.url = a.redirect_url;
    long status = a.response.status;
    if ((status == 303 || status == 301 || status == 302) && next.method != "GET" && next.method != "HEAD") {
        next.method = "GET";
        next.body.clear();
        remove_header(next.headers, "Content-Type");
    }
    if (origin_of(next.url) != origin_of(a.request.url)) remove_header(next.headers, "Authorization");
    drop_attempt();
    start_attempt(std::move(next));
}

SseConnection::SseConnection(Loop& loop, StreamHandler& handler) : m_impl(std::make_unique<Impl>(loop, handler)) {}

SseConnection::~SseConnection() { close(); }

void SseConnection::open(const StreamOptions& options) {
    close();
    m_impl->options = options;
    m_impl->redirects = 0;
    m_impl->parser.set_options(options.parser);
    m_impl->start_attempt(build_request(options, m_impl->parser.last_event_id()));
}

void SseConnection::close() {
    m_impl->drop_attempt();
    m_impl->parser.reset();  // also stops a feed() running under this call
}

bool SseConnection::is_open() const { return m_impl->current != nullptr; }

void SseConnection::pause() { m_impl->paused = true; }

void SseConnection::resume() { m_impl->resume(); }

void SseConnection::Impl::resume() {
    if (!paused) return;
    paused = false;
    last_byte = loop.now();
    if (!current || !current->curl_paused) return;
    current->curl_paused = false;
    // May deliver the kept bytes at once, through the usual callbacks.
    curl_easy_pause(current->easy.handle, CURLPAUSE_CONT);
}

sse::Parser& SseConnection::parser() { return m_impl->parser; }

}  // namespace rtwatch::net
