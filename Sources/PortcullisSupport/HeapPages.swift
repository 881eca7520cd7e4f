import CPortcullisHeap

/// Huge pages for a short run that keeps most of what it allocates until it exits.
///
/// A lint of 20,000 routes touches some 40 MB of fresh heap, and on Linux the kernel
/// faulted it in 4 KiB at a time: 10,000 page faults, a tenth of the lint's CPU time.
/// Advised, the same memory comes in 2 MiB pages (about 1,400 faults in all), where the
/// kernel allows huge pages for memory that asks (`madvise` mode, the common default).
/// Builds are not advised: they free and reuse large buffers, and measured slower so.
public enum HeapPages {
    /// Grows the main heap ahead and advises it; from then on, each thread that runs
    /// parallel work advises its own heap the first time (``adviseThisThread()``).
    public static func useHugePages() {
        portcullis_heap_pages_enable()
    }

    /// Advises the calling thread's heap, once per thread, after ``useHugePages()``;
    /// returns whether this call did. ``ParallelMap`` calls it for each work item.
    @discardableResult
    public static func adviseThisThread() -> Bool {
        portcullis_heap_pages_thread() == 1
    }
}
