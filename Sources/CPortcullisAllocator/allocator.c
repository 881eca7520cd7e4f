#include "portcullis_allocator.h"
#if defined(__linux__)
// Also what defines __GLIBC__ below, when the C library is glibc.
#include <malloc.h>
#endif

int portcullis_allocate_ahead(void) {
#if defined(__GLIBC__)
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
