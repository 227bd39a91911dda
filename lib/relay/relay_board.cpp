// The relay's wallboard parts: the page, its script and style sheet (one
// origin, no inline code, so the CSP is default-src 'self'), and SIGHUP's
// reload of --tls-cert/--tls-key and of --names, which every viewer hears as
// a new meta event.
#include "relay_impl.hpp"
#include "rtwatch/relay/relay.hpp"

namespace rtwatch::relay::detail {

namespace {

constexpr const char* k_page_headers =
    "Content-Security-Policy: default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'\r\n"
    "Referrer-Policy: no-referrer\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\n";

struct Part {
    std::string_view path, type;
    std::string_view (*bytes)();
};
constexpr Part k_parts[] = {
    {"/", "text/html; charset=utf-8", wallboard_html},
    {"/index.html", "text/html; charset=utf-8", wallboard_html},
    {"/wallboard.css", "text/css; charset=utf-8", wallboard_css},
    {"/wallboard.js", "text/javascript; charset=utf-8", wallboard_js},
    {"/wallboard_view.js", "text/javascript; charset=utf-8", wallboard_view_js},
    {"/wallboard_paint.js", "text/javascript; charset=utf-8", wallboard_paint_js},
};

}  // namespace

bool Relay::serve_page(ConnId conn, std::string_view path) {
    for (const Part& part : k_parts)
        if (part.path == path) {
            m_server->respond(conn, 200, part.type, part.bytes(), k_page_headers);
            return true;
        }
    return false;
}

void Relay::reload() {
    if (!m_serves_viewers) return;
    if (!m_config.tls_cert.empty()) {
        // New connections get the new pair; open ones keep theirs.
        if (auto tls = net::TlsServerContext::load(m_config.tls_cert, m_config.tls_key); !tls) {
            log::error("{} (the certificate in use stays)", tls.error().message);
        } else {
            log::info("relay: reread --tls-cert {}: {}", m_config.tls_cert, (*tls)->subject());
            m_server->use_tls(std::move(*tls));
        }
    }
    if (m_config.names_file.empty()) return;
    if (auto r = m_board.reload(); !r) return log::error("{} (the names in use stay)", r.error().message);
    log::info("relay: reread --names {}", m_config.names_file);
    const std::string id = event_id(m_seq);
    for (auto& [conn, v] : m_viewers) v->push(sse_event("meta", id, m_board.meta(v->selection())), nullptr);
}

}  // namespace rtwatch::relay::detail
