#include "mend_bytes.h"
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MEND_X86 1
#endif

// One byte's classes: the definition (used where no vector unit is known; the tests compare the
// vector paths with a byte loop in Swift, ApostropheSpeedS10Tests.lineClassesAreTheByteLoop).
static inline void one(uint8_t b, int j, uint64_t *t, uint64_t *q, uint64_t *h, uint64_t *l) {
  uint64_t bit = (uint64_t)1 << j;
  if (b >= 0x80) {
    *t |= bit;
    *h |= bit;
    if (b == 0xE2 || b == 0xC2) *l |= bit;
  } else if ((b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A)) {
    *t |= bit;
  } else if (b == 0x27) {
    *q |= bit;
  }
}

static void block_bytes(const uint8_t *p, uint64_t *t, uint64_t *q, uint64_t *h, uint64_t *l) {
  uint64_t a = 0, b = 0, c = 0, d = 0;
  for (int j = 0; j < 64; j++) one(p[j], j, &a, &b, &c, &d);
  *t = a;
  *q = b;
  *h = c;
  *l = d;
}

#if MEND_X86
// Sixteen bytes a vector: letters are (b | 0x20) in 0x61...0x7A, digits b in 0x30...0x39 (both as
// a signed compare after moving the range's start to -128), high bytes are negative as int8, so
// their mask is the sign bits themselves.
static inline void block_sse2(const uint8_t *p, uint64_t *t, uint64_t *q, uint64_t *h, uint64_t *l) {
  uint64_t tt = 0, qq = 0, hh = 0, ll = 0;
  for (int j = 0; j < 64; j += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(p + j));
    __m128i f = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(f, _mm_set1_epi8((char)(0x80 - 0x61))), _mm_set1_epi8((char)(0x80 + 26)));
    __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - 0x30))), _mm_set1_epi8((char)(0x80 + 10)));
    uint64_t hi = (uint32_t)_mm_movemask_epi8(v);
    tt |= ((uint32_t)_mm_movemask_epi8(_mm_or_si128(letter, digit)) | hi) << j;
    qq |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x27))) << j;
    hh |= hi << j;
    ll |= (uint64_t)(uint32_t)_mm_movemask_epi8(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE2)), _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xC2)))) << j;
  }
  *t = tt;
  *q = qq;
  *h = hh;
  *l = ll;
}

// The same with 32-byte vectors (AVX2, asked of the CPU once).
__attribute__((target("avx2"))) static void lines_avx2(const uint8_t *p, int64_t full, uint64_t *tok, uint64_t *quote, uint64_t *high, uint64_t *lead) {
  const __m256i c20 = _mm256_set1_epi8(0x20);
  const __m256i cl = _mm256_set1_epi8((char)(0x80 - 0x61));
  const __m256i cl2 = _mm256_set1_epi8((char)(0x80 + 26));
  const __m256i cd = _mm256_set1_epi8((char)(0x80 - 0x30));
  const __m256i cd2 = _mm256_set1_epi8((char)(0x80 + 10));
  const __m256i cq = _mm256_set1_epi8(0x27);
  const __m256i ce2 = _mm256_set1_epi8((char)0xE2);
  const __m256i cc2 = _mm256_set1_epi8((char)0xC2);
  for (int64_t w = 0; w < full; w++) {
    const uint8_t *b = p + 64 * w;
    __m256i v0 = _mm256_loadu_si256((const __m256i *)b);
    __m256i v1 = _mm256_loadu_si256((const __m256i *)(b + 32));
    __m256i a0 = _mm256_or_si256(_mm256_cmpgt_epi8(cl2, _mm256_add_epi8(_mm256_or_si256(v0, c20), cl)), _mm256_cmpgt_epi8(cd2, _mm256_add_epi8(v0, cd)));
    __m256i a1 = _mm256_or_si256(_mm256_cmpgt_epi8(cl2, _mm256_add_epi8(_mm256_or_si256(v1, c20), cl)), _mm256_cmpgt_epi8(cd2, _mm256_add_epi8(v1, cd)));
    uint64_t h = (uint64_t)(uint32_t)_mm256_movemask_epi8(v0) | (uint64_t)(uint32_t)_mm256_movemask_epi8(v1) << 32;
    high[w] = h;
    tok[w] = ((uint64_t)(uint32_t)_mm256_movemask_epi8(a0) | (uint64_t)(uint32_t)_mm256_movemask_epi8(a1) << 32) | h;
    quote[w] = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, cq)) | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, cq)) << 32;
    if (h) {
      lead[w] = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(_mm256_cmpeq_epi8(v0, ce2), _mm256_cmpeq_epi8(v0, cc2)))
        | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(_mm256_cmpeq_epi8(v1, ce2), _mm256_cmpeq_epi8(v1, cc2))) << 32;
    } else {
      lead[w] = 0;
    }
  }
}

