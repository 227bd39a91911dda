// The tenant's share of a NATS JetStream broker: one stream of committed
// records (rtwatch.<tenant>.<kind>.<id>, a per-subject history), one KV
// bucket holding the upstream lease. `Client` is the seam: the relay's
// lease and reader talk to it, nats_client() is the real one (the nats C
// client behind it), tests use a fake. Every call returns at once and
// every callback runs on the rtwatch loop, so callers stay single-threaded.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rtwatch/core/duration.hpp"

namespace rtwatch::net {
class Loop;
}

namespace rtwatch::broker {

struct Options {
    std::vector<std::string> urls;  // nats://HOST:PORT or tls://HOST:PORT
    std::string creds_file;         // --broker-creds: a NATS .creds file (JWT and NKey seed)
    std::string cacert;             // --cacert: CA bundle for tls:// brokers
    std::string tenant;             // [A-Za-z0-9_-]+
    Millis lease_ttl{5'000};        // the KV bucket's TTL
    std::int64_t history = 64;      // messages kept per subject (resume across relays)
};

// One message of the tenant's stream.
struct Message {
    std::uint64_t seq = 0;       // the stream sequence: viewers' resume position
    std::uint64_t pending = 0;   // messages after it still to come (0: caught up)
    std::uint64_t term = 0;      // the Rtwatch-Lease header: the publisher's lease term (0 if none)
    std::int64_t stored_ns = 0;  // when the broker stored it (ns since the epoch; 0 if unknown)
    std::string subject;
    std::string data;
};

struct Handlers {
    // The broker became reachable (true) or not (false, with why).
    std::function<void(bool up, const std::string& why)> connection;
    std::function<void(const Message&)> message;
    // Optional: messages that arrived together are handed out between
    // batch(true) and batch(false), so a reader can pass them on at once.
    std::function<void(bool begins)> batch;
    // Every message that was in the stream when reading began has been
    // handed out (at once for an empty stream).
    std::function<void()> caught_up;
};

enum class PublishResult {
    ok,
    fenced,  // the stream moved on (another publisher): the precondition failed
    failed,  // no answer or another error: unknown whether it was stored
};

// What a publication expects of the stream.
struct Expect {
    std::uint64_t last_seq = 0;  // the stream's last sequence (0: empty), when last_id is empty
    std::string last_id;         // else the id of the stream's last message
};

// What the lease key holds now.
struct LeaseState {
    std::optional<std::uint64_t> revision;  // ours, when the operation succeeded
    std::string holder;                     // who holds it ("" when nobody)
};

class Client {
public:
    virtual ~Client() = default;  // no callbacks after it

    // Connects (retrying with backoff), makes the stream and the bucket if
    // they are missing, and reads the stream: the last message of every
    // subject, then live. After a reconnect it goes on after the last
    // sequence seen, so nothing the stream kept is missed.
    virtual void start(Handlers handlers) = 0;

    // The lease: take() succeeds only if nobody holds it (create-only);
    // renew() only if `revision` is still the current one (compare and
    // swap); release() deletes it if `revision` is still current.
    virtual void lease_take(std::string holder, std::function<void(LeaseState)> done) = 0;
    virtual void lease_renew(std::uint64_t revision, std::string holder, std::function<void(LeaseState)> done) = 0;
    virtual void lease_release(std::uint64_t revision) = 0;

    // The stream's last sequence, read from the server.
    virtual void last_sequence(std::function<void(std::optional<std::uint64_t>)> done) = 0;
    // Publishes message `id` (unique: the term and a count) with a
    // precondition, so that only one writer can extend a given state of
    // the stream: the first of a run expects the stream's last sequence,
    // each next one the id of the one before it. A foreign message in
    // between breaks the chain for good; expecting sequences alone, a later
    // publication of a stale writer could match the sequence again.
    // Publications are sent in call order without waiting for the ones
    // before to be acknowledged; `done` runs once per publication, with
    // `failed` when no acknowledgement came in time or the connection
    // dropped first.
    virtual void publish(std::string subject, std::string data, std::uint64_t term, std::string id, Expect expect,
                         std::function<void(PublishResult, std::uint64_t seq)> done) = 0;

    virtual const Options& options() const = 0;
};

// The client on NATS: the nats C client's blocking calls run on one worker
// thread of its own, its threads deliver messages and acknowledgements,
// and both hand results to `loop` with post().
std::unique_ptr<Client> nats_client(net::Loop& loop, Options options);

// rtwatch.<tenant>.<kind>.<id>, the id escaped so that it is one subject
// token ('.', '*', '>', '%', whitespace and non-ASCII as %XX).
std::string record_subject(const std::string& tenant, std::string_view kind, std::string_view id);
// rtwatch.<tenant>.status.upstream: the holder's upstream state.
std::string status_subject(const std::string& tenant);
std::string stream_name(const std::string& tenant);
std::string bucket_name(const std::string& tenant);
// "" when `tenant` is usable in subjects and names, else why not.
std::string tenant_problem(const std::string& tenant);

}  // namespace rtwatch::broker
