// Reading the tenant's stream: each message is a metrics record line (or
// the holder's status), decoded back into a Record for the stages. Its
// event id is the stream sequence, which is the same on every relay.
#include "broker_source.hpp"

#include <rapidjson/document.h>
#include <rapidjson/reader.h>

#include <fmt/format.h>

#include "genesys_source.hpp"
#include "live_source.hpp"
#include "rtwatch/core/log.hpp"
#include "upstream_lease.hpp"

namespace rtwatch::app {

namespace {

broker::Options broker_options(const Config& c) {
    broker::Options o;
    o.urls = c.broker_urls;
    o.creds_file = c.broker_creds;
    o.cacert = c.cacert;
    o.tenant = c.tenant;
    o.lease_ttl = c.lease_ttl;
    o.history = c.broker_history;
    return o;
}

// SAX over a metrics record: kind, id, source_ts and the flat metrics
// object; numbers arrive as their text (kParseNumbersAsStringsFlag).
struct LineHandler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, LineHandler> {
    Record& out;
    int depth = 0;
    std::string key;
    bool in_metrics = false, metrics_object = false, is_metrics = false, have_kind = false, have_id = false;
    int skip = 0;  // depth of a value being skipped (changed, levels)
    explicit LineHandler(Record& r) : out(r) {}

    bool top_value() const { return depth == 1 && !in_metrics && skip == 0; }
    Metric& metric() {
        Metric& m = out.add_metric();
        m.name = key;
        m.value = MetricValue{};
        return m;
    }
    bool scalar(MetricValue::Type type, bool b, std::string_view text) {
        if (skip) return true;
        if (in_metrics && depth == 2) {
            Metric& m = metric();
            m.value.type = type;
            m.value.boolean = b;
            m.value.text.assign(text);
            if (type == MetricValue::Type::number) m.value.number = std::strtod(m.value.text.c_str(), nullptr);
            return true;
        }
        if (!top_value() || type != MetricValue::Type::string) return true;
        if (key == "type")
            is_metrics = text == "metrics";
        else if (key == "kind") {
            have_kind = true;
            if (text == "queue")
                out.kind = ResourceKind::queue;
            else if (text == "agent")
                out.kind = ResourceKind::agent;
            else if (text == "skill")
                out.kind = ResourceKind::skill;
            else
                return false;
        } else if (key == "id") {
            have_id = true;
            out.id.assign(text);
        } else if (key == "source_ts") {
            out.source_ts.assign(text);
        }
        return true;
    }
    bool Null() { return scalar(MetricValue::Type::null, false, {}); }
    bool Bool(bool b) { return scalar(MetricValue::Type::boolean, b, {}); }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
        return scalar(MetricValue::Type::number, false, {s, n});
    }
    bool String(const char* s, rapidjson::SizeType n, bool) { return scalar(MetricValue::Type::string, false, {s, n}); }
    bool Key(const char* s, rapidjson::SizeType n, bool) {
        if (!skip) key.assign(s, n);
        return true;
    }
    bool StartObject() {
        ++depth;
        if (skip) return ++skip, true;
        if (depth == 2 && key == "metrics") return in_metrics = metrics_object = true;
        if (depth >= 2) skip = 1;
        return true;
    }
    bool EndObject(rapidjson::SizeType) {
        --depth;
        if (skip) return --skip, true;
        if (in_metrics && depth == 1) in_metrics = false;
        return true;
    }
    bool StartArray() {
        ++depth;
        if (skip) return ++skip, true;
        if (in_metrics) return false;  // a metric value is a scalar
        skip = 1;
        return true;
    }
    bool EndArray(rapidjson::SizeType) {
        --depth;
        if (skip) --skip;
        return true;
    }
};

std::optional<UpstreamStatus> status_named(std::string_view name) {
    for (auto s : {UpstreamStatus::connected, UpstreamStatus::reconnecting, UpstreamStatus::stale,
                   UpstreamStatus::token_acquired, UpstreamStatus::token_refreshed, UpstreamStatus::stopped,
                   UpstreamStatus::gave_up})
        if (status_name(s) == name) return s;
    return std::nullopt;
}

}  // namespace

std::string metrics_key(const Record& record) {
    std::string key;
    for (std::size_t i = 0; i < record.metric_count; ++i) {
        const Metric& m = record.metrics[i];
        key += m.name;
        key += '\x1f';
        key += static_cast<char>('0' + static_cast<int>(m.value.type));
        if (m.value.type == MetricValue::Type::boolean)
            key += m.value.boolean ? '1' : '0';
        else
            key += m.value.text;
        key += '\x1e';
    }
    return key;
}

bool parse_metrics_line(std::string_view json, Record& out) {
    out.clear();
    LineHandler handler(out);
    rapidjson::Reader reader;
    rapidjson::MemoryStream ms(json.data(), json.size());
    auto result =
        reader.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseValidateEncodingFlag>(ms, handler);
    return !result.IsError() && handler.is_metrics && handler.have_kind && handler.have_id;
}