static int has_avx2(void) {
  static int known = -1;  // a benign race: every thread finds the same answer
  if (known < 0) {
    __builtin_cpu_init();
    known = __builtin_cpu_supports("avx2") ? 1 : 0;
  }
  return known;
}
#endif

int64_t mend_line_classes(const uint8_t *p, int64_t n, uint64_t *tok, uint64_t *quote, uint64_t *high, uint64_t *lead) {
  if (n <= 0) return 0;
  int64_t full = n / 64;
#if MEND_X86
  if (has_avx2()) {
    lines_avx2(p, full, tok, quote, high, lead);
  } else {
    for (int64_t w = 0; w < full; w++) block_sse2(p + 64 * w, tok + w, quote + w, high + w, lead + w);
  }
#else
  for (int64_t w = 0; w < full; w++) block_bytes(p + 64 * w, tok + w, quote + w, high + w, lead + w);
#endif
  int64_t rest = n - 64 * full;
  if (rest > 0) {
    // The last bytes of the line: a zero-padded copy (a zero byte is in no class, so the bits
    // from n on are 0).
    uint8_t pad[64];
    memset(pad, 0, 64);
    memcpy(pad, p + 64 * full, (size_t)rest);
#if MEND_X86
    if (has_avx2()) {
      lines_avx2(pad, 1, tok + full, quote + full, high + full, lead + full);
    } else {
      block_sse2(pad, tok + full, quote + full, high + full, lead + full);
    }
#else
    block_bytes(pad, tok + full, quote + full, high + full, lead + full);
#endif
    full += 1;
  }
  return full;
}

int64_t mend_line_classes_portable(const uint8_t *p, int64_t n, uint64_t *tok, uint64_t *quote, uint64_t *high, uint64_t *lead, int32_t path) {
  if (n <= 0) return 0;
  int64_t words = (n + 63) / 64;
  for (int64_t w = 0; w < words; w++) {
    uint8_t pad[64];
    memset(pad, 0, 64);
    int64_t len = n - 64 * w < 64 ? n - 64 * w : 64;
    memcpy(pad, p + 64 * w, (size_t)len);
#if MEND_X86
    if (path == 1) { block_sse2(pad, tok + w, quote + w, high + w, lead + w); continue; }
    if (path == 2 && has_avx2()) { lines_avx2(pad, 1, tok + w, quote + w, high + w, lead + w); continue; }
#endif
    block_bytes(pad, tok + w, quote + w, high + w, lead + w);
  }
  return words;
}

// MARK: the dedup scan's masks (mend_scan_masks)

