// Everything the command line, the environment and the config file decide,
// validated. Every member has a default.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rtwatch/core/duration.hpp"
#include "rtwatch/core/log.hpp"
#include "rtwatch/core/metric_units.hpp"
#include "rtwatch/levels/spec.hpp"

namespace rtwatch::app {

enum class Mode { live, replay };
// The upstream's protocol: rtwatch's SSE endpoint, or Genesys Cloud's
// Notifications API (REST channels, WebSocket events, REST snapshots).
enum class Platform { sse, genesys };

struct Config {
    Mode mode = Mode::live;

    // upstream
    Platform platform = Platform::sse;
    std::string region;      // genesys: the region domain the hosts follow from
    std::string stream_url;  // genesys: replaces the scheme and host of each channel's connectUri
    std::string api_url;
    std::string auth_url;         // defaults to api_url
    bool auth_url_given = false;  // --auth-url (or its env/config form) was set: named in wrong-URL messages
    std::string client_id;
    std::string client_secret;  // from RTWATCH_CLIENT_SECRET or --client-secret-file; never argv
    std::string scope = "genesyscloud.realtime.data.view";
    Millis token_grace{60'000};
    std::string cacert;
    bool insecure = false;

    // selection
    std::vector<std::string> queues, skills, agents;
    std::vector<std::string> media;   // genesys: media types with their own metric names (oWaiting.voice)
    std::vector<std::string> fields;  // empty = all
    std::string where;
    bool raw = false;

    // pacing and bounds
    Millis throttle{0};
    bool once = false;
    std::uint64_t count = 0;         // 0 = unbounded
    std::optional<Millis> duration;  // stop after
    Millis idle_timeout{30'000};
    Millis request_timeout{30'000};  // a token exchange; a stream's response up to its first body byte
    Millis max_backoff{5'000};
    std::uint32_t request_budget = 120;  // genesys: REST calls a minute for the whole run (--request-budget)
    std::size_t max_event_size = 1 << 20;

    // output
    std::string output;  // empty = stdout
    std::string record;  // raw stream bytes go here too
    bool status = false;
    std::string replay_input = "-";

    // rtwatch top: the terminal view instead of NDJSON on stdout
    bool top = false;
    Millis refresh{1000};
    bool top_color = true;  // --color and NO_COLOR, decided at startup

    // levels and hooks
    std::vector<levels::LevelSpec> levels;  // --level, RTWATCH_LEVELS, level = in the config file
    bool levels_only = false;               // write level (and status) records only
    std::string exec;                       // --exec: run through /bin/sh -c for each level/status record
    std::size_t exec_jobs = 4;
    Millis exec_timeout{30'000};

    // rtwatch relay: viewers over HTTP instead of NDJSON on stdout
    bool relay = false;
    std::string listen = "127.0.0.1:8080";
    std::string metrics_listen;             // --metrics-listen: /metrics for a plain run
    std::size_t history = 100'000;          // events kept for Last-Event-ID resume
    std::size_t history_bytes = 64u << 20;  // --history-bytes: and their bytes
    Millis viewer_timeout{30'000};          // no write progress for this long: disconnected
    std::size_t max_viewers = 10'000;       // beyond: 503
    std::string viewer_token;               // from --viewer-token-file; empty = none
    bool no_viewer_auth = false;
    std::vector<std::string> allow_origins;
    Millis stale_after{30'000};     // /readyz: upstream bytes must be newer than this
    Millis heartbeat{15'000};       // SSE comment to idle viewers
    Millis header_timeout{10'000};  // a request head must be complete within this
    std::vector<UnitOption> units;  // --unit METRIC=UNIT: the wallboard's formats
    std::string names_file;         // --names FILE: display names, reloaded on SIGHUP
    std::string tls_cert, tls_key;  // --tls-cert/--tls-key: HTTPS, reloaded on SIGHUP
    Millis trend_step{15'000};      // --trend-step: one sparkline point per step

    // --broker: the tenant's stream on NATS JetStream (see lib/broker)
    std::vector<std::string> broker_urls;  // empty = no broker
    std::string broker_creds;              // --broker-creds FILE
    std::string tenant;
    Millis lease_ttl{5'000};           // --lease-ttl
    std::int64_t broker_history = 64;  // --broker-history: messages kept per subject

    log::Options log;
};

}  // namespace rtwatch::app
