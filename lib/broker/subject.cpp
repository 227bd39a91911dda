// Subjects and names of a tenant: every token of a NATS subject must be
// free of '.', '*', '>' and whitespace, and stream names of more.
#include <fmt/format.h>

#include "rtwatch/broker/client.hpp"

namespace rtwatch::broker {

namespace {

bool plain(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace

std::string record_subject(const std::string& tenant, std::string_view kind, std::string_view id) {
    std::string s = fmt::format("rtwatch.{}.{}.", tenant, kind);
    for (unsigned char c : id) {
        if (plain(c) || c == ':' || c == '@' || c == '+' || c == '=')
            s.push_back(static_cast<char>(c));
        else
            s += fmt::format("%{:02X}", c);
    }
    if (id.empty()) s += "%";  // an empty token is not a subject
    return s;
}

std::string status_subject(const std::string& tenant) { return fmt::format("rtwatch.{}.status.upstream", tenant); }
std::string stream_name(const std::string& tenant) { return "rtwatch_" + tenant; }
std::string bucket_name(const std::string& tenant) { return "rtwatch_lease_" + tenant; }

std::string tenant_problem(const std::string& tenant) {
    if (tenant.empty()) return "is empty";
    if (tenant.size() > 64) return "is longer than 64 characters";
    for (unsigned char c : tenant)
        if (!plain(c)) return "may hold only letters, digits, '_' and '-'";
    return "";
}

}  // namespace rtwatch::broker
