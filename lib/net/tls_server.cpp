// Loading the relay's certificate and key with OpenSSL, and the error texts
// a person can act on.
#include "rtwatch/net/tls_server.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509err.h>

#include <fmt/format.h>

namespace rtwatch::net {

namespace {

// OpenSSL's queued errors as one line, the queue left empty.
std::string openssl_errors() {
    std::string out;
    while (unsigned long e = ERR_get_error()) {
        char text[256];
        ERR_error_string_n(e, text, sizeof text);
        if (!out.empty()) out += "; ";
        out += text;
    }
    return out.empty() ? "unknown error" : out;
}

}  // namespace

Result<std::shared_ptr<TlsServerContext>> TlsServerContext::load(const std::string& cert_file,
                                                                 const std::string& key_file) {
    ERR_clear_error();
    std::shared_ptr<TlsServerContext> out(new TlsServerContext);
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) return make_error(ExitCode::failure, "TLS: " + openssl_errors());
    out->m_ctx = ctx;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    // Partial writes from a buffer that may move between calls: the server
    // appends to a stream's buffer while a write waits for the socket.
    // Idle connections give their buffers back.
    SSL_CTX_set_mode(ctx,
                     SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1)
        return make_error(ExitCode::usage,
                          fmt::format("--tls-cert {}: cannot read a PEM certificate from it ({}); give the server's "
                                      "certificate, then its chain, in PEM",
                                      cert_file, openssl_errors()));
    const bool key_read = SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) == 1;
    if (!key_read && ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
        ERR_clear_error();
        return make_error(ExitCode::usage,
                          fmt::format("--tls-key {} is not the key of the certificate in --tls-cert {}: give the "
                                      "matching pair",
                                      key_file, cert_file));
    }
    if (!key_read)
        return make_error(ExitCode::usage,
                          fmt::format("--tls-key {}: cannot read a PEM private key from it ({}); give the "
                                      "certificate's unencrypted private key in PEM",
                                      key_file, openssl_errors()));
    if (SSL_CTX_check_private_key(ctx) != 1)
        return make_error(ExitCode::usage,
                          fmt::format("--tls-key {} is not the key of the certificate in --tls-cert {}: give the "
                                      "matching pair",
                                      key_file, cert_file));
    if (X509* cert = SSL_CTX_get0_certificate(ctx)) {
        char subject[512];
        X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
        out->m_subject = subject;
    }
    return out;
}

TlsServerContext::~TlsServerContext() { SSL_CTX_free(static_cast<SSL_CTX*>(m_ctx)); }

}  // namespace rtwatch::net
