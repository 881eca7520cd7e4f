#ifndef PORTCULLIS_EXCHANGE_H
#define PORTCULLIS_EXCHANGE_H

/// Atomically swaps two paths (Linux renameat2 RENAME_EXCHANGE, macOS renamex_np RENAME_SWAP).
/// Returns 0 on success; -1 with errno set otherwise (ENOSYS where the system has no such call).
int portcullis_exchange(const char *first, const char *second);

#endif
