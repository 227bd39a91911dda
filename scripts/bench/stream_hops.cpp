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

namespace {

int64_t now_us() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

int64_t days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return int64_t(era) * 146097 + int64_t(doe) - 719468;
}

int num(const char* p, int n) {
    int v = 0;
    for (int i = 0; i < n; ++i) v = v * 10 + (p[i] - '0');
    return v;
}

// "2026-12-02T15:23:52.528Z" -> microseconds since the epoch; -1 if not that shape.
int64_t parse_ts_us(std::string_view s) {
    if (s.size() < 24 || s[4] != '-' || s[10] != 'T' || s[19] != '.' || s[23] != 'Z') return -1;
    const int64_t day = days_from_civil(num(s.data(), 4), num(s.data() + 5, 2), num(s.data() + 8, 2));
    const int64_t sec = num(s.data() + 11, 2) * 3600 + num(s.data() + 14, 2) * 60 + num(s.data() + 17, 2);
    return day * 86400000000LL + sec * 1000000 + num(s.data() + 20, 3) * 1000;
}

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
