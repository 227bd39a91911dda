// The (kind, id) key lives in core, shared with levels and top; the diff
// layer's names stay for its users.
#pragma once

#include "rtwatch/core/resource_key.hpp"

namespace rtwatch::diff {

using rtwatch::key_of;
using rtwatch::ResourceKey;
using rtwatch::ResourceKeyEqual;
using rtwatch::ResourceKeyHash;
using rtwatch::ResourceKeyView;

}  // namespace rtwatch::diff
