// Memory for the resource table's entries: cache-line-aligned blocks cut
// from chunks that double up to 2 MiB, the big ones backed by huge pages
// where the kernel allows (madvise): at 50,000 resources every event's
// lookup lands on a random block, and 4 KiB pages would cost a TLB miss on
// most of them. A released block is kept for the next of its size.
#pragma once

#include <cstddef>
#include <vector>

namespace rtwatch::diff {

class BlockArena {
public:
    static constexpr std::size_t k_line = 64;
    // Blocks above this come from operator new, sized exactly.
    static constexpr std::size_t k_max_block = 4096;

    BlockArena() = default;
    BlockArena(const BlockArena&) = delete;
    BlockArena& operator=(const BlockArena&) = delete;
    ~BlockArena();

    // What allocate(bytes) really gives: bytes rounded up to whole lines,
    // or exactly `bytes` for a block above k_max_block.
    static std::size_t block_size(std::size_t bytes) {
        return bytes > k_max_block ? bytes : (bytes + k_line - 1) / k_line * k_line;
    }
    // A block of block_size(bytes) bytes, aligned to a cache line.
    void* allocate(std::size_t bytes);
    // `bytes` as given to allocate() (or its block_size()).
    void release(void* block, std::size_t bytes);
    // Bytes mapped in chunks (blocks above k_max_block are on the heap).
    std::size_t reserved() const { return m_reserved; }

private:
    struct Chunk {
        void* base;
        std::size_t size;
    };
    void add_chunk();

    std::vector<Chunk> m_chunks;
    char* m_next = nullptr;
    char* m_end = nullptr;
    std::size_t m_reserved = 0;                           // bytes in chunks
    std::vector<void*> m_free[k_max_block / k_line + 1];  // by size in lines
};

}  // namespace rtwatch::diff