BrokerSource::BrokerSource(const Config& config, net::Loop& loop)
    : m_own_services(std::make_unique<LoopServices>(loop)),
      m_client(broker::nats_client(loop, broker_options(config))),
      m_status_subject(broker::status_subject(config.tenant)) {
    if (config.relay)
        m_lease = std::make_unique<UpstreamLease>(config, *m_own_services, *m_client, m_view,
                                                  [&loop](const Config& c) -> std::unique_ptr<Source> {
                                                      if (c.platform == Platform::genesys)
                                                          return std::make_unique<GenesysSource>(c, loop);
                                                      return std::make_unique<LiveSseSource>(c, loop);
                                                  });
}

BrokerSource::BrokerSource(const Config& config, Services& services, std::unique_ptr<broker::Client> client,
                           UpstreamFactory upstream)
    : m_client(std::move(client)), m_status_subject(broker::status_subject(config.tenant)) {
    if (config.relay)
        m_lease = std::make_unique<UpstreamLease>(config, services, *m_client, m_view, std::move(upstream));
}

BrokerSource::~BrokerSource() = default;

BrokerStats BrokerSource::stats() const {
    BrokerStats s;
    s.stale_dropped = m_view.stale_dropped;
    if (m_lease) {
        s.holder = m_lease->holding();
        s.stored = m_lease->counters().stored;
        s.refused = m_lease->counters().refused;
        s.unconfirmed = m_lease->counters().unconfirmed;
    }
    return s;
}

void BrokerSource::start(SourceListener& listener) {
    m_listener = &listener;
    broker::Handlers h;
    h.connection = [this](bool up, const std::string& why) {
        // Changes are told, and so is a broker that cannot be reached from
        // the start or for a new reason: viewers of a relay that never got
        // through must not take its empty state for a fresh one.
        const std::string reason = up ? std::string() : why.empty() ? "broker unreachable" : why;
        if (m_stopped || (up == m_view.broker_up && (up || reason == m_view.broker_why))) return;
        m_view.broker_up = up;
        m_view.broker_why = reason;
        m_listener->input_begins(WallClock::now());
        // viewers keep their last state: it is stale while the broker is away
        if (up)
            m_listener->status(UpstreamStatus::connected, "broker connected");
        else
            m_listener->status(UpstreamStatus::stale, reason);
        m_listener->input_ends();
    };
    h.message = [this](const broker::Message& m) {
        if (m_stopped) return;
        if (m_in_batch) return on_message(m);
        m_listener->input_begins(WallClock::now());
        on_message(m);
        m_listener->input_ends();
    };
    // one batch of input (and one pass of output to viewers) per batch of
    // messages, not per message
    h.batch = [this](bool begins) {
        if (m_stopped || begins == m_in_batch) return;
        m_in_batch = begins;
        if (begins)
            m_listener->input_begins(WallClock::now());
        else
            m_listener->input_ends();
    };
    h.caught_up = [this] {
        if (m_stopped) return;
        m_view.caught_up = true;
        m_listener->input_begins(WallClock::now());
        m_listener->snapshot_complete();
        m_listener->input_ends();
    };
    m_client->start(std::move(h));
    // an empty batch: the data is fresh (for /readyz and systemd's STATUS)
    // though a quiet tenant publishes nothing
    if (m_lease)
        m_lease->start([this] {
            if (m_stopped) return;
            m_listener->input_begins(WallClock::now());
            m_listener->input_ends();
        });
}

void BrokerSource::stop() {
    m_stopped = true;
    if (m_lease) m_lease->stop();
}

void BrokerSource::on_message(const broker::Message& m) {
    if (m_stopped) return;
    if (m.seq <= m_view.last_seq) return;  // again, after a resubscription
    m_view.last_seq = m.seq;
    // fencing on the reading side: a holder that lost its lease may still
    // have had messages in flight; one of an older term than a message
    // already read is dropped
    if (m.term < m_view.max_term) {
        ++m_view.stale_dropped;
        log::info("broker: message {} of lease term {} dropped (term {} is newer)", m.seq, m.term, m_view.max_term);
        if (m_lease) m_lease->stream_read();
        return;
    }
    m_view.max_term = m.term;
    if (m.subject == m_status_subject) {
        rapidjson::Document doc;
        doc.Parse(m.data.data(), m.data.size());
        if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("status") && doc["status"].IsString()) {
            auto s = status_named(doc["status"].GetString());
            std::string holder = doc.HasMember("holder") && doc["holder"].IsString() ? doc["holder"].GetString() : "";
            std::string text = doc.HasMember("message") && doc["message"].IsString() ? doc["message"].GetString() : "";
            m_view.holder = holder;
            std::string message = text.empty() ? fmt::format("upstream held by {}", holder)
                                               : fmt::format("upstream held by {}: {}", holder, text);
            if (s) m_listener->status(StatusChange{*s, message, {}, false});
        }
    } else if (parse_metrics_line(m.data, m_record)) {
        m_view.last_metrics[m.subject] = metrics_key(m_record);
        m_record.event_id = std::to_string(m.seq);
        m_listener->record(m_record);
    } else {
        log::warn("broker: message {} on {} is not a metrics record; skipped", m.seq, m.subject);
    }
    // after the picture holds this message: a new holder may diff against it
    if (m_lease) m_lease->stream_read();
}

}  // namespace rtwatch::app
