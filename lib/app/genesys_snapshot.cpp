// The snapshot: the observations query and the users query, paced and
// through the request budget, and the names of the organisation's presence
// ids (the answer's mappings; the presence definitions, read once, when an
// id is not in them).
#include <algorithm>

#include "genesys_source.hpp"
#include "rtwatch/auth/token.hpp"
#include "rtwatch/core/log.hpp"
#include "rtwatch/genesys/presence.hpp"

namespace rtwatch::app {

namespace {

// Ids per snapshot request: Genesys caps filter predicates and id lists.
constexpr std::size_t k_ids_per_request = 100;
// The least time between the starts of two snapshots.
constexpr Millis k_snapshot_floor{2'000};
// Ids warned about one by one; past this, only counted.
constexpr std::size_t k_max_warned_ids = 1'000;

std::string trimmed(std::string base) {
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
}

}  // namespace

// Snapshots are paced: one begins no sooner than k_snapshot_floor after the
// one before, so sockets that keep reopening cannot make a query each time.
void GenesysSource::take_snapshot() {
    const TimePoint now = m_services.now();
    if (m_snapshots_begun > 0 && now < m_last_snapshot + k_snapshot_floor) {
        if (m_snapshot_timer) return;
        m_snapshot_timer = m_services.add_timer(m_last_snapshot + k_snapshot_floor, [this] {
            m_snapshot_timer.reset();
            if (!m_stopped && m_gap && all_open()) take_snapshot();
        });
        return;
    }
    m_last_snapshot = now;
    ++m_snapshots_begun;
    ++m_generation;
    m_snapshot_in_flight = true;
    // What was heard before the query went is in its answer.
    m_held.clear();
    m_held_overflow = false;
    m_pending = 0;
    m_snapshot_queues.clear();
    m_snapshot_agents.clear();
    const std::string base = trimmed(m_config.api_url);
    const auto& queues = m_queues;
    for (std::size_t i = 0; i < queues.size(); i += k_ids_per_request) {
        std::vector<std::string> chunk(
            queues.begin() + static_cast<std::ptrdiff_t>(i),
            queues.begin() + static_cast<std::ptrdiff_t>(std::min(queues.size(), i + k_ids_per_request)));
        net::Request r;
        r.method = "POST";
        r.url = base + "/api/v2/analytics/queues/observations/query";
        r.headers = {"Content-Type: application/json"};
        r.body = genesys::observations_query_body(chunk);
        snapshot_request(std::move(r), "the queue observations query", Part::queues);
    }
    const auto& agents = m_agents;
    for (std::size_t i = 0; i < agents.size(); i += k_ids_per_request) {
        std::string ids;
        for (std::size_t j = i; j < std::min(agents.size(), i + k_ids_per_request); ++j)
            ids += "&id=" + genesys::url_component(agents[j]);
        net::Request r;
        r.url = base + "/api/v2/users?pageSize=" + std::to_string(k_ids_per_request) + ids +
                "&expand=presence,routingStatus";
        snapshot_request(std::move(r), "the users query", Part::users);
    }
    if (m_pending == 0) snapshot_answered();
}

void GenesysSource::snapshot_request(net::Request request, std::string what, Part part) {
    ++m_pending;
    const std::uint64_t generation = m_generation;
    auto unauthorized = std::make_shared<int>(0);
    auto backoff = std::make_shared<genesys::Backoff>();
    backoff->max = m_config.max_backoff;
    auto send = std::make_shared<std::function<void()>>();
    // The function holds itself weakly: what is pending (the token wait, the
    // request, a retry timer) keeps it alive, and a run that stops or moves
    // on to a new generation frees it with them.
    *send = [this, request, what, part, generation, backoff, unauthorized,
             weak = std::weak_ptr<std::function<void()>>(send)] {
        auto send = weak.lock();
        if (!send) return;
        m_tokens.with_token([this, request, what, part, generation, backoff, unauthorized, send] {
            if (m_stopped || generation != m_generation) return;
            net::Request r = request;
            r.headers.push_back("Authorization: Bearer " + m_tokens.access_token());
            r.headers.push_back("Accept: application/json");
            r.follow_redirects = false;
            r.timeout = m_config.request_timeout;
            m_services.request(std::move(r), [this, request, what, part, generation, backoff, unauthorized,
                                              send](net::Response response) {
                if (m_stopped || generation != m_generation) return;
                genesys::RestReply reply{response.status,
                                         auth::parse_retry_after(response.retry_after, WallClock::now()),
                                         response.transport_error,
                                         response.untrusted_certificate,
                                         what,
                                         request.url,
                                         false,
                                         false,
                                         response.body_too_large};
                // Names are a nicety: without the definitions, ids are written as they are.
                if (part == Part::definitions && (response.status == 403 || response.status == 404)) {
                    response.body.clear();
                    response.status = 200;
                }
                auto step = genesys::classify_rest(reply, *backoff, jitter(), *unauthorized);
                using A = genesys::RestStep::Action;
                if (step.action == A::fail || step.action == A::new_channel)
                    return end_run(step.exit_code, step.message);
                if (step.action != A::ok) {
                    if (step.action == A::new_token) m_tokens.invalidate();
                    log::warn("{}; trying again in {}", step.message, format_duration(step.delay));
                    m_services.add_timer(m_services.now() + step.delay, [send] { (*send)(); });
                    return;
                }
                if (!take_answer(part, response)) return;
                *send = nullptr;  // breaks the cycle through its own capture
                if (--m_pending == 0) snapshot_answered();
            });
        });
    };
    (*send)();
}

bool GenesysSource::take_answer(Part part, const net::Response& response) {
    if (part == Part::queues) {
        auto groups = genesys::parse_observations_query(response.body);
        if (!groups) {
            end_run(groups.error().code, groups.error().message);
            return false;
        }
        m_presence.learn(genesys::parse_presence_mappings(response.body));
        m_snapshot_queues.insert(m_snapshot_queues.end(), groups->begin(), groups->end());
    } else if (part == Part::users) {
        auto users = genesys::parse_users(response.body);
        if (!users) {
            end_run(users.error().code, users.error().message);
            return false;
        }
        m_snapshot_agents.insert(m_snapshot_agents.end(), users->begin(), users->end());
    } else if (response.body.empty()) {
        log::warn(
            "cannot read the presence definitions (no permission presence:presenceDefinition:view?): presence ids "
            "not in the observations answer's mappings are written as they are");
    } else if (auto ids = genesys::parse_presence_definitions(response.body)) {
        m_presence.learn(*ids);
    } else {
        log::warn("{}: presence ids not in the mappings are written as they are", ids.error().message);
    }
    return true;
}

// Names the presence ids of the snapshot. True when the presence
// definitions must be read first (an id the mappings did not name, or a
// frame that carried one), which happens once per run.
bool GenesysSource::name_snapshot() {
    std::vector<std::string> unknown;
    for (auto& q : m_snapshot_queues) m_presence.name(q, unknown);
    for (auto& a : m_snapshot_agents) m_presence.name(a, unknown);
    if ((!unknown.empty() || m_definitions_wanted) && !m_definitions_asked) {
        m_definitions_asked = true;
        net::Request r;
        r.url = trimmed(m_config.api_url) + "/api/v2/presence/definitions";
        snapshot_request(std::move(r), "the presence definitions", Part::definitions);
        return true;
    }
    warn_unnamed(unknown);
    return false;
}

// A frame's presence ids named. False when it carries one the mappings did
// not name and the definitions were not read yet: the frame is dropped and
// a snapshot, which reads them, takes its place.
bool GenesysSource::name_frame(genesys::Frame& frame) {
    std::vector<std::string> unknown;
    for (auto& q : frame.queues) m_presence.name(q, unknown);
    if (frame.kind == genesys::Frame::Kind::agent_update) m_presence.name(frame.agent, unknown);
    if (unknown.empty()) return true;
    if (m_definitions_asked) {
        warn_unnamed(unknown);
        return true;
    }
    m_definitions_wanted = true;
    return false;
}

void GenesysSource::warn_unnamed(const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
        if (m_unnamed.count(id)) continue;
        if (m_unnamed.size() < k_max_warned_ids) m_unnamed.insert(id);
        log::warn(
            "presence id {} is in neither the observations answer's systemToOrganizationMappings nor the presence "
            "definitions: written as it is",
            id);
    }
}

}  // namespace rtwatch::app
