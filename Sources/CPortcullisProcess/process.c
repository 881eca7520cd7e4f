#define _GNU_SOURCE
#include "portcullis_process.h"
#if defined(__linux__)
// Also what defines __GLIBC__ below, when the C library is glibc.
#include <malloc.h>
#include <sched.h>
#include <sys/resource.h>
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
    return threshold == 1 && pad == 1;
#else
    return 0;
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
