// The cluster benchmark's view of the broker: reads the tenant's stream
// live for a while and splits each record's way to the broker in two, from
// the times the message carries: upstream -> holder (the holder's "ts", when
// it read the event, minus "source_ts", the simulator's send time) and
// holder -> broker (the broker's stored time minus the holder's "ts"); and
// broker -> a reader (this reader's receive time minus the stored time).
//
// usage: bench-stream-hops NATS_URL STREAM WARMUP_S SECONDS
// stdout: one JSON line of p50/p99 ms per hop over SECONDS after WARMUP_S.
#include <nats/nats.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "utc_ts.hpp"

namespace {

using bench::now_us;
using bench::parse_ts_us;

int64_t field_us(std::string_view data, std::string_view key) {
    const size_t at = data.find(key);
    return at == std::string_view::npos ? -1 : parse_ts_us(data.substr(at + key.size()));
}

struct Samples {
    std::vector<int64_t> upstream_holder, holder_broker, broker_reader;
};

std::mutex g_mutex;
Samples g_samples;
bool g_sampling = false;

double p_ms(std::vector<int64_t> v, double q) {
    if (v.empty()) return -1;
    std::sort(v.begin(), v.end());
    return double(v[size_t(q * double(v.size() - 1))]) / 1000.0;
}

void on_message(natsConnection*, natsSubscription*, natsMsg* msg, void*) {
    const int64_t read = now_us();
    jsMsgMetaData* meta = nullptr;
    int64_t stored = -1;
    if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
        stored = meta->Timestamp / 1000;
        jsMsgMetaData_Destroy(meta);
    }
    const std::string_view data(natsMsg_GetData(msg), size_t(natsMsg_GetDataLength(msg)));
    const int64_t source = field_us(data, "\"source_ts\":\""), holder = field_us(data, "\"ts\":\"");
    natsMsg_Destroy(msg);
    std::lock_guard lock(g_mutex);
    if (!g_sampling || stored < 0 || source < 0 || holder < 0) return;
    g_samples.upstream_holder.push_back(holder - source);
    g_samples.holder_broker.push_back(stored - holder);
    g_samples.broker_reader.push_back(read - stored);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: bench-stream-hops NATS_URL STREAM WARMUP_S SECONDS\n");
        return 2;
    }
    natsConnection* conn = nullptr;
    jsCtx* js = nullptr;
    natsSubscription* sub = nullptr;
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = argv[2];
    so.Ordered = true;
    so.Config.DeliverPolicy = js_DeliverNew;
    jsErrCode err = static_cast<jsErrCode>(0);
    natsStatus s = natsConnection_ConnectTo(&conn, argv[1]);
    if (s == NATS_OK) s = natsConnection_JetStream(&js, conn, nullptr);
    if (s == NATS_OK) s = js_Subscribe(&sub, js, ">", on_message, nullptr, nullptr, &so, &err);
    if (s != NATS_OK) {
        std::fprintf(stderr, "bench-stream-hops: %s\n", natsStatus_GetText(s));
        return 1;
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(std::atof(argv[3])));
    {
        std::lock_guard lock(g_mutex);
        g_sampling = true;
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(std::atof(argv[4])));
    Samples taken;
    {
        std::lock_guard lock(g_mutex);
        g_sampling = false;
        taken = g_samples;
    }
    std::printf(
        "{\"messages\":%zu,\"upstream_holder_p50_ms\":%.2f,\"upstream_holder_p99_ms\":%.2f,"
        "\"holder_broker_p50_ms\":%.2f,\"holder_broker_p99_ms\":%.2f,"
        "\"broker_reader_p50_ms\":%.2f,\"broker_reader_p99_ms\":%.2f}\n",
        taken.upstream_holder.size(), p_ms(taken.upstream_holder, 0.5), p_ms(taken.upstream_holder, 0.99),
        p_ms(taken.holder_broker, 0.5), p_ms(taken.holder_broker, 0.99), p_ms(taken.broker_reader, 0.5),
        p_ms(taken.broker_reader, 0.99));
    std::fflush(stdout);
    natsSubscription_Destroy(sub);
    jsCtx_Destroy(js);
    natsConnection_Destroy(conn);
    return 0;
}
