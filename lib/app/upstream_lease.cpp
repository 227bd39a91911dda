// The lease and the holder's publications. Fencing has three parts:
//  - time: the holder publishes only before renew-sent + 2/3 TTL, and the
//    broker drops the key TTL after the renewal it stored, which is later;
//    a new holder can take the key only then;
//  - the stream: each publication expects the stream's last sequence to be
//    the one the holder predicts, so a late publication of a paused holder
//    is refused once the new holder has published;
//  - readers drop a message whose lease term (header Rtwatch-Lease) is
//    older than one they already read.
#include "upstream_lease.hpp"

#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "broker_source.hpp"
#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/log.hpp"
#include "rtwatch/output/ndjson.hpp"

namespace rtwatch::app {

namespace {

Config upstream_config(const Config& c) {
    Config u = c;
    u.fields.clear();
    u.where.clear();
    u.levels.clear();
    u.levels_only = false;
    u.throttle = Millis{0};
    u.count = 0;
    u.once = false;
    u.duration.reset();
    u.raw = false;
    u.record.clear();
    return u;
}

// How often the lease is renewed (and how long a new holder waits for its
// reader): well inside the TTL.
Millis period_of(Millis ttl) { return std::max(Millis{100}, ttl / 3); }

std::string holder_name() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
    return fmt::format("{}/{}", host, ::getpid());
}

}  // namespace

UpstreamLease::UpstreamLease(const Config& config, Services& services, broker::Client& client, StreamView& view,
                             UpstreamFactory upstream)
    : m_config(upstream_config(config)),
      m_services(services),
      m_client(client),
      m_view(view),
      m_upstream_factory(std::move(upstream)),
      m_name(holder_name()) {}

UpstreamLease::~UpstreamLease() {
    for (auto* timer : {&m_timer, &m_deferred, &m_reader_wait})
        if (*timer) m_services.cancel_timer(**timer);
}

void UpstreamLease::start(std::function<void()> alive) {
    m_alive = std::move(alive);
    tick();
}

void UpstreamLease::stop() {
    if (m_stopped) return;
    m_stopped = true;
    if (m_timer) m_services.cancel_timer(*m_timer), m_timer.reset();
    if (m_holding) lose("the relay stops", true);
}

void UpstreamLease::tick() {
    m_timer = m_services.add_timer(m_services.now() + period_of(m_config.lease_ttl), [this] {
        m_timer.reset();
        tick();
    });
    if (m_stopped) return;
    TimePoint now = m_services.now();
    if (m_holding) {
        if (now >= m_deadline) return lose("the lease could not be renewed in time", false);
        if (m_unhealthy_since && now - *m_unhealthy_since > m_config.lease_ttl) {
            m_compete_after = now + 2 * m_config.lease_ttl;
            return lose("the upstream is down for longer than the lease", true);
        }
        return renew();
    }
    // compete only with the stream read: the first publications are
    // diffed against it
    if (m_view.caught_up && m_view.broker_up && now >= m_compete_after) take();
}

void UpstreamLease::take() {
    if (m_request_in_flight) return;
    m_request_in_flight = true;
    TimePoint sent = m_services.now();
    m_client.lease_take(m_name, [this, sent](broker::LeaseState st) {
        m_request_in_flight = false;
        if (m_stopped) {
            if (st.revision) m_client.lease_release(*st.revision);
            return;
        }
        if (!st.revision) {
            if (!st.holder.empty() && m_alive) m_alive();
            return;
        }
        m_deadline = sent + m_config.lease_ttl * 2 / 3;
        became_holder(*st.revision);
    });
}

void UpstreamLease::renew() {
    if (m_request_in_flight) return;
    m_request_in_flight = true;
    TimePoint sent = m_services.now();
    std::uint64_t term = m_term;
    m_client.lease_renew(m_revision, m_name, [this, sent, term](broker::LeaseState st) {
        m_request_in_flight = false;
        if (!m_holding || term != m_term) return;
        if (!st.revision)
            return lose(st.holder.empty() ? "the lease expired" : fmt::format("the lease is now {}'s", st.holder),
                        false);
        m_revision = *st.revision;
        m_deadline = sent + m_config.lease_ttl * 2 / 3;
        if (m_upstream_ok && m_alive) m_alive();
        // what waited while the deadline was near goes out now
        if (m_resync_needed)
            resync();
        else
            pump();
    });
}

void UpstreamLease::became_holder(std::uint64_t revision) {
    m_holding = true;
    m_term = m_revision = revision;
    m_published = 0;
    ++m_generation;
    m_wanted.clear();
    m_sent.clear();
    log::warn("broker: this relay ({}) holds the upstream lease of tenant {} (term {})", m_name, m_config.tenant,
              m_term);
    resync();
    open_upstream();
}

