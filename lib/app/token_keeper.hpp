// The access token, for any source: one request at a time however many
// callers wait, rotation ahead of expiry, and its own backoff when the token
// endpoint fails. Decisions on answers come from rtwatch/auth.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rtwatch/app/config.hpp"
#include "rtwatch/auth/token.hpp"
#include "rtwatch/core/exit_code.hpp"
#include "rtwatch/reconnect/policy.hpp"
#include "services.hpp"

namespace rtwatch::app {

class TokenKeeper {
public:
    struct Events {
        std::function<void(bool first)> acquired;           // a new token is held (the run's first?)
        std::function<void(const std::string&)> retrying;   // the token endpoint failed; asking again
        std::function<void()> rotated;                      // a rotation's token is held: reconnect with it
        std::function<void(ExitCode, std::string)> failed;  // no token will come
    };

    TokenKeeper(const Config& config, Services& services, std::function<double()> jitter, Events events);
    ~TokenKeeper();

    // Runs `then` with a valid token: at once when one is held, else after
    // the (single) request in flight answers.
    void with_token(std::function<void()> then);
    // The held token was rejected: the next with_token() asks for a new one.
    void invalidate() { m_tokens.invalidate(); }
    const std::string& access_token() const { return m_tokens.access_token(); }
    // No more requests, timers or events.
    void stop();

private:
    void request();
    void on_answer(const net::Response& response);
    void schedule_rotation();
    void rotate();
    void cancel(std::optional<Services::TimerId>& timer);

    const Config& m_config;
    Services& m_services;
    std::function<double()> m_jitter;
    Events m_events;
    auth::Credentials m_credentials;
    auth::TokenCache m_tokens;
    std::string m_token_url;
    std::vector<std::function<void()>> m_waiting;
    std::optional<Services::TimerId> m_rotation_timer;
    std::optional<Services::TimerId> m_retry_timer;
    reconnect::Policy m_policy;
    reconnect::State m_backoff;
    bool m_stopped = false;
    // A request in flight outlives the keeper (the loop cannot take it
    // back): its answer checks this before touching the keeper.
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
    bool m_had_token = false;
};

}  // namespace rtwatch::app
