// BlockArena: line-aligned blocks of whole lines, a released block reused
// for the next of its size, big blocks apart, and enough for a big table.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <set>
#include <vector>

#include "rtwatch/diff/block_arena.hpp"

using rtwatch::diff::BlockArena;

namespace {
bool line_aligned(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % BlockArena::k_line == 0; }
}  // namespace

TEST_CASE("block arena: sizes round up to whole lines, up to the largest arena block", "[diff]") {
    CHECK(BlockArena::block_size(1) == 64);
    CHECK(BlockArena::block_size(64) == 64);
    CHECK(BlockArena::block_size(65) == 128);
    CHECK(BlockArena::block_size(BlockArena::k_max_block) == BlockArena::k_max_block);
    CHECK(BlockArena::block_size(BlockArena::k_max_block + 1) == BlockArena::k_max_block + 1);  // exact, from the heap
}

TEST_CASE("block arena: blocks are aligned, apart, writable, and reused once released", "[diff]") {
    BlockArena arena;
    std::vector<char*> blocks;
    std::set<char*> seen;
    for (std::size_t i = 0; i < 20'000; ++i) {  // past several chunks, into 2 MiB ones
        const std::size_t bytes = 40 + i % 300;
        auto* p = static_cast<char*>(arena.allocate(bytes));
        REQUIRE(line_aligned(p));
        std::memset(p, static_cast<int>(i), BlockArena::block_size(bytes));
        CHECK(seen.insert(p).second);
        blocks.push_back(p);
    }
    for (std::size_t i = 0; i < blocks.size(); ++i)  // nothing overlapped
        CHECK(static_cast<unsigned char>(blocks[i][BlockArena::block_size(40 + i % 300) - 1]) ==
              static_cast<unsigned char>(i));
    arena.release(blocks[7], 47);
    CHECK(arena.allocate(64) == blocks[7]);  // same size class: the released block
    CHECK(arena.allocate(64) != blocks[7]);

    void* big = arena.allocate(100'000);
    CHECK(line_aligned(big));
    std::memset(big, 1, 100'000);
    arena.release(big, 100'000);  // back to the heap (ASan checks the pairing)
}
