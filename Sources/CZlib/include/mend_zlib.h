#ifndef MEND_ZLIB_H
#define MEND_ZLIB_H
// Thin zlib wrappers with plain C types only: streaming gzip reads (plain files too) and
// one-shot gzip members for parallel compression (concatenated members are one valid .gz).
#include <stddef.h>
#include <stdint.h>

/// Open a file for reading; gzip is detected by its magic bytes, other files read as they are.
/// Returns NULL on failure.
void *mend_gz_open_read(const char *path);
/// Open a file descriptor (e.g. 0 for stdin) for reading, gzip or not.
void *mend_gz_dopen_read(int fd);
/// Read up to `len` bytes; returns the count, 0 at the end, -1 on error.
int64_t mend_gz_read(void *file, uint8_t *buf, uint32_t len);
/// Bytes of the underlying (compressed) file consumed so far.
int64_t mend_gz_raw_offset(void *file);
/// The last error message, or NULL.
const char *mend_gz_error(void *file);
void mend_gz_close(void *file);

/// Upper bound on the size of a gzip member holding `len` bytes.
size_t mend_gzip_bound(size_t len);
/// Compress `in` into one complete gzip member in `out`; returns its size, or 0 on failure.
size_t mend_gzip_member(const uint8_t *in, size_t len, uint8_t *out, size_t cap, int level);

/// Keep freed batch-sized blocks in the heap for reuse (glibc): no mmap, page faults and
/// zeroing for every 1 MiB batch buffer. No effect elsewhere.
void mend_tune_malloc(void);

#endif
