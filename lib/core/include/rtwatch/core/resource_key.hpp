// (kind, id) as a hash-map key with heterogeneous lookup: a record's id can
// be looked up as a string_view, without building a std::string per event.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "rtwatch/core/record.hpp"

namespace rtwatch {

struct ResourceKeyView {
    ResourceKind kind;
    std::string_view id;
};

struct ResourceKey {
    ResourceKind kind;
    std::string id;

    explicit ResourceKey(ResourceKeyView v) : kind(v.kind), id(v.id) {}
    operator ResourceKeyView() const { return {kind, id}; }
};

struct ResourceKeyHash {
    using is_transparent = void;
    std::size_t operator()(ResourceKeyView k) const {
        return std::hash<std::string_view>{}(k.id) ^ (static_cast<std::size_t>(k.kind) * 0x9E3779B97F4A7C15ull);
    }
    std::size_t operator()(const ResourceKey& k) const { return (*this)(ResourceKeyView(k)); }
};

struct ResourceKeyEqual {
    using is_transparent = void;
    bool operator()(ResourceKeyView a, ResourceKeyView b) const { return a.kind == b.kind && a.id == b.id; }
};

inline ResourceKeyView key_of(const Record& record) { return {record.kind, record.id}; }

}  // namespace rtwatch
