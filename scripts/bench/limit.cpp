// Benchmark "limit": the simplest C++ consumer of the flat-out stream that
// writes the same changed records as rtwatch. A plain socket, memchr line
// split, simdjson on-demand, a hash map of each resource's last metrics
// text, one output buffer. No reconnect, no token refresh, no validation
// beyond what finding the id and the metrics needs: what is left is the cost
// of the job itself, the floor rtwatch is measured against.
//
// usage: bench-limit API_URL OUT_FILE   (RTWATCH_CLIENT_ID, RTWATCH_CLIENT_SECRET)
//        bench-limit --file CAPTURE OUT_FILE   (raw SSE bytes, as rtwatch --record saves)
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <simdjson.h>

namespace {

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "bench-limit: %s\n", what.c_str());
    std::exit(1);
}

int connect_to(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("cannot connect");
    return fd;
}

void send_all(int fd, const std::string& s) {
    for (size_t off = 0; off < s.size();) {
        ssize_t n = ::write(fd, s.data() + off, s.size() - off);
        if (n <= 0) die("write failed");
        off += static_cast<size_t>(n);
    }
}

std::string base64(std::string_view in) {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
        out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], t[v & 63]};
    }
    if (i + 1 == in.size()) {
        unsigned v = (unsigned char)in[i] << 16;
        out += {t[v >> 18], t[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
        out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], '='};
    }
    return out;
}

std::string fetch_token(int port) {
    const char* id = std::getenv("RTWATCH_CLIENT_ID");
    const char* secret = std::getenv("RTWATCH_CLIENT_SECRET");
    std::string body = "grant_type=client_credentials&scope=genesyscloud.realtime.data.view";
    int fd = connect_to(port);
    send_all(fd, "POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Basic " +
                     base64(std::string(id ? id : "rtwatch") + ":" + (secret ? secret : "")) +
                     "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body);
    std::string reply;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) reply.append(buf, static_cast<size_t>(n));
    ::close(fd);
    size_t at = reply.find("\"access_token\":\"");
    if (reply.compare(0, 12, "HTTP/1.1 200") != 0 || at == std::string::npos) die("no token");
    at += 16;
    return reply.substr(at, reply.find('"', at) - at);
}

struct Last {
    std::string text;                                         // the metrics object as sent
    std::vector<std::pair<std::string, std::string>> values;  // name -> value text
};

class Consumer {
public:
    explicit Consumer(FILE* out) : m_out(out) { m_buf.reserve(1 << 20); }

    void data(std::string_view line, std::string_view last_id, size_t padding) {
        simdjson::padded_string_view json(line.data(), line.size(), line.size() + padding);
        auto doc = m_parser.iterate(json);
        std::string_view kind, id, ts, metrics;
        simdjson::ondemand::object metrics_object;
        for (auto field : doc.get_object()) {
            std::string_view key = field.unescaped_key();
            if (key == "queueId" || key == "skillId" || key == "agentId") {
                kind = key[0] == 'q' ? "queue" : key[0] == 's' ? "skill" : "agent";
                id = field.value().get_string();
            } else if (key == "timestamp") {
                ts = field.value().get_string();
            } else if (key == "metrics") {
                metrics_object = field.value().get_object();
                metrics = metrics_object.raw_json();
            }
        }
        if (id.empty() || metrics.empty()) return;
        m_key.assign(kind).push_back('/');
        m_key.append(id);
        auto [it, fresh] = m_last.try_emplace(m_key);
        Last& last = it->second;
        if (!fresh && last.text == metrics) return;
        // Which metrics differ: only for the events that are new records.
        m_values.clear();
        auto obj =
            m_parser2.iterate(simdjson::padded_string_view(metrics.data(), metrics.size(), metrics.size() + padding));
        for (auto field : obj.get_object())
            m_values.emplace_back(field.unescaped_key().value(), field.value().raw_json_token().value());
        m_changed.clear();
        for (auto& [name, value] : m_values) {
            bool same = false;
            for (auto& [n, v] : last.values)
                if (n == name) {
                    same = v == value;
                    break;
                }
            if (fresh || !same) m_changed.push_back(name);
        }
        for (auto& [n, v] : last.values) {
            bool kept = false;
            for (auto& [name, value] : m_values) kept = kept || name == n;
            if (!kept) m_changed.push_back(n);
        }
        if (m_changed.empty()) {
            last.text.assign(metrics);
            return;
        }
        last.text.assign(metrics);
        last.values.assign(m_values.begin(), m_values.end());
        write(kind, id, ts, last_id, metrics);
    }

    void flush() {
        if (!m_buf.empty()) std::fwrite(m_buf.data(), 1, m_buf.size(), m_out);
        m_buf.clear();
    }

