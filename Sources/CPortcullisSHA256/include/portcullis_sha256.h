#ifndef PORTCULLIS_SHA256_H
#define PORTCULLIS_SHA256_H

#include <stddef.h>
#include <stdint.h>

/// SHA-256's 64 round constants, for the hardware compression and the portable one.
const uint32_t *portcullis_sha256_round_constants(void);

/// Whether this processor has the SHA extensions (x86 SHA-NI with SSSE3 and SSE4.1).
int portcullis_sha256_hardware_available(void);

/// Runs SHA-256's compression over `blocks` 64-byte blocks at `data`, updating `state`
/// (the eight working words, in order). Only call when the hardware is available.
void portcullis_sha256_hardware_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
