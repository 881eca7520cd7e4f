#ifndef PORTCULLIS_HEAP_PAGES_H
#define PORTCULLIS_HEAP_PAGES_H

/// Lets glibc's heaps use transparent huge pages (2 MiB) where the kernel allows them for
/// memory that asks (`madvise` mode): the main heap is grown ahead by 64 MiB and advised,
/// threads' heaps are made whole when they are created and advised by
/// `portcullis_heap_pages_thread`. Elsewhere (not glibc on Linux) it does nothing.
void portcullis_heap_pages_enable(void);

/// Once `portcullis_heap_pages_enable` was called, advises the memory that holds the
/// calling thread's heap, the first time a thread calls it; otherwise does nothing.
/// Returns 1 when this call advised a mapping, 0 otherwise.
int portcullis_heap_pages_thread(void);

#endif
