// A flat open-addressing hash table keyed by (kind, id), for the lookup the
// diff stage does on every event. Each resource is one cache-line-aligned
// block (BlockArena): a small header, the id, then the caller's bytes; the
// probe array holds (hash, block) pairs. A hit is two loads deep (the slot,
// then the block, whose id and first bytes share its first lines), which is
// what bounds the cost per event once the resources outgrow the caches;
// prefetch_slot() and prefetch_entry() start both ahead of time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "rtwatch/diff/block_arena.hpp"
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
            w = static_cast<unsigned char>(p[0]) |
                static_cast<std::uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 |
                static_cast<std::uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16;
        }
        h = (h ^ w) * k;
    }
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ull;
    return h ^ (h >> 32);
}

// `Header` is a small trivially copyable struct kept with each entry.
template <class Header>
class ResourceTable {
public:
    class Entry {
    public:
        Header header{};
        ResourceKind kind{};
        std::string_view id() const { return {data(), m_id_size}; }
        // What assign() last stored.
        std::string_view bytes() const { return {data() + m_id_size, m_size}; }

    private:
        friend class ResourceTable;
        const char* data() const { return reinterpret_cast<const char*>(this + 1); }
        char* data() { return reinterpret_cast<char*>(this + 1); }
        std::uint32_t m_order = 0;  // index in insertion order
        std::uint32_t m_id_size = 0;
        std::uint32_t m_size = 0;      // bytes after the id
        std::uint32_t m_capacity = 0;  // room after the id
    };

    ResourceTable() = default;
    ResourceTable(const ResourceTable&) = delete;
    ResourceTable& operator=(const ResourceTable&) = delete;
    ~ResourceTable() {
        for (Entry* e : m_order)
            if (block_bytes(*e) > BlockArena::k_max_block) release(e);  // the arena frees the rest at once
    }

    // Valid until the next assign().
    const Entry* find(ResourceKeyView key) const {
        if (m_slots.empty()) return nullptr;
        const std::uint64_t h = hash_key(key);
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t i = h & mask;; i = (i + 1) & mask) {
            const Slot& s = m_slots[i];
            if (!s.entry) return nullptr;
            if (s.hash == h && matches(*s.entry, key)) return s.entry;
        }
    }

    // Starts loading what find() of a key with hash `h` will read: its slot,
    // then, once the slot has had time to arrive (prefetch_entry() reads
    // it), the entry's first lines. Done a few keys ahead of the finds, the
    // misses overlap instead of following one another.
    void prefetch_slot(std::uint64_t h) const {
        if (!m_slots.empty()) __builtin_prefetch(&m_slots[h & (m_slots.size() - 1)]);
    }
    void prefetch_entry(std::uint64_t h) const {
        if (m_slots.empty()) return;
        // The home slot only: a key further along its probe run is rare at
        // this load factor, and prefetching another key's entry is harmless.
        const char* p = reinterpret_cast<const char*>(m_slots[h & (m_slots.size() - 1)].entry);
        if (!p) return;
        __builtin_prefetch(p);
        __builtin_prefetch(p + BlockArena::k_line);
        __builtin_prefetch(p + 2 * BlockArena::k_line);
    }

    // Stores `bytes` as the entry of `key` (added if new, its header
    // value-initialized) and returns it. Its room is reused when big enough,
    // else the block is replaced by one of the exact size.
    Entry& assign(ResourceKeyView key, std::string_view bytes) {
        const std::uint64_t h = hash_key(key);
        if ((m_order.size() + 1) * 2 > m_slots.size()) grow();
        Slot& slot = slot_for(key, h);
        Entry* e = slot.entry;
        if (e && e->m_capacity >= bytes.size()) {
            store(*e, bytes);
            return *e;
        }
        Entry* fresh = allocate(key, bytes.size());
        if (e) {
            fresh->header = e->header;
            fresh->m_order = e->m_order;
            m_order[e->m_order] = fresh;
            release(e);
        } else {
            fresh->m_order = static_cast<std::uint32_t>(m_order.size());
            m_order.push_back(fresh);
        }
        slot = Slot{h, fresh};
        store(*fresh, bytes);
        return *fresh;
    }

    std::size_t size() const { return m_order.size(); }
    // Bytes the arena has mapped: memory the heap's own counters never see.
    std::size_t arena_bytes() const { return m_arena.reserved(); }
    // Entries in the order they were added.
    const Entry& entry(std::size_t i) const { return *m_order[i]; }

private:
    struct Slot {
        std::uint64_t hash = 0;
        Entry* entry = nullptr;  // null: empty
    };
    static_assert(alignof(Header) <= BlockArena::k_line);

    static bool matches(const Entry& e, ResourceKeyView key) {
        return e.kind == key.kind && e.m_id_size == key.id.size() &&
               std::memcmp(e.data(), key.id.data(), key.id.size()) == 0;
    }

    // The slot holding `key`, or the empty one where it goes.
    Slot& slot_for(ResourceKeyView key, std::uint64_t h) {
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t i = h & mask;; i = (i + 1) & mask) {
            Slot& s = m_slots[i];
            if (!s.entry || (s.hash == h && matches(*s.entry, key))) return s;
        }
    }

    // Room is rounded up to the arena's cache lines: the entry starts a
    // line, so prefetch_entry()'s three lines hold its head, id and first
    // bytes, and a slightly longer text later still fits in place.
    Entry* allocate(ResourceKeyView key, std::size_t capacity) {
        const std::size_t bytes = sizeof(Entry) + key.id.size() + capacity;
        Entry* e = new (m_arena.allocate(bytes)) Entry();
        e->kind = key.kind;
        e->m_id_size = static_cast<std::uint32_t>(key.id.size());
        e->m_capacity = static_cast<std::uint32_t>(BlockArena::block_size(bytes) - sizeof(Entry) - key.id.size());
        std::memcpy(e->data(), key.id.data(), key.id.size());
        return e;
    }
    static std::size_t block_bytes(const Entry& e) { return sizeof(Entry) + e.m_id_size + e.m_capacity; }
    void release(Entry* e) {
        const std::size_t bytes = block_bytes(*e);
        e->~Entry();
        m_arena.release(e, bytes);
    }
    static void store(Entry& e, std::string_view bytes) {
        if (!bytes.empty()) std::memmove(e.data() + e.m_id_size, bytes.data(), bytes.size());
        e.m_size = static_cast<std::uint32_t>(bytes.size());
    }

    // Load factor at most 1/2 keeps probe runs short. The slots keep each
    // key's hash, so growing re-places them without hashing an id again.
    void grow() {
        std::vector<Slot> old(m_slots.empty() ? 64 : m_slots.size() * 2);
        old.swap(m_slots);
        const std::size_t mask = m_slots.size() - 1;
        for (const Slot& s : old) {
            if (!s.entry) continue;
            std::size_t i = s.hash & mask;
            while (m_slots[i].entry) i = (i + 1) & mask;
            m_slots[i] = s;
        }
    }

    BlockArena m_arena;
    std::vector<Slot> m_slots;
    std::vector<Entry*> m_order;
};

}  // namespace rtwatch::diff