static inline int scan_digit(uint8_t b) { return b >= 0x30 && b <= 0x39; }
static inline int scan_letter(uint8_t b) { return (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A; }
static inline int scan_alnum(uint8_t b) { return scan_digit(b) || scan_letter(b); }

// The raw classes of one 64-byte block, the definition (one bit per byte): r[0] ASCII letters
// and digits, r[1] digits, r[2] bytes >= 0x80, r[3] triggers (`.` `!` `?` and bytes < 0x20),
// r[4] the bytes that may join two runs of a word (' ` , . :).
static void scan_raw_bytes(const uint8_t *p, uint64_t *r) {
  uint64_t a = 0, d = 0, h = 0, t = 0, c = 0;
  for (int j = 0; j < 64; j++) {
    uint8_t b = p[j];
    uint64_t bit = (uint64_t)1 << j;
    if (b >= 0x80) h |= bit;
    if (scan_alnum(b)) a |= bit;
    if (scan_digit(b)) d |= bit;
    if (b == 0x2E || b == 0x21 || b == 0x3F || b < 0x20) t |= bit;
    if (b == 0x27 || b == 0x60 || b == 0x2C || b == 0x2E || b == 0x3A) c |= bit;
  }
  r[0] = a;
  r[1] = d;
  r[2] = h;
  r[3] = t;
  r[4] = c;
}

#if MEND_X86
// The same with 16-byte vectors: the ranges as signed compares after moving their start to -128
// (as in block_sse2); a byte < 0x20 is a signed compare that also takes the bytes >= 0x80
// (negative as int8), which the high mask removes.
static void scan_raw_sse2(const uint8_t *p, uint64_t *r) {
  uint64_t a = 0, d = 0, h = 0, t = 0, c = 0;
  for (int j = 0; j < 64; j += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(p + j));
    __m128i f = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(f, _mm_set1_epi8((char)(0x80 - 0x61))), _mm_set1_epi8((char)(0x80 + 26)));
    __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - 0x30))), _mm_set1_epi8((char)(0x80 + 10)));
    __m128i dot = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x2E));
    __m128i trig = _mm_or_si128(_mm_or_si128(dot, _mm_cmplt_epi8(v, _mm_set1_epi8(0x20))),
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x21)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x3F))));
    __m128i join = _mm_or_si128(_mm_or_si128(dot, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x27))),
      _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x60)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x2C))),
        _mm_cmpeq_epi8(v, _mm_set1_epi8(0x3A))));
    uint64_t hi = (uint32_t)_mm_movemask_epi8(v);
    a |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_or_si128(letter, digit)) << j;
    d |= (uint64_t)(uint32_t)_mm_movemask_epi8(digit) << j;
    h |= hi << j;
    t |= ((uint64_t)(uint32_t)_mm_movemask_epi8(trig) & ~hi) << j;
    c |= (uint64_t)(uint32_t)_mm_movemask_epi8(join) << j;
  }
  r[0] = a;
  r[1] = d;
  r[2] = h;
  r[3] = t;
  r[4] = c;
}

// 32 bytes at a time (AVX2), for `blocks` blocks of 64 bytes, their raw classes at out[6w...].
__attribute__((target("avx2"))) static void scan_raw_avx2(const uint8_t *p, int64_t blocks, uint64_t *out) {
  const __m256i c20 = _mm256_set1_epi8(0x20);
  const __m256i cl = _mm256_set1_epi8((char)(0x80 - 0x61));
  const __m256i cl2 = _mm256_set1_epi8((char)(0x80 + 26));
  const __m256i cd = _mm256_set1_epi8((char)(0x80 - 0x30));
  const __m256i cd2 = _mm256_set1_epi8((char)(0x80 + 10));
  for (int64_t w = 0; w < blocks; w++) {
    uint64_t a = 0, d = 0, h = 0, t = 0, c = 0;
    for (int j = 0; j < 64; j += 32) {
      __m256i v = _mm256_loadu_si256((const __m256i *)(p + 64 * w + j));
      __m256i letter = _mm256_cmpgt_epi8(cl2, _mm256_add_epi8(_mm256_or_si256(v, c20), cl));
      __m256i digit = _mm256_cmpgt_epi8(cd2, _mm256_add_epi8(v, cd));
      __m256i dot = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x2E));
      __m256i trig = _mm256_or_si256(_mm256_or_si256(dot, _mm256_cmpgt_epi8(c20, v)),
        _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x21)), _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x3F))));
      __m256i join = _mm256_or_si256(_mm256_or_si256(dot, _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x27))),
        _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x60)), _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x2C))),
          _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x3A))));
      uint64_t hi = (uint32_t)_mm256_movemask_epi8(v);
      a |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(letter, digit)) << j;
      d |= (uint64_t)(uint32_t)_mm256_movemask_epi8(digit) << j;
      h |= hi << j;
      t |= ((uint64_t)(uint32_t)_mm256_movemask_epi8(trig) & ~hi) << j;
      c |= (uint64_t)(uint32_t)_mm256_movemask_epi8(join) << j;
    }
    uint64_t *r = out + 6 * w;
    r[0] = a;
    r[1] = d;
    r[2] = h;
    r[3] = t;
    r[4] = c;
  }
}
#endif

