#include "rtwatch/diff/block_arena.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace rtwatch::diff {
namespace {

constexpr std::size_t k_first_chunk = 64 * 1024;
constexpr std::size_t k_huge = 2 * 1024 * 1024;

void* map(std::size_t size) {
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return p;
}

// 2 MiB aligned, so the kernel can back it with one huge page.
void* map_huge() {
    char* raw = static_cast<char*>(map(2 * k_huge));
    const auto addr = reinterpret_cast<std::uintptr_t>(raw);
    char* aligned = raw + ((k_huge - addr % k_huge) % k_huge);
    if (aligned > raw) ::munmap(raw, static_cast<std::size_t>(aligned - raw));
    char* tail = aligned + k_huge;
    if (tail < raw + 2 * k_huge) ::munmap(tail, static_cast<std::size_t>(raw + 2 * k_huge - tail));
    // Without transparent huge pages (or with them off) this fails; the
    // chunk works the same on small pages.
    (void)::madvise(aligned, k_huge, MADV_HUGEPAGE);
    return aligned;
}

}  // namespace

BlockArena::~BlockArena() {
    for (const Chunk& c : m_chunks) ::munmap(c.base, c.size);
}

void BlockArena::add_chunk() {
    // Doubling keeps a small table small; from 2 MiB on, huge pages.
    const std::size_t size = m_reserved < k_first_chunk ? k_first_chunk : m_reserved >= k_huge ? k_huge : m_reserved;
    void* base = size == k_huge ? map_huge() : map(size);
    m_chunks.push_back(Chunk{base, size});
    m_reserved += size;
    m_next = static_cast<char*>(base);
    m_end = m_next + size;
}

void* BlockArena::allocate(std::size_t bytes) {
    const std::size_t size = block_size(bytes);
    if (size > k_max_block) return ::operator new(size, std::align_val_t(k_line));
    auto& free = m_free[size / k_line];
    if (!free.empty()) {
        void* p = free.back();
        free.pop_back();
        return p;
    }
    if (static_cast<std::size_t>(m_end - m_next) < size) add_chunk();  // the rest of a chunk is < 4 KiB
    void* p = m_next;
    m_next += size;
    return p;
}

void BlockArena::release(void* block, std::size_t bytes) {
    const std::size_t size = block_size(bytes);
    if (size > k_max_block) return ::operator delete(block, std::align_val_t(k_line));
    m_free[size / k_line].push_back(block);
}

}  // namespace rtwatch::diff