void UpstreamLease::lose(std::string_view why, bool release) {
    if (!m_holding) return;
    log::warn("broker: this relay gives up the upstream: {}", why);
    if (release && m_publishing) publish_status("stopped", fmt::format("{} gave up the upstream", m_name));
    m_holding = false;
    m_publishing = false;
    ++m_generation;
    m_order.clear();
    m_queued.clear();
    m_resync_when_drained = false;
    m_resyncing = false;
    if (m_reader_wait) m_services.cancel_timer(*m_reader_wait), m_reader_wait.reset();
    if (release) m_client.lease_release(m_revision);
    close_upstream();
}

bool UpstreamLease::may_publish() const { return m_holding && m_publishing && m_services.now() < m_deadline; }

// From the stream's last sequence on: what the holder's upstream state
// has that the stream's last messages do not. Also after a publication
// failed (an outage, or another writer), once the lease is known to be ours.
void UpstreamLease::resync() {
    m_publishing = false;
    m_resync_needed = false;
    m_resyncing = true;
    m_order.clear();
    m_queued.clear();
    if (m_reader_wait) m_services.cancel_timer(*m_reader_wait), m_reader_wait.reset();
    // the stream's last sequence means something once ours have landed
    if (m_in_flight > 0) {
        m_resync_when_drained = true;
        return;
    }
    std::uint64_t generation = ++m_generation;
    m_client.last_sequence([this, generation](std::optional<std::uint64_t> last) {
        if (!m_holding || generation != m_generation) return;
        if (!last) {
            m_resyncing = false;
            m_resync_needed = true;
            return;
        }
        m_expect = *last;
        m_last_id.clear();
        if (m_view.last_seq >= *last) return publish_wanted(true);
        // The reader's picture lags behind the stream by what is on its
        // way: diffed against it, a resource that the stream has since
        // moved on from would be skipped as unchanged. Wait for the reader,
        // but not for ever (it may be stalled or far behind): then publish
        // every resource, which is right whatever the stream holds.
        m_reader_target = *last;
        m_reader_wait = m_services.add_timer(m_services.now() + period_of(m_config.lease_ttl), [this] {
            m_reader_wait.reset();
            log::info("broker: the stream's reader is at sequence {} of {}; publishing every resource", m_view.last_seq,
                      m_reader_target);
            publish_wanted(false);
        });
    });
}

void UpstreamLease::stream_read() {
    if (!m_reader_wait || m_view.last_seq < m_reader_target) return;
    m_services.cancel_timer(*m_reader_wait);
    m_reader_wait.reset();
    publish_wanted(true);
}

void UpstreamLease::publish_wanted(bool diff) {
    m_resyncing = false;
    m_publishing = true;
    for (auto& [subject, wanted] : m_wanted)
        if (!diff || !stream_has(subject, wanted.second)) send(subject, wanted.first, wanted.second);
    if (m_upstream_ok) publish_status("connected", "");
}

bool UpstreamLease::stream_has(const std::string& subject, const std::string& key) const {
    // the reader's view lags behind what is in flight: a resource that went
    // A -> B -> A would otherwise end as B in the stream
    if (auto it = m_sent.find(subject); it != m_sent.end()) return it->second == key;
    auto it = m_view.last_metrics.find(subject);
    return it != m_view.last_metrics.end() && it->second == key;
}

void UpstreamLease::send(const std::string& subject, const std::string& data, const std::string& key) {
    if (!may_publish()) {
        // a resync under way publishes everything wanted once it can
        m_resync_needed = m_holding && !m_resyncing;
        return;
    }
    auto [it, added] = m_queued.insert_or_assign(subject, std::pair{data, key});
    if (added) m_order.push_back(subject);
    pump();
}

void UpstreamLease::unqueue(std::unordered_map<std::string, std::pair<std::string, std::string>>::iterator it) {
    if (auto at = std::find(m_order.begin(), m_order.end(), it->first); at != m_order.end()) m_order.erase(at);
    m_queued.erase(it);
}

void UpstreamLease::pump() {
    while (m_in_flight < k_window && !m_order.empty() && may_publish()) {
        std::string subject = std::move(m_order.front());
        m_order.pop_front();
        auto it = m_queued.find(subject);
        std::string data = std::move(it->second.first);
        m_sent[subject] = std::move(it->second.second);
        m_queued.erase(it);
        ++m_in_flight;
        std::uint64_t generation = m_generation;
        // the first of a run expects the stream's last sequence, each next
        // one the id of the one before it
        broker::Expect expect;
        if (m_last_id.empty())
            expect.last_seq = m_expect;
        else
            expect.last_id = m_last_id;
        m_last_id = fmt::format("{}.{}", m_term, ++m_published);
        m_client.publish(
            subject, std::move(data), m_term, m_last_id, std::move(expect),
            [this, generation, subject](broker::PublishResult r, std::uint64_t) { sent(r, generation, subject); });
    }
}

