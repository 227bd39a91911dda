// One Genesys Cloud notification channel and its socket: create, subscribe,
// connect, watch the heartbeat, renew before expiry, and act on every way it
// ends as rtwatch/genesys decides. What it receives goes to its Owner.
#pragma once

#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "genesys_socket.hpp"
#include "rtwatch/app/config.hpp"
#include "rtwatch/genesys/frame.hpp"
#include "rtwatch/genesys/lifecycle.hpp"
#include "rtwatch/genesys/rest.hpp"
#include "rtwatch/net/websocket.hpp"
#include "services.hpp"
#include "token_keeper.hpp"

namespace rtwatch::app {

class GenesysChannel final : private net::WebSocketHandler {
public:
    class Owner {
    public:
        virtual ~Owner() = default;
        virtual void channel_subscribed(GenesysChannel& channel, const genesys::Subscriptions& answer) = 0;
        virtual void channel_open(GenesysChannel& channel) = 0;
        virtual void channel_frame(GenesysChannel& channel, genesys::Frame& frame) = 0;
        // Data may have been missed from now until the channel is open again.
        virtual void channel_lost(GenesysChannel& channel, const std::string& why) = 0;
        virtual void channel_failed(ExitCode code, std::string message) = 0;
    };

    GenesysChannel(const Config& config, Services& services, const SocketFactory& sockets, TokenKeeper& tokens,
                   std::vector<std::string> topics, Owner& owner, std::function<double()> jitter);
    ~GenesysChannel() override;

    void start() { create(); }
    void stop();
    bool is_open() const { return m_open; }
    std::size_t channels_created() const { return m_created; }
    // Reopenings (new sockets or channels) since the last healthy socket.
    std::size_t reopens_in_a_row() const { return m_storm; }
    const std::string& id() const { return m_channel.id; }
    const std::vector<std::string>& topics() const { return m_topics; }

private:
    void create();
    void subscribe();
    bool socket_url_usable();
    void connect();
    void on_open() override;
    void on_message(std::string_view text) override;
    void on_end(const net::WebSocketEnd& end) override;
    void ended(const genesys::SocketEnd& end);
    void act(const genesys::Step& step);
    void later(Millis delay, std::function<void()> fn);
    // A REST call of the channel with the token, its answer classified.
    void call(net::Request request, std::string what, bool channel_call, std::function<void(const net::Response&)> ok);
    void seen_frame();
    void arm_watchdog();
    void watchdog();
    void renew();
    void replace_channel();
    void arm_renewal();
    std::string socket_url() const;
    std::string api(std::string_view path) const;

    const Config& m_config;
    Services& m_services;
    TokenKeeper& m_tokens;
    std::vector<std::string> m_topics;
    Owner& m_owner;
    std::function<double()> m_jitter;
    std::unique_ptr<ChannelSocket> m_socket;
    genesys::Channel m_channel;
    genesys::Backoff m_backoff;
    genesys::Backoff m_rest_backoff;
    genesys::Backoff m_renew_backoff;  // replacements because renewal did not move `expires`
    genesys::Watchdog m_watchdog;
    int m_unauthorized = 0;
    int m_bad_socket_urls = 0;  // channels in a row whose socket URL cannot be opened
    bool m_pinged = false;
    bool m_open = false;
    bool m_healthy = false;  // open for k_healthy_after with a frame since
    TimePoint m_opened_at{};
    std::size_t m_storm = 0;  // reopenings since the last healthy socket
    TimePoint m_storm_began{};
    bool m_warned_past_expiry = false;
    bool m_stopped = false;
    std::size_t m_created = 0;
    std::uint64_t m_malformed = 0;
    std::optional<Services::TimerId> m_timer;  // the next step of the lifecycle
    std::optional<Services::TimerId> m_watch_timer;
    std::optional<Services::TimerId> m_renew_timer;
};

}  // namespace rtwatch::app
