#ifndef PORTCULLIS_PROCESS_H
#define PORTCULLIS_PROCESS_H

/// Asks glibc's allocator to take memory from the kernel in large steps: each heap grows
/// 64 MiB ahead of what it hands out, and blocks up to 32 MiB come from the heaps rather
/// than mappings of their own. A lint of 20,000 routes otherwise grew a working thread's
/// heap page by page, one `mprotect` call at a time (about 2,200 calls, a fifth of the
/// kernel's share of the run). A page still costs memory only when it is first written;
/// what is taken ahead is address space (a run needs up to 64 MiB more of it) and, where
/// the kernel does not overcommit, commit charge, which refused makes a thread share the
/// main heap. Under a limit on address space or data (`ulimit -v`, `ulimit -d`) it changes
/// nothing, so a command needs no more than it did. Call it before any thread starts; it
/// does nothing where the C library is not glibc. Returns 1 when both settings took, 0
/// otherwise.
int portcullis_allocate_ahead(void);

/// The CPU the calling thread runs on, or -1 where the system cannot say.
int portcullis_current_cpu(void);

/// How many CPUs the calling thread may run on (its affinity, which `taskset` and cpusets
/// narrow), or 0 where the system cannot say.
int portcullis_usable_cpus(void);

/// Moves the calling thread off `cpu` and leaves it free to run anywhere again, as it was:
/// its affinity is narrowed to the other CPUs it may use, which migrates it, then given
/// back. A hint, not a pin. Returns 1 when the thread was kept off `cpu` (moved, or already
/// elsewhere) and its CPUs given back, 0 otherwise (one CPU only, `cpu` not among its CPUs,
/// or a system without affinity).
int portcullis_leave_cpu(int cpu);

#endif