void UpstreamLease::sent(broker::PublishResult r, std::uint64_t generation, const std::string& subject) {
    --m_in_flight;
    if (r == broker::PublishResult::ok)
        ++m_counters.stored;
    else if (r == broker::PublishResult::fenced)
        ++m_counters.refused;
    else
        ++m_counters.unconfirmed;
    if (r != broker::PublishResult::ok) m_sent.erase(subject);  // unknown whether the stream has it
    if (r != broker::PublishResult::ok && generation == m_generation && m_holding) {
        // everything after it was sent with a wrong prediction too
        log::warn("broker: a publication was {}; publishing again once the lease is confirmed",
                  r == broker::PublishResult::fenced ? "refused (the stream moved on)" : "not confirmed");
        ++m_generation;
        m_publishing = false;
        m_resync_needed = true;
        m_order.clear();
        m_queued.clear();
    }
    if (m_in_flight == 0 && m_resync_when_drained) {
        m_resync_when_drained = false;
        if (m_holding) resync();
        return;
    }
    pump();
}

void UpstreamLease::publish_status(std::string_view status, std::string_view message) {
    std::string data = "{\"type\":\"status\",\"status\":";
    append_json_string(data, status);
    data += ",\"message\":";
    append_json_string(data, message);
    data += ",\"holder\":";
    append_json_string(data, m_name);
    data += '}';
    send(broker::status_subject(m_config.tenant), data, data);
}

// --- the upstream --------------------------------------------------------

void UpstreamLease::open_upstream() {
    m_pipeline = std::make_unique<Pipeline>(m_config);
    m_pipeline->add_sink(*this);
    m_source = m_upstream_factory(m_config);
    m_upstream_ok = false;
    m_unhealthy_since = m_services.now();
    m_source->start(*this);
}

void UpstreamLease::close_upstream() {
    if (!m_source) return;
    m_source->stop();
    // not from inside the source's own callback: later, on the loop
    std::shared_ptr<Source> source(std::move(m_source));
    std::shared_ptr<Pipeline> pipeline(std::move(m_pipeline));
    m_services.add_timer(m_services.now(), [source, pipeline] {});
    m_upstream_ok = false;
    m_unhealthy_since.reset();
}

void UpstreamLease::input_begins(WallTime now) {
    if (m_pipeline) m_pipeline->begin_batch(now);
}

void UpstreamLease::event(const SourceEvent& e) {
    if (m_pipeline) m_pipeline->on_event(e.type, e.data, e.id, m_services.now());
}

void UpstreamLease::record(Record& record) {
    if (m_pipeline) m_pipeline->on_record(record, m_services.now());
}

void UpstreamLease::oversize(std::size_t limit) {
    if (m_pipeline) m_pipeline->on_oversize(limit);
}

void UpstreamLease::status(const StatusChange& change) {
    bool ok = change.status == UpstreamStatus::connected || change.status == UpstreamStatus::token_acquired ||
              change.status == UpstreamStatus::token_refreshed;
    if (change.status == UpstreamStatus::connected) {
        m_upstream_ok = true;
        m_unhealthy_since.reset();
    } else if (!ok && m_upstream_ok) {
        m_upstream_ok = false;
        m_unhealthy_since = m_services.now();
    }
    if (change.status != UpstreamStatus::token_acquired && change.status != UpstreamStatus::token_refreshed)
        publish_status(status_name(change.status), change.message);
}

void UpstreamLease::source_ended(ExitCode, std::string message) {
    m_compete_after = m_services.now() + 2 * m_config.lease_ttl;
    // not from inside the source's own callback
    if (m_deferred) m_services.cancel_timer(*m_deferred);
    m_deferred = m_services.add_timer(m_services.now(), [this, message = std::move(message)] {
        m_deferred.reset();
        lose(fmt::format("the upstream ended: {}", message), true);
    });
}

void UpstreamLease::metrics(const Record& record, std::span<const std::string_view> changed, WallTime now) {
    std::string subject = broker::record_subject(m_config.tenant, kind_name(record.kind), record.id);
    m_line.clear();
    output::append_metrics_line(m_line, record, changed, now);
    if (!m_line.empty() && m_line.back() == '\n') m_line.pop_back();
    std::string key = metrics_key(record);
    auto& wanted = m_wanted[subject];
    wanted = {m_line, key};
    auto queued = m_queued.find(subject);
    if (queued != m_queued.end() && queued->second.second == key) return;  // waiting already
    // the stream has it already (a fail-over's fresh snapshot): no storm
    if (stream_has(subject, key)) {
        // back to what the stream ends with while a change waits: the
        // waiting one would land after it and undo it (A -> B -> A ended
        // as B when B still waited for the window)
        if (queued != m_queued.end()) unqueue(queued);
        return;
    }
    send(subject, wanted.first, key);
}

}  // namespace rtwatch::app