// The raw classes of the line's blocks by one path (0 bytes, 1 SSE2, 2 AVX2 where the CPU has
// it, else the best one): n / 64 full blocks and one zero-padded block with the rest (a zero byte
// is a trigger and nothing else, and no bit from n on is read as more than that).
static void scan_raw(const uint8_t *p, int64_t n, uint64_t *out, int32_t path) {
  int64_t full = n / 64;
  uint8_t pad[64];
  memset(pad, 0, 64);
  memcpy(pad, p + 64 * full, (size_t)(n - 64 * full));
#if MEND_X86
  if (path != 0 && path != 1 && has_avx2()) {
    scan_raw_avx2(p, full, out);
    scan_raw_avx2(pad, 1, out + 6 * full);
    return;
  }
  if (path != 0) {
    for (int64_t w = 0; w < full; w++) scan_raw_sse2(p + 64 * w, out + 6 * w);
    scan_raw_sse2(pad, out + 6 * full);
    return;
  }
#else
  (void)path;
#endif
  for (int64_t w = 0; w < full; w++) scan_raw_bytes(p + 64 * w, out + 6 * w);
  scan_raw_bytes(pad, out + 6 * full);
}

// The join candidates of a block that do join, as DedupText.asciiJoins decides (each candidate
// has an ASCII letter or digit on both sides, so the word before it is not empty and a byte
// follows): an apostrophe always; `,` `.` `:` between digits; a `.` after a one-letter run (an
// acronym), which makes the line irregular before a capital with a digit before the dot.
static uint64_t scan_joins(const uint8_t *p, int64_t base, uint64_t cand, int *irregular) {
  uint64_t joins = 0;
  while (cand) {
    int k = __builtin_ctzll(cand);
    cand &= cand - 1;
    int64_t i = base + k;
    uint8_t c = p[i], prev = p[i - 1], next = p[i + 1];
    if (c == 0x27 || c == 0x60 || (scan_digit(prev) && scan_digit(next))) {
      joins |= (uint64_t)1 << k;
    } else if (c == 0x2E && (i < 2 || !scan_alnum(p[i - 2]))) {
      joins |= (uint64_t)1 << k;
      if (next >= 0x41 && next <= 0x5A && !scan_letter(prev)) *irregular = 1;
    }
  }
  return joins;
}

static int64_t scan_masks(const uint8_t *p, int64_t n, uint64_t *out, int32_t path) {
  if (n <= 0) return 0;
  int64_t blocks = n / 64 + 1;
  scan_raw(p, n, out, path);
  int irregular = 0;
  int64_t high = 0;
  uint64_t prevTop = 0;  // bit 63 of the block before's letters and digits
  for (int64_t w = 0; w < blocks; w++) {
    uint64_t *r = out + 6 * w;
    uint64_t a = r[0], d = r[1], h = r[2], t = r[3], c = r[4];
    int64_t after = 64 * w + 64;
    uint64_t nextA = after < n && scan_alnum(p[after]) ? 1 : 0;
    uint64_t cand = c & ((a << 1) | prevTop) & ((a >> 1) | (nextA << 63));
    uint64_t j = cand ? scan_joins(p, 64 * w, cand, &irregular) : 0;
    uint64_t word = a | j;
    r[0] = word;
    r[1] = d;
    r[2] = t & ~word;
    r[3] = j;
    r[4] = h;
    r[5] = a | h | c;
    high |= (int64_t)(h != 0);
    prevTop = a >> 63;
  }
  return blocks | (irregular ? MEND_SCAN_IRREGULAR : 0) | (high ? MEND_SCAN_HIGH : 0);
}

int64_t mend_scan_masks(const uint8_t *p, int64_t n, uint64_t *out) { return scan_masks(p, n, out, 3); }

int64_t mend_scan_masks_path(const uint8_t *p, int64_t n, uint64_t *out, int32_t path) {
  return scan_masks(p, n, out, path);
}
