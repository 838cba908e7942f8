#include "mend_bytes.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// One byte's classes, the reference every vector path below must equal
// (RepairApostrophesS10 tests compare the whole line's words with a byte loop in Swift).
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

#if defined(__SSE2__)
// Sixteen bytes: letters are (b | 0x20) in 0x61...0x7A, digits b in 0x30...0x39 (both as a
// signed compare after moving the range's start to -128), high bytes are negative as int8.
static inline void sixteen(const uint8_t *p, uint32_t *t, uint32_t *q, uint32_t *h, uint32_t *l) {
  __m128i v = _mm_loadu_si128((const __m128i *)p);
  __m128i f = _mm_or_si128(v, _mm_set1_epi8(0x20));
  __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(f, _mm_set1_epi8((char)(0x80 - 0x61))), _mm_set1_epi8((char)(0x80 + 26)));
  __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - 0x30))), _mm_set1_epi8((char)(0x80 + 10)));
  __m128i hi = _mm_cmplt_epi8(v, _mm_setzero_si128());
  *t = (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(letter, digit), hi));
  *q = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x27)));
  *h = (uint32_t)_mm_movemask_epi8(v);
  if (*h) {
    *l = (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE2)), _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xC2))));
  } else {
    *l = 0;
  }
}
#endif

int64_t mend_line_classes(const uint8_t *p, int64_t n, uint64_t *tok, uint64_t *quote, uint64_t *high, uint64_t *lead) {
  int64_t w = 0;
  for (int64_t block = 0; block < n; block += 64, w++) {
    int64_t len = n - block < 64 ? n - block : 64;
    uint64_t t = 0, q = 0, h = 0, l = 0;
    int j = 0;
#if defined(__SSE2__)
    for (; j + 16 <= len; j += 16) {
      uint32_t t16, q16, h16, l16;
      sixteen(p + block + j, &t16, &q16, &h16, &l16);
      t |= (uint64_t)t16 << j;
      q |= (uint64_t)q16 << j;
      h |= (uint64_t)h16 << j;
      l |= (uint64_t)l16 << j;
    }
    if (j < len) {
      // The last bytes of the line (fewer than 16): a zero-padded copy (a zero byte is in no class).
      uint8_t pad[16] = {0};
      for (int k = 0; j + k < len; k++) pad[k] = p[block + j + k];
      uint32_t t16, q16, h16, l16;
      sixteen(pad, &t16, &q16, &h16, &l16);
      t |= (uint64_t)t16 << j;
      q |= (uint64_t)q16 << j;
      h |= (uint64_t)h16 << j;
      l |= (uint64_t)l16 << j;
      j = (int)len;
    }
#endif
    for (; j < len; j++) one(p[block + j], j, &t, &q, &h, &l);
    tok[w] = t;
    quote[w] = q;
    high[w] = h;
    lead[w] = l;
  }
  return w;
}
