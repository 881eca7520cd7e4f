#ifndef PORTCULLIS_KERNEL_FS_H
#define PORTCULLIS_KERNEL_FS_H

/// Whether an open file lives on one of Linux's kernel file systems (procfs, sysfs,
/// debugfs, tracefs, securityfs), whose files look regular but expose the process and
/// the machine. Returns 1 if so, 0 if not, -1 with errno set when the system cannot say.
int portcullis_is_kernel_file_system(int descriptor);

#endif
