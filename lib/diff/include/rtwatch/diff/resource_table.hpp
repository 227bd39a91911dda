// A flat open-addressing hash table keyed by (kind, id), for the lookup the
// diff stage does on every event: one probe array of (hash, index) pairs and
// the entries in insertion order, so a hit costs a short hash of the id, a
// hash compare and one memcmp, with no node to chase.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "rtwatch/diff/resource_key.hpp"

namespace rtwatch::diff {

// 64-bit hash of a key: ids are short, so 8 bytes at a time with a
// multiply-xorshift mix, and a final avalanche so the low bits index well.
inline std::uint64_t hash_key(ResourceKeyView key) {
    constexpr std::uint64_t k = 0x9E3779B97F4A7C15ull;
    std::uint64_t h = (key.id.size() + 1) * k ^ (static_cast<std::uint64_t>(key.kind) + 1);
    const char* p = key.id.data();
    std::size_t n = key.id.size();
    for (; n >= 8; p += 8, n -= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    if (n) {
        // The tail in whole loads (a short memcpy into a zeroed word would
        // go through memory and stall the load that follows it): the last
        // 8 bytes, overlapping what was hashed, or two 4-byte halves.
        std::uint64_t w;
        const std::size_t size = key.id.size();
        if (size >= 8) {
            std::memcpy(&w, key.id.data() + size - 8, 8);
        } else if (n >= 4) {
            std::uint32_t lo, hi;
            std::memcpy(&lo, p, 4);
            std::memcpy(&hi, p + n - 4, 4);
            w = lo | static_cast<std::uint64_t>(hi) << 32;
        } else {
            w = static_cast<unsigned char>(p[0]) | static_cast<std::uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 |
                static_cast<std::uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16;
        }
        h = (h ^ w) * k;
    }
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ull;
    return h ^ (h >> 32);
}

template <class Value>
class ResourceTable {
public:
    struct Entry {
        ResourceKind kind;
        std::string id;
        Value value;
    };

    // Pointers stay valid until the next add().
    const Value* find(ResourceKeyView key) const {
        if (m_entries.empty()) return nullptr;
        const std::uint64_t h = hash_key(key);
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t i = h & mask;; i = (i + 1) & mask) {
            const Slot& s = m_slots[i];
            if (s.index == 0) return nullptr;
            const Entry& e = m_entries[s.index - 1];
            if (s.hash == h && e.kind == key.kind && e.id == key.id) return &e.value;
        }
    }
    Value* find(ResourceKeyView key) {
        return const_cast<Value*>(static_cast<const ResourceTable&>(*this).find(key));
    }

    // The value for `key`, default-constructed if new.
    Value& find_or_add(ResourceKeyView key) {
        if (Value* v = find(key)) return *v;
        if ((m_entries.size() + 1) * 2 > m_slots.size()) grow();
        m_entries.push_back(Entry{key.kind, std::string(key.id), Value{}});
        place(hash_key(key), static_cast<std::uint32_t>(m_entries.size()));
        return m_entries.back().value;
    }

    std::size_t size() const { return m_entries.size(); }
    // Entries in the order they were added.
    const Entry& entry(std::size_t i) const { return m_entries[i]; }

private:
    struct Slot {
        std::uint64_t hash = 0;
        std::uint32_t index = 0;  // entry index + 1; 0 = empty
    };

    void place(std::uint64_t h, std::uint32_t index) {
        const std::size_t mask = m_slots.size() - 1;
        std::size_t i = h & mask;
        while (m_slots[i].index != 0) i = (i + 1) & mask;
        m_slots[i] = Slot{h, index};
    }

    // Load factor at most 1/2 keeps probe runs short.
    void grow() {
        m_slots.assign(m_slots.empty() ? 64 : m_slots.size() * 2, Slot{});
        for (std::size_t i = 0; i < m_entries.size(); ++i)
            place(hash_key({m_entries[i].kind, m_entries[i].id}), static_cast<std::uint32_t>(i + 1));
    }

    std::vector<Slot> m_slots;
    std::vector<Entry> m_entries;
};

}  // namespace rtwatch::diff
