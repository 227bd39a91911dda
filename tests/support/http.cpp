// cpp-httplib clients with short timeouts, so a broken server fails a test
// instead of hanging it.
#include "rtwatch_test/http.hpp"

#include <httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <strings.h>
#include <stdexcept>

namespace rtwatch::test {

namespace {

std::unique_ptr<httplib::ClientImpl> client(Endpoint to) {
    std::unique_ptr<httplib::ClientImpl> c;
    if (to.tls) {
        auto ssl = std::make_unique<httplib::SSLClient>("127.0.0.1", to.port);
        ssl->enable_server_certificate_verification(false);
        c = std::move(ssl);
    } else {
        c = std::make_unique<httplib::ClientImpl>("127.0.0.1", to.port);
    }
    c->set_connection_timeout(5);
    c->set_read_timeout(20);
    return c;
}

HttpResponse convert(const httplib::Result& r) {
    HttpResponse out;
    if (!r) {
        out.error = httplib::to_string(r.error());
        return out;
    }
    out.status = r->status;
    out.body = r->body;
    for (const auto& [k, v] : r->headers) out.headers.emplace(k, v);
    return out;
}

httplib::Headers to_headers(const Headers& headers) {
    httplib::Headers out;
    for (const auto& [k, v] : headers) out.emplace(k, v);
    return out;
}

}  // namespace

std::string HttpResponse::header(const std::string& name) const {
    for (const auto& [k, v] : headers)
        if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
    return {};
}

HttpResponse http_get(Endpoint to, const std::string& path, const Headers& headers) {
    return convert(client(to)->Get(path.c_str(), to_headers(headers)));
}

HttpResponse http_head(Endpoint to, const std::string& path, const Headers& headers) {
    return convert(client(to)->Head(path.c_str(), to_headers(headers)));
}

HttpResponse http_post(Endpoint to, const std::string& path, const std::string& body, const std::string& content_type,
                       const Headers& headers) {
    return convert(client(to)->Post(path.c_str(), to_headers(headers), body, content_type.c_str()));
}

HttpResponse http_put(Endpoint to, const std::string& path, const std::string& body, const std::string& content_type,
                      const Headers& headers) {
    return convert(client(to)->Put(path.c_str(), to_headers(headers), body, content_type.c_str()));
}

rapidjson::Document parse_json(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse(text.c_str(), text.size());
    if (doc.HasParseError()) throw std::runtime_error("not JSON: " + text.substr(0, 200));
    return doc;
}

std::string json_text(const rapidjson::Value& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string basic_auth(const std::string& id, const std::string& secret) {
    static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const std::string in = id + ":" + secret;
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
        for (int s = 18; s >= 0; s -= 6) out.push_back(k_alphabet[(v >> s) & 63]);
    }
    if (i < in.size()) {
        const uint32_t v = (uint8_t(in[i]) << 16) | (i + 1 < in.size() ? uint8_t(in[i + 1]) << 8 : 0);
        out.push_back(k_alphabet[(v >> 18) & 63]);
        out.push_back(k_alphabet[(v >> 12) & 63]);
        out.push_back(i + 1 < in.size() ? k_alphabet[(v >> 6) & 63] : '=');
        out.push_back('=');
    }
    return "Basic " + out;
}

std::string fetch_token(Endpoint to, const std::string& id, const std::string& secret) {
    const HttpResponse r = http_post(to, "/oauth/token", "grant_type=client_credentials",
                                     "application/x-www-form-urlencoded", {{"Authorization", basic_auth(id, secret)}});
    if (r.status != 200) throw std::runtime_error("token request failed: " + std::to_string(r.status) + " " + r.body);
    const auto doc = parse_json(r.body);
    return doc["access_token"].GetString();
}

}  // namespace rtwatch::test
