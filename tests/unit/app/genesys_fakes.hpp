// A Genesys Cloud organisation on a fake clock: services whose requests are
// answered by a scripted platform after a fixed latency, and sockets the
// test opens, feeds and closes by hand. No real time passes.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fake_services.hpp"
#include "genesys_socket.hpp"
#include "rtwatch/app/source.hpp"
#include "services.hpp"

namespace rtwatch::test {

// A platform's answer: a status and a body.
inline net::Response answer(long status, std::string body) {
    net::Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

// Requests answered by a scripted platform after a fixed latency.
struct FakeClock final : FakeTimers {
    // The platform: the answer to each request (status, body, Retry-After).
    std::function<net::Response(const net::Request&)> platform;
    Millis latency{10};
    std::vector<std::pair<TimePoint, net::Request>> sent;  // every request, when it went

    void request(net::Request r, std::function<void(net::Response)> done) override {
        sent.emplace_back(clock, r);
        add_timer(clock + latency, [this, r = std::move(r), done = std::move(done)] { done(platform(r)); });
    }
    std::size_t count(std::string_view method, std::string_view url_part) const {
        std::size_t n = 0;
        for (const auto& [t, r] : sent)
            if ((method.empty() || r.method == method) && r.url.find(url_part) != std::string::npos) ++n;
        return n;
    }
};

// Each socket the channel opens; what the platform does with it is `on_open`.
struct FakeSockets {
    struct Socket final : app::ChannelSocket {
        FakeSockets& owner;
        net::WebSocketHandler& handler;
        bool live = false;
        std::string url;
        Socket(FakeSockets& o, net::WebSocketHandler& h) : owner(o), handler(h) {}
        void open(net::WebSocketOptions options) override {
            live = true;
            url = options.url;
            ++owner.opened;
            owner.urls.push_back(url);
            owner.open_times.push_back(owner.clock.now());
            owner.last = this;
            owner.clock.add_timer(owner.clock.now() + Millis{20}, [this] {
                if (live && owner.on_open) owner.on_open(*this);
            });
        }
        bool send_text(std::string_view) override { return live; }
        void close() override { live = false; }
    };
    FakeClock& clock;
    std::size_t opened = 0;
    std::vector<std::string> urls;
    std::vector<TimePoint> open_times;
    Socket* last = nullptr;  // the newest socket (sockets live as long as their channel)
    std::function<void(Socket&)> on_open = [](Socket& s) { s.handler.on_open(); };

    explicit FakeSockets(FakeClock& c) : clock(c) {}
    app::SocketFactory factory() {
        return [this](net::WebSocketHandler& h) { return std::make_unique<Socket>(*this, h); };
    }
};

struct Listened final : app::SourceListener {
    std::vector<std::string> statuses;  // "reconnecting: why"
    std::size_t records = 0, snapshots = 0;
    std::optional<ExitCode> ended;
    std::string end_message;
    void input_begins(WallTime) override {}
    void event(const app::SourceEvent&) override {}
    std::map<std::string, std::string> last;                  // "id metric" -> the value's text, as last written
    std::vector<std::pair<std::string, std::string>> stamps;  // each record's source_ts and event_id
    void record(Record& r) override {
        ++records;
        stamps.emplace_back(r.source_ts, r.event_id);
        for (std::size_t i = 0; i < r.metric_count; ++i) last[r.id + " " + r.metrics[i].name] = r.metrics[i].value.text;
    }
    void snapshot_complete() override { ++snapshots; }
    void oversize(std::size_t) override {}
    void status(const app::StatusChange& c) override {
        statuses.push_back(std::string(app::status_name(c.status)) + ": " + std::string(c.message));
    }
    void input_ends() override {}
    void source_ended(ExitCode code, std::string message) override {
        ended = code;
        end_message = std::move(message);
    }
};

std::string system_frame(std::string_view name);
std::string heartbeat_frame();

}  // namespace rtwatch::test
