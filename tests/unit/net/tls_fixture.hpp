// TLS for the server tests: a self-signed certificate for 127.0.0.1 made
// in-process (no openssl command), written as PEM files, and a blocking
// client that trusts only it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "rtwatch_test/temp_path.hpp"

namespace rtwatch::test {

// A key pair and a certificate for CN=`name`, IP 127.0.0.1, in PEM files
// of a fresh temporary folder (removed with it).
struct TestCertificate {
    std::string dir, cert_file, key_file;
    X509* cert = nullptr;

    explicit TestCertificate(const std::string& name) {
        std::string t = temp_template("rtwatch-tls");
        if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
        dir = t;
        cert_file = dir + "/cert.pem";
        key_file = dir + "/key.pem";
        EVP_PKEY* key = EVP_EC_gen("P-256");
        cert = X509_new();
        X509_set_version(cert, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
        X509_gmtime_adj(X509_getm_notBefore(cert), -60);
        X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
        X509_set_pubkey(cert, key);
        X509_NAME* subject = X509_get_subject_name(cert);
        X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(name.c_str()),
                                   -1, -1, 0);
        X509_set_issuer_name(cert, subject);
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
        X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
        X509_add_ext(cert, san, -1);
        X509_EXTENSION_free(san);
        X509_sign(cert, key, EVP_sha256());
        FILE* f = std::fopen(cert_file.c_str(), "w");
        PEM_write_X509(f, cert);
        std::fclose(f);
        f = std::fopen(key_file.c_str(), "w");
        PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
        std::fclose(f);
        EVP_PKEY_free(key);
    }
    ~TestCertificate() {
        X509_free(cert);
        std::remove(cert_file.c_str());
        std::remove(key_file.c_str());
        ::rmdir(dir.c_str());
    }
    TestCertificate(const TestCertificate&) = delete;
    TestCertificate& operator=(const TestCertificate&) = delete;
};

// A blocking TCP connection to 127.0.0.1:port (5 s receive timeout), or -1.
inline int connect_loopback(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return fd;
    ::close(fd);
    return -1;
}

// A blocking TLS client to 127.0.0.1:port that trusts `trusted` only and
// checks the name; ok() says whether the handshake and the check passed.
class TlsClient {
public:
    TlsClient(std::uint16_t port, X509* trusted) {
        m_ctx = SSL_CTX_new(TLS_client_method());
        X509_STORE_add_cert(SSL_CTX_get_cert_store(m_ctx), trusted);
        SSL_CTX_set_verify(m_ctx, SSL_VERIFY_PEER, nullptr);
        m_fd = connect_loopback(port);
        if (m_fd < 0) return;
        m_ssl = SSL_new(m_ctx);
        SSL_set_fd(m_ssl, m_fd);
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(m_ssl), "127.0.0.1");
        m_ok = SSL_connect(m_ssl) == 1 && SSL_get_verify_result(m_ssl) == X509_V_OK;
        ERR_clear_error();
    }
    ~TlsClient() {
        if (m_ssl) SSL_free(m_ssl);
        SSL_CTX_free(m_ctx);
        if (m_fd >= 0) ::close(m_fd);
    }
    TlsClient(const TlsClient&) = delete;
    TlsClient& operator=(const TlsClient&) = delete;

    bool ok() const { return m_ok; }
    // The server certificate's subject CN.
    std::string peer_name() const {
        X509* peer = SSL_get1_peer_certificate(m_ssl);
        if (!peer) return {};
        char cn[256] = {};
        X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, cn, sizeof cn);
        X509_free(peer);
        return cn;
    }
    bool send(std::string_view s) { return SSL_write(m_ssl, s.data(), static_cast<int>(s.size())) > 0; }
    // Up to `limit` bytes, until the server closes or 5 s pass without bytes.
    std::string read(std::size_t limit = std::string::npos) {
        std::string out;
        char buf[16384];
        while (out.size() < limit) {
            int n = SSL_read(m_ssl, buf, static_cast<int>(std::min(sizeof buf, limit - out.size())));
            if (n <= 0) break;
            out.append(buf, static_cast<std::size_t>(n));
        }
        ERR_clear_error();
        return out;
    }

private:
    SSL_CTX* m_ctx = nullptr;
    SSL* m_ssl = nullptr;
    int m_fd = -1;
    bool m_ok = false;
};

}  // namespace rtwatch::test
