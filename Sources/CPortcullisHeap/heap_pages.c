#define _GNU_SOURCE
#include "portcullis_heap_pages.h"
// Included before the test below: it is what defines __GLIBC__.
#include <stdlib.h>

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/// glibc's largest heap for a thread's arena; as the pad, it makes such heaps whole at
/// creation, so that one mapping holds each and can be advised once.
static const size_t pad = 64u << 20;
static atomic_int enabled;
static __thread int thread_advised;

/// Advises the anonymous read-write mapping that holds `address` (a heap: glibc's main
/// heap, "[heap]", or a thread arena's nameless mapping); any other mapping is left alone.
static int advise_mapping_holding(uintptr_t address) {
    FILE *maps = fopen("/proc/self/maps", "re");
    if (!maps) return 0;
    char *line = NULL;
    size_t capacity = 0;
    int advised = 0;
    while (getline(&line, &capacity, maps) > 0) {
        unsigned long start, end, inode;
        char permissions[5];
        int name = 0;
        if (sscanf(line, "%lx-%lx %4s %*s %*s %lu %n", &start, &end, permissions, &inode, &name) < 4 || name == 0) continue;
        if (address < start || address >= end) continue;
        const char *rest = line + name;
        int anonymous = inode == 0 && (rest[0] == '\n' || rest[0] == '\0' || strncmp(rest, "[heap]\n", 7) == 0);
        if (anonymous && permissions[0] == 'r' && permissions[1] == 'w') {
            advised = madvise((void *)start, end - start, MADV_HUGEPAGE) == 0;
        }
        break;
    }
    free(line);
    fclose(maps);
    return advised;
}

void portcullis_heap_pages_enable(void) {
    if (mallopt(M_TOP_PAD, (int)pad) != 1) return;
    // Small blocks are taken until the heap grows (by the pad, now) and given back: the
    // heap keeps the pad, and the mapping that holds it is advised whole. Growth past it
    // is a new mapping, not advised.
    void *before = sbrk(0);
    void *blocks[64];
    int count = 0;
    while (count < 64 && sbrk(0) == before) {
        void *block = malloc(32u << 10);
        if (!block) break;
        blocks[count++] = block;
    }
    for (int index = 0; index < count; index++) free(blocks[index]);
    void *end = sbrk(0);
    if (end != (void *)-1) advise_mapping_holding((uintptr_t)end - 1);
    atomic_store_explicit(&enabled, 1, memory_order_release);
}

int portcullis_heap_pages_thread(void) {
    if (thread_advised || !atomic_load_explicit(&enabled, memory_order_acquire)) return 0;
    thread_advised = 1;
    // A block above the per-thread cache's sizes comes from the thread's own heap.
    void *probe = malloc(64u << 10);
    if (!probe) return 0;
    int advised = advise_mapping_holding((uintptr_t)probe);
    free(probe);
    return advised;
}

#else

void portcullis_heap_pages_enable(void) {}
int portcullis_heap_pages_thread(void) { return 0; }

#endif
