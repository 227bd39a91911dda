// Every message a tenant's stream still holds, read straight from the
// broker with the nats C client (by sequence): the tests' view of what
// the holders published, independent of rtwatch's reader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rtwatch::test {

struct StoredMessage {
    std::uint64_t seq = 0;
    std::uint64_t term = 0;  // the Rtwatch-Lease header (0 if none)
    std::string subject;
    std::string data;
};

// In sequence order; throws std::runtime_error when the broker or the stream
// cannot be read.
std::vector<StoredMessage> stream_messages(const std::string& url, const std::string& stream);

}  // namespace rtwatch::test
