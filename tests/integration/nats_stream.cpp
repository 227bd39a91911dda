#include "nats_stream.hpp"

#include <nats/nats.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace rtwatch::test {

namespace {

void check(natsStatus s, const char* what) {
    if (s != NATS_OK) throw std::runtime_error(std::string(what) + ": " + natsStatus_GetText(s));
}

}  // namespace

std::vector<StoredMessage> stream_messages(const std::string& url, const std::string& stream) {
    natsConnection* raw_conn = nullptr;
    check(natsConnection_ConnectTo(&raw_conn, url.c_str()), "connect");
    std::unique_ptr<natsConnection, void (*)(natsConnection*)> conn(raw_conn, natsConnection_Destroy);
    jsCtx* raw_js = nullptr;
    check(natsConnection_JetStream(&raw_js, conn.get(), nullptr), "JetStream");
    std::unique_ptr<jsCtx, void (*)(jsCtx*)> js(raw_js, jsCtx_Destroy);
    jsStreamInfo* si = nullptr;
    jsErrCode err = static_cast<jsErrCode>(0);
    check(js_GetStreamInfo(&si, js.get(), stream.c_str(), nullptr, &err), "stream info");
    std::uint64_t first = si->State.FirstSeq, last = si->State.LastSeq;
    jsStreamInfo_Destroy(si);

    std::vector<StoredMessage> out;
    for (std::uint64_t seq = first; seq <= last && seq > 0; ++seq) {
        natsMsg* msg = nullptr;
        natsStatus s = js_GetMsg(&msg, js.get(), stream.c_str(), seq, nullptr, &err);
        if (s == NATS_NOT_FOUND || err == JSNoMessageFoundErr) continue;  // removed by the per-subject limit
        check(s, "get message");
        StoredMessage m;
        m.seq = seq;
        const char* term = nullptr;
        if (natsMsgHeader_Get(msg, "Rtwatch-Lease", &term) == NATS_OK && term)
            m.term = std::strtoull(term, nullptr, 10);
        m.subject = natsMsg_GetSubject(msg);
        m.data.assign(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
        natsMsg_Destroy(msg);
        out.push_back(std::move(m));
    }
    return out;
}

}  // namespace rtwatch::test
