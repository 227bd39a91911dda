// The lifecycle decisions on a fake clock: socket endings, REST answers,
// channel renewal ahead of expiry, the watchdog, the permission verdict.
#include <catch2/catch.hpp>

#include "rtwatch/genesys/lifecycle.hpp"

using namespace rtwatch;
using namespace rtwatch::genesys;
using namespace std::chrono_literals;
using A = Step::Action;
using K = SocketEnd::Kind;

namespace {
const TimePoint k_now{std::chrono::hours(1000)};
const WallTime k_wall{std::chrono::hours(500'000)};
SocketEnd end(K kind, int code = 0, long status = 0, std::optional<Millis> retry_after = {}, std::string detail = {},
              std::string url = {}) {
    return SocketEnd{kind, code, status, retry_after, std::move(detail), std::move(url)};
}
}  // namespace

TEST_CASE("genesys lifecycle: the first socket closing reconnects at once, a repeat backs off", "[genesys]") {
    Backoff b;
    auto s = decide_socket_end(end(K::socket_closing), b, 0.5);
    CHECK(s.action == A::reconnect);
    CHECK(s.delay == 0ms);
    // No healthy socket in between: the platform is not handing over, it is refusing.
    auto again = decide_socket_end(end(K::socket_closing), b, 0.0);
    CHECK(again.action == A::reconnect);
    CHECK(again.delay == 1000ms);
    CHECK(decide_socket_end(end(K::socket_closing), b, 0.0).delay == 2000ms);
    b.attempt = 0;  // a healthy socket since
    CHECK(decide_socket_end(end(K::socket_closing), b, 0.0).delay == 0ms);
}

TEST_CASE("genesys lifecycle: a lost channel is replaced at once, then with backoff", "[genesys]") {
    Backoff b;
    auto first = decide_socket_end(end(K::channel_gone, 1001), b, 0.0);
    CHECK(first.action == A::new_channel);
    CHECK(first.delay == 0ms);
    auto again = decide_socket_end(end(K::channel_gone), b, 0.0);
    CHECK(again.action == A::new_channel);
    CHECK(again.delay == 1000ms);  // base 1 s * 2^1, lower half at jitter 0
    auto revoked = decide_socket_end(end(K::token_revoked), b, 0.999);
    CHECK(revoked.action == A::new_token_and_channel);
    CHECK(revoked.delay > 1000ms);
}

TEST_CASE("genesys lifecycle: backoff doubles up to its cap", "[genesys]") {
    Backoff b;
    CHECK(next_delay(b, 0.0) == 500ms);
    CHECK(next_delay(b, 0.0) == 1000ms);
    CHECK(next_delay(b, 0.0) == 2000ms);
    for (int i = 0; i < 10; ++i) (void)next_delay(b, 0.0);
    CHECK(next_delay(b, 0.0) == 2500ms);
    CHECK(next_delay(b, 0.9999) <= 5000ms);
}

TEST_CASE("genesys lifecycle: upgrade refusals", "[genesys]") {
    Backoff b;
    CHECK(decide_socket_end(end(K::upgrade_refused, 0, 403), b, 0).action == A::fail);
    CHECK(decide_socket_end(end(K::upgrade_refused, 0, 403), b, 0).exit_code == ExitCode::permission);
    CHECK(decide_socket_end(end(K::upgrade_refused, 0, 400), b, 0).exit_code == ExitCode::upstream);
    auto busy = decide_socket_end(end(K::upgrade_refused, 0, 503, 2000ms), b, 0);
    CHECK(busy.action == A::reconnect);
    CHECK(busy.delay >= 2000ms);
    auto cert = decide_socket_end(end(K::untrusted_certificate, 0, 0, std::nullopt, "self signed", "wss://h"), b, 0);
    CHECK(cert.exit_code == ExitCode::upstream);
    CHECK(cert.message.find("--cacert") != std::string::npos);
}

TEST_CASE("genesys lifecycle: REST answers, Retry-After capped and said so", "[genesys]") {
    Backoff b;
    int unauthorized = 0;
    RestReply r;
    r.status = 429;
    r.retry_after = std::chrono::duration_cast<Millis>(2h);
    r.what = "the observations query";
    r.url = "http://x";
    auto s = classify_rest(r, b, 0.0, unauthorized, 30s);
    CHECK(s.action == RestStep::Action::retry);
    CHECK(s.delay == 30s);
    CHECK(s.message.find("Retry-After 2h") != std::string::npos);
    CHECK(s.message.find("waiting 30s") != std::string::npos);
    r.retry_after = 3s;
    CHECK(classify_rest(r, b, 0.0, unauthorized, 30s).delay == 3s);
    r.status = 503;
    r.retry_after.reset();
    CHECK(classify_rest(r, b, 0.0, unauthorized).action == RestStep::Action::retry);
    r.status = 200;
    CHECK(classify_rest(r, b, 0.0, unauthorized).action == RestStep::Action::ok);
}

TEST_CASE("genesys lifecycle: REST 401 asks for a new token, three in a row is an auth failure", "[genesys]") {
    Backoff b;
    int unauthorized = 0;
    RestReply r;
    r.status = 401;
    r.what = "subscribing";
    r.url = "http://x";
    r.channel_call = true;
    CHECK(classify_rest(r, b, 0, unauthorized).action == RestStep::Action::new_token);
    CHECK(classify_rest(r, b, 0, unauthorized).action == RestStep::Action::new_token);
    auto third = classify_rest(r, b, 0, unauthorized);
    CHECK(third.action == RestStep::Action::fail);
    CHECK(third.exit_code == ExitCode::auth);
}

TEST_CASE("genesys lifecycle: REST 404 is a lost channel on channel calls, a wrong URL elsewhere", "[genesys]") {
    Backoff b;
    int unauthorized = 0;
    RestReply r;
    r.status = 404;
    r.what = "subscribing";
    r.url = "http://x";
    r.channel_call = true;
    CHECK(classify_rest(r, b, 0, unauthorized).action == RestStep::Action::new_channel);
    r.channel_call = false;
    auto s = classify_rest(r, b, 0, unauthorized);
    CHECK(s.exit_code == ExitCode::upstream);
    CHECK(s.message.find("--region") != std::string::npos);
    r.status = 403;
    CHECK(classify_rest(r, b, 0, unauthorized).exit_code == ExitCode::permission);
    r.status = 400;
    CHECK(classify_rest(r, b, 0, unauthorized).exit_code == ExitCode::bad_request);
}

TEST_CASE("genesys lifecycle: a channel is renewed before it expires", "[genesys]") {
    // 24 h left: 5 minutes before.
    CHECK(renew_at(k_now, k_wall, k_wall + 24h) == k_now + 24h - 5min);
    // 10 s left: a tenth before.
    CHECK(renew_at(k_now, k_wall, k_wall + 10s) == k_now + 9s);
    // Unknown: assumed 24 h.
    CHECK(renew_at(k_now, k_wall, std::nullopt) == k_now + 24h - 5min);
    // Already past: not now (that loops), the floor.
    CHECK(renew_at(k_now, k_wall, k_wall - 1s) == k_now + k_renew_floor);
    // A millisecond left: no sooner than k_renew_min.
    CHECK(renew_at(k_now, k_wall, k_wall + 1ms) == k_now + k_renew_min);
}

TEST_CASE("genesys lifecycle: the watchdog pings at half the idle timeout", "[genesys]") {
    Watchdog w{60s, k_now};
    CHECK(w.ping_at() == k_now + 30s);
    CHECK(w.dead_at() == k_now + 60s);
}

TEST_CASE("genesys lifecycle: rejected topics: a warning, or exit 4 naming the permission", "[genesys]") {
    std::vector<RejectedTopic> rejected{
        {"v2.analytics.queues.q.observations", "MissingPermissions", {"analytics:queueObservation:view"}}};
    auto some = judge_subscriptions(3, rejected);
    CHECK(some.ok);
    CHECK(some.warning.find("analytics:queueObservation:view") != std::string::npos);
    auto none = judge_subscriptions(0, rejected);
    CHECK_FALSE(none.ok);
    CHECK(none.error.find("analytics:queueObservation:view") != std::string::npos);
    CHECK(judge_subscriptions(3, {}).warning.empty());
}

TEST_CASE("genesys lifecycle: a redirect names the host, not the ids; a 400 names the ids only where they are sent",
          "[genesys]") {
    Backoff b;
    int unauthorized = 0;
    RestReply r;
    r.what = "creating a notification channel";
    r.url = "https://api.example/api/v2/notifications/channels";
    r.status = 307;
    auto redirect = classify_rest(r, b, 0, unauthorized);
    CHECK(redirect.exit_code == ExitCode::upstream);
    CHECK(redirect.message.find("redirect") != std::string::npos);
    CHECK(redirect.message.find("--queue") == std::string::npos);
    r.status = 400;
    CHECK(classify_rest(r, b, 0, unauthorized).message.find("--queue") == std::string::npos);
    r.names_ids = true;
    CHECK(classify_rest(r, b, 0, unauthorized).message.find("--queue and --agent ids") != std::string::npos);
}

TEST_CASE("genesys lifecycle: a ws:// socket under an https API or login is refused unless --insecure", "[genesys]") {
    using P = SocketUrlProblem::Kind;
    SocketUrl u{"ws://streaming.test/channels/c1", "the channel's connectUri", "https://api.test", "https://login.test",
                false};
    auto p = socket_url_problem(u);
    CHECK(p.kind == P::downgrade);
    CHECK(p.message ==
          "refused the socket at ws://streaming.test/channels/c1 (the channel's connectUri) under https://api.test: "
          "it would drop TLS");
    u.api_url = "http://api.test";
    CHECK(socket_url_problem(u).kind == P::downgrade);  // the login is still https
    CHECK(socket_url_problem(u).message.find("under https://login.test") != std::string::npos);
    u.auth_url = "http://login.test";
    CHECK(socket_url_problem(u).kind == P::none);  // nothing to drop
    u.api_url = "HTTPS://api.test";
    CHECK(socket_url_problem(u).kind == P::downgrade);
    u.insecure = true;
    CHECK(socket_url_problem(u).kind == P::none);
    u.insecure = false;
    u.url = "wss://streaming.test/channels/c1";
    CHECK(socket_url_problem(u).kind == P::none);
    u.url = "WSS://streaming.test/channels/c1";
    CHECK(socket_url_problem(u).kind == P::none);
}

TEST_CASE("genesys lifecycle: a socket URL that is not ws or wss is named, short and printable", "[genesys]") {
    SocketUrl u{"https://streaming.test/channels/c1", "the channel's connectUri", "https://api.test", "", false};
    auto p = socket_url_problem(u);
    CHECK(p.kind == SocketUrlProblem::Kind::bad_scheme);
    CHECK(p.message == "the channel's connectUri 'https://streaming.test/channels/c1' is not a ws:// or wss:// URL");
    u.insecure = true;  // --insecure allows a downgrade, not a scheme that cannot be opened
    CHECK(socket_url_problem(u).kind == SocketUrlProblem::Kind::bad_scheme);
    u.url = "x\x1b[2J" + std::string(300, 'y');
    auto long_one = socket_url_problem(u).message;
    CHECK(long_one.find('\x1b') == std::string::npos);
    CHECK(long_one.size() < 250);
}

TEST_CASE("genesys lifecycle: bad socket URLs make a new channel at once, then backing off, the third exits 7",
          "[genesys]") {
    SocketUrlProblem p{SocketUrlProblem::Kind::bad_scheme,
                       "the channel's connectUri 'http://x' is not a ws:// or wss:// URL"};
    Backoff b;
    int in_a_row = 0;
    auto first = decide_bad_socket_url(p, in_a_row, b, 0.0);
    CHECK(first.action == A::new_channel);
    CHECK(first.delay == 0ms);
    auto second = decide_bad_socket_url(p, in_a_row, b, 0.0);
    CHECK(second.action == A::new_channel);
    CHECK(second.delay == 500ms);  // 1 s, jittered within its upper half
    auto third = decide_bad_socket_url(p, in_a_row, b, 0.0);
    CHECK(third.action == A::fail);
    CHECK(third.exit_code == ExitCode::upstream);
    CHECK(third.message ==
          "the channel's connectUri 'http://x' is not a ws:// or wss:// URL (3 channels in a row): the platform "
          "keeps answering a socket URL rtwatch cannot open; check --api-url or --region, or set --stream-url");
    SocketUrlProblem d{SocketUrlProblem::Kind::downgrade, "refused ...: it would drop TLS"};
    int n = 2;
    auto refused = decide_bad_socket_url(d, n, b, 0.0);
    CHECK(refused.exit_code == ExitCode::upstream);
    CHECK(refused.message.ends_with("check --api-url and --stream-url, or pass --insecure for a test server"));
}

TEST_CASE("genesys lifecycle: an answer cut at the size limit is a size error, not broken JSON", "[genesys]") {
    Backoff b;
    int unauthorized = 0;
    RestReply big{200,
                  {},
                  "the answer to POST /api/v2/notifications/channels is larger than the 8 MiB limit",
                  false,
                  "creating a notification channel",
                  "https://api.test/api/v2/notifications/channels"};
    big.too_large = true;
    auto step = classify_rest(big, b, 0.0, unauthorized);
    CHECK(step.action == RestStep::Action::fail);
    CHECK(step.exit_code == ExitCode::upstream);
    CHECK(step.message ==
          "creating a notification channel: the answer to POST /api/v2/notifications/channels is larger than the "
          "8 MiB limit, which rtwatch does not read past; is --api-url the Genesys Cloud API? (a snapshot that "
          "large: watch fewer --queue or --agent ids per run)");
    // Cut short by the network instead: a transport failure, tried again.
    RestReply cut{200,
                  {},
                  "Failure when receiving data from the peer",
                  false,
                  "creating a notification channel",
                  "https://api.test/api/v2/notifications/channels"};
    auto retry = classify_rest(cut, b, 0.0, unauthorized);
    CHECK(retry.action == RestStep::Action::retry);
    CHECK(retry.message == "creating a notification channel failed: Failure when receiving data from the peer");
}

TEST_CASE("genesys lifecycle: topics missing from the subscription answer are named; none at all fails", "[genesys]") {
    const std::string left(k_left_out);
    std::vector<RejectedTopic> missing{{"v2.analytics.queues.q2.observations", left, {}},
                                       {"v2.analytics.queues.q3.observations", left, {}}};
    auto some = judge_subscriptions(1, missing);
    CHECK(some.ok);
    CHECK(some.warning ==
          "2 of 3 requested topics are missing from the subscription answer (v2.analytics.queues.q2.observations, "
          "v2.analytics.queues.q3.observations): check the --queue and --agent ids (Genesys ids are UUIDs) and the "
          "OAuth client's roles; those resources are not watched");
    auto none = judge_subscriptions(0, missing);
    CHECK_FALSE(none.ok);
    CHECK(none.error.find("no topic was subscribed: 2 of 2 requested topics are missing") == 0);
    CHECK(none.error.ends_with("; there is nothing to watch"));
    std::vector<RejectedTopic> both{{"v2.users.u1.activity", "MissingPermissions", {"routing:queue:view"}},
                                    {"v2.analytics.queues.q2.observations", left, {}}};
    auto mixed = judge_subscriptions(0, both);
    CHECK_FALSE(mixed.ok);
    CHECK(mixed.error.find("no topic was permitted: v2.users.u1.activity rejected (MissingPermissions)") == 0);
    CHECK(mixed.error.find("1 of 2 requested topics are missing from the subscription answer "
                           "(v2.analytics.queues.q2.observations)") != std::string::npos);
    std::vector<RejectedTopic> many(5, RejectedTopic{"t", left, {}});
    CHECK(judge_subscriptions(1, many).warning.find("(t, t, t and 2 more)") != std::string::npos);
}
