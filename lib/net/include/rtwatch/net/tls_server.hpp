// The relay's TLS: a certificate chain and its private key, read from PEM
// files into one server context. Connections made with a context keep it
// while they live, so a reload (SIGHUP) changes only the connections after.
#pragma once

#include <memory>
#include <string>

#include "rtwatch/core/result.hpp"

namespace rtwatch::net {

class TlsServerContext {
public:
    // Reads `cert_file` (the certificate, then its chain) and `key_file`;
    // an error names the file and what is wrong with it. TLS 1.2 at least.
    static Result<std::shared_ptr<TlsServerContext>> load(const std::string& cert_file, const std::string& key_file);
    ~TlsServerContext();
    TlsServerContext(const TlsServerContext&) = delete;
    TlsServerContext& operator=(const TlsServerContext&) = delete;

    // The OpenSSL SSL_CTX, for the server's connections.
    void* native() const { return m_ctx; }
    // The certificate's subject, for the log ("CN=wall.example.com").
    const std::string& subject() const { return m_subject; }

private:
    TlsServerContext() = default;
    void* m_ctx = nullptr;
    std::string m_subject;
};

}  // namespace rtwatch::net
