#ifndef PORTCULLIS_ALLOCATOR_H
#define PORTCULLIS_ALLOCATOR_H

/// Asks glibc's allocator to take memory from the kernel in large steps: each heap grows
/// 64 MiB ahead of what it hands out, and blocks up to 32 MiB come from the heaps rather
/// than mappings of their own. A lint of 20,000 routes otherwise grew a working thread's
/// heap page by page, one `mprotect` call at a time (about 2,200 calls, a fifth of the
/// kernel's share of the run). Only address space is reserved ahead: a page costs memory
/// when it is first written, as before. Call it before any thread starts; it does nothing
/// where the C library is not glibc. Returns 1 when both settings took, 0 otherwise.
int portcullis_allocate_ahead(void);

#endif
