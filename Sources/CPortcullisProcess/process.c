#define _GNU_SOURCE
#include "portcullis_process.h"
#if defined(__linux__)
// Also what defines __GLIBC__ below, when the C library is glibc.
#include <malloc.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <stdint.h>
#include <unistd.h>
#endif

#if defined(__GLIBC__)
/// The address space glibc reserves for each heap of a thread's arena (HEAP_MAX_SIZE on a
/// 64-bit system), aligned to its size, so that the heap a block lies in is found by masking.
static const uintptr_t thread_heap = 64 * 1024 * 1024;
/// Set once the heaps are taken ahead; under a limit (see below) heaps are left as glibc makes them.
static int heaps_taken_ahead;
#endif

int portcullis_allocate_ahead(void) {
#if defined(__GLIBC__)
    // Under a limit on address space or data, the heap taken ahead would use up what the
    // limit leaves, and a small command would run out where it ran before.
    struct rlimit address_space, data;
    if (getrlimit(RLIMIT_AS, &address_space) != 0 || address_space.rlim_cur != RLIM_INFINITY) return 0;
    if (getrlimit(RLIMIT_DATA, &data) != 0 || data.rlim_cur != RLIM_INFINITY) return 0;
    // Setting either stops glibc from moving the mapping threshold as blocks are freed, so
    // it is set as well: fixed at its default of 128 KiB, every larger block would be a
    // fresh mapping whose pages fault in anew.
    int threshold = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    int pad = mallopt(M_TOP_PAD, 64 * 1024 * 1024);
    if (threshold != 1 || pad != 1) return 0;
    heaps_taken_ahead = 1;
    // The main heap is grown now, by a block just larger than its free top (kept from being
    // optimised away, and given back at once; the heap keeps its pad), so that the memory
    // it will hand out exists to be advised. Nothing is written to it.
    uintptr_t before = (uintptr_t)sbrk(0);
    void *block = malloc(mallinfo2().keepcost + 4096);
    __asm__ volatile("" : : "r"(block) : "memory");
    free(block);
    uintptr_t after = (uintptr_t)sbrk(0);
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    before &= ~(page - 1);
    if (after > before) madvise((void *)before, after - before, MADV_HUGEPAGE);
    return 1;
#else
    return 0;
#endif
}

void portcullis_advise_thread_heap(void) {
#if defined(__GLIBC__)
    static __thread int advised;
    if (advised || !heaps_taken_ahead) return;
    advised = 1;
    void *probe = malloc(1);
    if (!probe) return;
    uintptr_t address = (uintptr_t)probe;
    free(probe);
    // A block below the break is the main heap's, advised already.
    if (address < (uintptr_t)sbrk(0)) return;
    uintptr_t heap = address & ~(thread_heap - 1);
    madvise((void *)heap, thread_heap, MADV_HUGEPAGE);
#endif
}

int portcullis_current_cpu(void) {
#if defined(__GLIBC__)
    return sched_getcpu();
#else
    return -1;
#endif
}

int portcullis_usable_cpus(void) {
#if defined(__GLIBC__)
    cpu_set_t mask;
    return sched_getaffinity(0, sizeof mask, &mask) == 0 ? CPU_COUNT(&mask) : 0;
#else
    return 0;
#endif
}

int portcullis_leave_cpu(int cpu) {
#if defined(__GLIBC__)
    cpu_set_t original;
    if (cpu < 0 || cpu >= CPU_SETSIZE || sched_getaffinity(0, sizeof original, &original) != 0) return 0;
    if (!CPU_ISSET(cpu, &original) || CPU_COUNT(&original) < 2) return 0;
    cpu_set_t others = original;
    CPU_CLR(cpu, &others);
    if (sched_setaffinity(0, sizeof others, &others) != 0) return 0;
    // Given back at once: the thread stays where it was moved until the scheduler has a
    // reason to move it, and may run anywhere it could before.
    return sched_setaffinity(0, sizeof original, &original) == 0;
#else
    (void)cpu;
    return 0;
#endif
}
