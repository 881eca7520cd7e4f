#include "portcullis_kernel_fs.h"
#if defined(__linux__)
#include <linux/magic.h>
#include <sys/vfs.h>
#endif

int portcullis_is_kernel_file_system(int descriptor) {
#if defined(__linux__)
    struct statfs info;
    if (fstatfs(descriptor, &info) != 0) return -1;
    switch (info.f_type) {
    case PROC_SUPER_MAGIC:
    case SYSFS_MAGIC:
    case DEBUGFS_MAGIC:
    case TRACEFS_MAGIC:
    case SECURITYFS_MAGIC:
        return 1;
    default:
        return 0;
    }
#else
    (void)descriptor;
    return 0;
#endif
}