    // Records of the snapshot, before any id, take the snapshot's last id, as rtwatch's do.
    void set_pending_id(std::string_view id) {
        std::string out;
        out.reserve(m_buf.size() + m_held * id.size());
        size_t from = 0;
        for (size_t at; (at = m_buf.find('\x01', from)) != std::string::npos; from = at + 1) {
            out.append(m_buf, from, at - from);
            out.append(id);
        }
        out.append(m_buf, from);
        m_buf.swap(out);
    }

private:
    void write(std::string_view kind, std::string_view id, std::string_view ts, std::string_view event_id,
               std::string_view metrics) {
        m_buf += R"({"type":"metrics","kind":")";
        m_buf += kind;
        m_buf += R"(","id":")";
        m_buf += id;
        m_buf += R"(","ts":")";
        m_buf += now();
        m_buf += R"(","source_ts":")";
        m_buf += ts;
        m_buf += R"(","event_id":")";
        if (event_id.empty()) {
            m_buf += '\x01';
            ++m_held;
        } else
            m_buf += event_id;
        m_buf += R"(","metrics":)";
        m_buf += metrics;
        m_buf += R"(,"changed":[)";
        for (size_t i = 0; i < m_changed.size(); ++i) {
            if (i) m_buf += ',';
            m_buf += '"';
            m_buf += m_changed[i];
            m_buf += '"';
        }
        m_buf += "]}\n";
    }

    std::string_view now() {
        auto t = std::chrono::system_clock::now();
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
        if (ms != m_now_ms) {
            m_now_ms = ms;
            std::time_t s = static_cast<std::time_t>(ms / 1000);
            std::tm tm;
            gmtime_r(&s, &tm);
            std::snprintf(m_now, sizeof m_now, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                          tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
        }
        return m_now;
    }

    FILE* m_out;
    simdjson::ondemand::parser m_parser, m_parser2;
    std::unordered_map<std::string, Last> m_last;
    std::string m_key, m_buf;
    std::vector<std::pair<std::string_view, std::string_view>> m_values;
    std::vector<std::string_view> m_changed;
    size_t m_held = 0;
    long long m_now_ms = -1;
    char m_now[80] = {};
};

}  // namespace

int main(int argc, char** argv) {
    bool from_file = argc == 4 && std::string_view(argv[1]) == "--file";
    if (argc != 3 && !from_file) die("usage: bench-limit API_URL OUT_FILE | --file CAPTURE OUT_FILE");
    int fd = -1;
    if (from_file) {
        fd = ::open(argv[2], O_RDONLY | O_CLOEXEC);
        if (fd < 0) die("cannot open the capture");
    } else {
        std::string_view url = argv[1];
        size_t colon = url.rfind(':');
        int port = std::atoi(std::string(url.substr(colon + 1)).c_str());
        std::string token = fetch_token(port);
        fd = connect_to(port);
        send_all(fd,
                 "GET /api/v2/realtime/data HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                 "Connection: close\r\nAuthorization: Bearer " +
                     token + "\r\n\r\n");
    }
    FILE* out = std::fopen(argv[argc - 1], "a");
    if (!out) die("cannot open the output");
    std::setvbuf(out, nullptr, _IOFBF, 1 << 16);
    Consumer consumer(out);

    constexpr size_t k_read = 1 << 18;
    std::vector<char> buf(k_read * 2 + simdjson::SIMDJSON_PADDING);
    size_t have = 0;
    bool headers = !from_file;
    std::string last_id, carried;  // carried: a data line whose event ends in the next read
    std::string_view data;
    bool is_data = false, pending_ids = true;
    for (;;) {
        if (buf.size() - have < k_read + simdjson::SIMDJSON_PADDING)
            buf.resize(have + k_read + simdjson::SIMDJSON_PADDING);
        ssize_t n = ::read(fd, buf.data() + have, k_read);
        if (n <= 0) break;
        have += static_cast<size_t>(n);
        const char* p = buf.data();
        const char* end = p + have;
        if (headers) {
            const char* h = static_cast<const char*>(memmem(p, have, "\r\n\r\n", 4));
            if (!h) continue;
            if (std::strncmp(p, "HTTP/1.1 200", 12) != 0) die("the stream did not answer 200");
            p = h + 4;
            headers = false;
        }
        // Lines are parsed where they lie: the buffer keeps simdjson's padding past them.
        for (const char* nl; (nl = static_cast<const char*>(std::memchr(p, '\n', end - p)));) {
            std::string_view line(p, static_cast<size_t>(nl - p));
            p = nl + 1;
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line.empty()) {
                if (is_data && !data.empty()) {
                    consumer.data(data, last_id, simdjson::SIMDJSON_PADDING);
                    if (pending_ids && !last_id.empty()) {
                        consumer.set_pending_id(last_id);
                        pending_ids = false;
                    }
                }
                is_data = false;
                data = {};
            } else if (line.starts_with("data: ")) {
                data = line.substr(6);
            } else if (line.starts_with("event: ")) {
                is_data = line.substr(7) == "data";
            } else if (line.starts_with("id: ")) {
                last_id.assign(line.substr(4));
            }
        }
        if (!data.empty() && data.data() != carried.data()) {
            carried.reserve(data.size() + simdjson::SIMDJSON_PADDING);
            carried.assign(data);
            data = carried;
        }
        have = static_cast<size_t>(end - p);
        std::memmove(buf.data(), p, have);
        if (!pending_ids) consumer.flush();  // snapshot records wait for their id
    }
    consumer.flush();
    std::fclose(out);
    return 0;
}
