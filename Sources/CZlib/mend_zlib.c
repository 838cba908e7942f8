#include "mend_zlib.h"
#include <string.h>
#include <zlib.h>

void *mend_gz_open_read(const char *path) {
  gzFile f = gzopen(path, "rb");
  if (f) gzbuffer(f, 1 << 18);
  return (void *)f;
}

void *mend_gz_dopen_read(int fd) {
  gzFile f = gzdopen(fd, "rb");
  if (f) gzbuffer(f, 1 << 18);
  return (void *)f;
}

int64_t mend_gz_read(void *file, uint8_t *buf, uint32_t len) {
  int n = gzread((gzFile)file, buf, len);
  return (int64_t)n;
}

int64_t mend_gz_raw_offset(void *file) { return (int64_t)gzoffset((gzFile)file); }

const char *mend_gz_error(void *file) {
  int err = 0;
  const char *msg = gzerror((gzFile)file, &err);
  return err == Z_OK ? NULL : msg;
}

void mend_gz_close(void *file) { gzclose((gzFile)file); }

size_t mend_gzip_bound(size_t len) { return (size_t)compressBound((uLong)len) + 64; }

size_t mend_gzip_member(const uint8_t *in, size_t len, uint8_t *out, size_t cap, int level) {
  z_stream s;
  memset(&s, 0, sizeof s);
  // windowBits 15 + 16: write a gzip header and trailer.
  if (deflateInit2(&s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
  s.next_in = (Bytef *)in;
  s.avail_in = (uInt)len;
  s.next_out = out;
  s.avail_out = (uInt)cap;
  int r = deflate(&s, Z_FINISH);
  size_t n = s.total_out;
  deflateEnd(&s);
  return r == Z_STREAM_END ? n : 0;
}

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void mend_tune_malloc(void) {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}
