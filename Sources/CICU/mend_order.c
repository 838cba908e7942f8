#include "mend_order.h"
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MEND_ORDER_SSE2 1
#endif

// Why this is the Swift byte loops' answer on an ASCII line (OrderModel.scanCaps and
// OrderModel.contentKeys, which both run the word loop of OrderModel.tokenize): on bytes < 0x80
// that loop takes, from a word byte (A-Z, a-z, 0-9), every word byte, and an apostrophe or hyphen
// only when a word byte follows it; at its top level, between tokens, every other byte is
// skipped (a space quietly, any other byte as a break). So a token is a maximal run of the bytes
// `tok` = word bytes, plus the apostrophes and hyphens with a word byte on both sides (the byte
// before such a joiner is a word byte, which is inside a token; two joiners in a row end a word).
// Every token ends with a word byte. Bytes >= 0x80 (E2 80 xx breaks, E2 80 99 joins, other bytes
// are word bytes) are left to the Swift loops: the functions return MEND_ORDER_FALLBACK.

#define MEND_ORDER_WORDS (MEND_ORDER_MAX_LINE / 64)

static const uint64_t fnv_offset = 0xcbf29ce484222325ull;
static const uint64_t fnv_prime = 0x100000001b3ull;

typedef struct {
  uint64_t tok[MEND_ORDER_WORDS + 1];  // token bytes (see above)
  uint64_t start[MEND_ORDER_WORDS + 1];  // first bytes of tokens
  uint64_t upper[MEND_ORDER_WORDS + 1];  // A-Z
  uint64_t low[MEND_ORDER_WORDS + 1];  // a-z
  int64_t words;
} line_masks;

static inline uint8_t lower(uint8_t c) { return (uint8_t)(c - 0x41) < 26 ? (uint8_t)(c | 0x20) : c; }

// tok and start from the word bytes and the joiners (see the top of the file); the arrays hold
// m->words words, and one more is written.
static int finish(line_masks *m, uint64_t *word, const uint64_t *join) {
  int64_t words = m->words;
  word[words] = 0;
  uint64_t prevTok = 0;
  for (int64_t w = 0; w < words; w++) {
    uint64_t before = (word[w] << 1) | (w > 0 ? word[w - 1] >> 63 : 0);
    uint64_t after = (word[w] >> 1) | (word[w + 1] << 63);
    uint64_t t = word[w] | (join[w] & before & after);
    m->tok[w] = t;
    m->start[w] = t & ~((t << 1) | prevTok);
    prevTok = t >> 63;
  }
  m->tok[words] = 0;
  m->start[words] = 0;
  m->upper[words] = 0;
  m->low[words] = 0;
  return 1;
}

// The masks of the n bytes at p (bits from n on 0); 0 when a byte is >= 0x80.
static int masks_portable(const uint8_t *p, int64_t n, line_masks *m, int sse) {
  int64_t words = (n + 63) >> 6;
  uint64_t word[MEND_ORDER_WORDS + 1];
  uint64_t join[MEND_ORDER_WORDS + 1];
  m->words = words;
  for (int64_t w = 0; w < words; w++) {
    uint64_t wb = 0, jb = 0, ub = 0, lb = 0, hb = 0;
    int64_t base = w << 6;
#if MEND_ORDER_SSE2
    for (int j = 0; sse && j < 64 && base + j < n; j += 16) {
      __m128i v;
      int shift = 0;  // the vector's first bytes that belong to the chunk before
      if (base + j + 16 <= n) {
        v = _mm_loadu_si128((const __m128i *)(p + base + j));
      } else if (n >= 16) {
        // The line's last 16 bytes: the masks are shifted down past the bytes already taken.
        shift = (int)(base + j + 16 - n);
        v = _mm_loadu_si128((const __m128i *)(p + n - 16));
      } else {
        uint8_t pad[16] = {0};  // zero bytes: no class
        for (int64_t k = 0; k < n; k++) pad[k] = p[k];
        v = _mm_loadu_si128((const __m128i *)pad);
      }
      // A range [lo, lo + len) as one signed compare after moving lo to -128 (bytes >= 0x80 fall
      // outside every range, and are caught by their sign bit).
      __m128i f = _mm_or_si128(v, _mm_set1_epi8(0x20));
      __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(f, _mm_set1_epi8((char)(0x80 - 0x61))), _mm_set1_epi8((char)(0x80 + 26)));
      __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - 0x30))), _mm_set1_epi8((char)(0x80 + 10)));
      __m128i up = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - 0x41))), _mm_set1_epi8((char)(0x80 + 26)));
      __m128i jn = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x27)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x2D)));
      hb |= (uint64_t)((uint32_t)_mm_movemask_epi8(v) >> shift);
      wb |= (uint64_t)((uint32_t)_mm_movemask_epi8(_mm_or_si128(letter, digit)) >> shift) << j;
      ub |= (uint64_t)((uint32_t)_mm_movemask_epi8(up) >> shift) << j;
      lb |= (uint64_t)((uint32_t)_mm_movemask_epi8(_mm_andnot_si128(up, letter)) >> shift) << j;
      jb |= (uint64_t)((uint32_t)_mm_movemask_epi8(jn) >> shift) << j;
    }
#endif
    for (int j = 0; !sse && j < 64 && base + j < n; j++) {
      uint8_t b = p[base + j];
      uint64_t bit = (uint64_t)1 << j;
      if (b >= 0x80) hb |= bit;
      if ((uint8_t)((b | 0x20) - 0x61) < 26 || (uint8_t)(b - 0x30) < 10) wb |= bit;
      if ((uint8_t)(b - 0x41) < 26) ub |= bit;
      if ((uint8_t)(b - 0x61) < 26) lb |= bit;
      if (b == 0x27 || b == 0x2D) jb |= bit;
    }
    // A byte >= 0x80: the line is left to the Swift loops.
    if (hb) return 0;
    word[w] = wb;
    join[w] = jb;
    m->upper[w] = ub;
    m->low[w] = lb;
  }
  return finish(m, word, join);
}

#if MEND_ORDER_SSE2
// The same masks with 32-byte vectors (AVX2, asked of the CPU once): the classes as in
// masks_portable; a last partial chunk is the line's last 32 bytes with the masks shifted down
// past the bytes already taken (a line under 32 bytes is copied into a zeroed block).
typedef struct {
  uint32_t word, upper, low, join, high;
} chunk_masks;

__attribute__((target("avx2"))) static inline chunk_masks chunk32(__m256i v) {
  __m256i f = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
  __m256i letter = _mm256_cmpgt_epi8(_mm256_set1_epi8((char)(0x80 + 26)), _mm256_add_epi8(f, _mm256_set1_epi8((char)(0x80 - 0x61))));
  __m256i digit = _mm256_cmpgt_epi8(_mm256_set1_epi8((char)(0x80 + 10)), _mm256_add_epi8(v, _mm256_set1_epi8((char)(0x80 - 0x30))));
  __m256i up = _mm256_cmpgt_epi8(_mm256_set1_epi8((char)(0x80 + 26)), _mm256_add_epi8(v, _mm256_set1_epi8((char)(0x80 - 0x41))));
  __m256i jn = _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x27)), _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x2D)));
  chunk_masks c;
  c.high = (uint32_t)_mm256_movemask_epi8(v);
  c.word = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(letter, digit));
  c.upper = (uint32_t)_mm256_movemask_epi8(up);
  c.low = (uint32_t)_mm256_movemask_epi8(_mm256_andnot_si256(up, letter));
  c.join = (uint32_t)_mm256_movemask_epi8(jn);
  return c;
}

__attribute__((target("avx2"))) static inline chunk_masks shifted(chunk_masks c, int shift) {
  c.word >>= shift;
  c.upper >>= shift;
  c.low >>= shift;
  c.join >>= shift;
  c.high >>= shift;
  return c;
}

__attribute__((target("avx2"))) static int masks_avx2(const uint8_t *p, int64_t n, line_masks *m) {
  int64_t words = (n + 63) >> 6;
  int64_t full = n >> 6;
  uint64_t word[MEND_ORDER_WORDS + 1];
  uint64_t join[MEND_ORDER_WORDS + 1];
  m->words = words;
  uint32_t high = 0;
  chunk_masks a, b;
  for (int64_t w = 0; w <= full && w < words; w++) {
    int64_t at = w << 6;
    if (w < full) {
      a = chunk32(_mm256_loadu_si256((const __m256i *)(p + at)));
      b = chunk32(_mm256_loadu_si256((const __m256i *)(p + at + 32)));
    } else {
      // The last, partial word: rem = n - at bytes (1...63).
      int64_t rem = n - at;
      b = (chunk_masks){0, 0, 0, 0, 0};
      if (rem >= 32) {
        a = chunk32(_mm256_loadu_si256((const __m256i *)(p + at)));
        if (rem > 32) b = shifted(chunk32(_mm256_loadu_si256((const __m256i *)(p + n - 32))), (int)(64 - rem));
      } else if (n >= 32) {
        a = shifted(chunk32(_mm256_loadu_si256((const __m256i *)(p + n - 32))), (int)(32 - rem));
      } else {
        uint8_t pad[32] = {0};
        for (int64_t k = 0; k < n; k++) pad[k] = p[k];
        a = chunk32(_mm256_loadu_si256((const __m256i *)pad));
      }
    }
    word[w] = a.word | (uint64_t)b.word << 32;
    m->upper[w] = a.upper | (uint64_t)b.upper << 32;
    m->low[w] = a.low | (uint64_t)b.low << 32;
    join[w] = a.join | (uint64_t)b.join << 32;
    high |= a.high | b.high;
  }
  if (high) return 0;
  return finish(m, word, join);
}

static int has_avx2(void) {
  static int known = -1;
  if (known < 0) known = __builtin_cpu_supports("avx2") ? 1 : 0;
  return known;
}
#endif

// The masks by `path`: 0 the byte loop, 1 SSE2 (the byte loop off x86), 2 AVX2 where the CPU
// has it, else SSE2 (x86) or the byte loop.
static int masks(const uint8_t *p, int64_t n, line_masks *m, int32_t path) {
#if MEND_ORDER_SSE2
  if (path == 2 && has_avx2()) return masks_avx2(p, n, m);
  return masks_portable(p, n, m, path != 0);
#else
  return masks_portable(p, n, m, 0);
#endif
}

// The end of the token that starts at s (the first byte from s not in `tok`).
static inline int64_t token_end(const line_masks *m, int64_t s) {
  int64_t w = s >> 6;
  uint64_t x = ~m->tok[w] & (~0ull << (s & 63));
  while (x == 0) x = ~m->tok[++w];  // tok[words] is 0
  return (w << 6) + __builtin_ctzll(x);
}

// Whether `bits` has a bit in [a, b).
static inline int any_in(const uint64_t *bits, int64_t a, int64_t b) {
  while (a < b) {
    int64_t w = a >> 6;
    int64_t stop = (w + 1) << 6;
    if (stop > b) stop = b;
    uint64_t x = bits[w] >> (a & 63);
    int64_t len = stop - a;
    if (len < 64) x &= (1ull << len) - 1;
    if (x) return 1;
    a = stop;
  }
  return 0;
}

// The bits of `bits` for the len <= 64 bytes from s, moved down to bit 0.
static inline uint64_t bits_at(const uint64_t *bits, int64_t s, int64_t len) {
  int64_t w = s >> 6, o = s & 63;
  uint64_t x = bits[w] >> o;
  if (o && o + len > 64) x |= bits[w + 1] << (64 - o);
  return len >= 64 ? x : x & ((1ull << len) - 1);
}

// Whether the len bytes from s are all lower-case letters (`low`).
static inline int all_low(const line_masks *m, int64_t s, int64_t len) {
  if (len > 64) return 0;
  uint64_t full = len == 64 ? ~0ull : (1ull << len) - 1;
  return bits_at(m->low, s, len) == full;
}

// FNV-1a of the bytes [s, e) as they are (lower-case letters need no folding), two a step.
static inline uint64_t fnv_from(uint64_t h, const uint8_t *p, int64_t s, int64_t e) {
  int64_t q = s;
  for (; q + 2 <= e; q += 2) {
    h = (h ^ p[q]) * fnv_prime;
    h = (h ^ p[q + 1]) * fnv_prime;
  }
  if (q < e) h = (h ^ p[q]) * fnv_prime;
  return h;
}

static inline int in_list(const mend_word_table *t, uint64_t k) {
  if ((t->map[k >> 58] & (1ull << ((k >> 52) & 63))) == 0) return 0;
  uint16_t f;
  if (k == 0) {
    f = t->zero_flags;
  } else {
    int64_t i = (int64_t)((k * 0x9E3779B97F4A7C15ull) >> t->shift);
    for (;;) {
      uint64_t v = t->table[i];
      if (v == k) { f = t->flags[i]; break; }
      if (v == 0) { f = 0; break; }
      i = (i + 1) & t->mask;
    }
  }
  return (f & t->want) != 0;
}

// A token's keys as the word loop makes them: `key` (the possessive's key up to its first
// apostrophe, which is also its stem key) and `stem` (the key without a final lower-case "s").
typedef struct {
  uint64_t key;
  uint64_t stem;
  uint64_t full;  // FNV of all its bytes, lower-cased (pairKey's part)
} token_keys;

static inline token_keys hash_token(const uint8_t *p, int64_t s, int64_t e) {
  uint64_t h = fnv_offset, stem = fnv_offset;
  int64_t poss = -1;
  uint64_t possKey = 0;
  for (int64_t q = s; q < e; q++) {
    uint8_t c = p[q];
    if (c == 0x27 || c == 0x2D) {  // a joiner: hashed, the stem is not moved
      if (c == 0x27 && poss < 0) {
        poss = q;
        possKey = h;
      }
      h = (h ^ c) * fnv_prime;
      continue;
    }
    stem = h;
    h = (h ^ lower(c)) * fnv_prime;
  }
  token_keys k;
  k.full = h;
  if (poss >= 0) {
    k.key = possKey;
    k.stem = possKey;
  } else {
    k.key = h;
    k.stem = p[e - 1] == 0x73 ? stem : h;
  }
  return k;
}

int64_t mend_order_content_keys(const uint8_t *p, int64_t n, uint64_t *out, const mend_word_table *t) {
  return mend_order_content_keys_path(p, n, out, t, 2);
}

int64_t mend_order_content_keys_path(const uint8_t *p, int64_t n, uint64_t *out, const mend_word_table *t, int32_t path) {
  if (n > MEND_ORDER_MAX_LINE) return MEND_ORDER_FALLBACK;
  line_masks m;
  if (!masks(p, n, &m, path)) return MEND_ORDER_FALLBACK;
  int64_t count = 0;
  for (int64_t w = 0; w < m.words; w++) {
    // Tokens that start with A-Z are never content words, nor tokens under 4 bytes: a token is a
    // maximal run of `tok`, so it is at least 4 bytes long exactly when `tok` holds its first
    // byte and the three after it (the next word's low bits carried in; tok[words] is 0).
    uint64_t tk = m.tok[w], next = m.tok[w + 1];
    uint64_t four = ((tk >> 1) | (next << 63)) & ((tk >> 2) | (next << 62)) & ((tk >> 3) | (next << 61));
    uint64_t starts = m.start[w] & ~m.upper[w] & four;
    while (starts) {
      int64_t s = (w << 6) + __builtin_ctzll(starts);
      starts &= starts - 1;
      int64_t e = token_end(&m, s);
      // Lower-case letters only (the usual word): no case folding, no joiner, so the stem is the
      // hash of all bytes but the last, and the key that one step on.
      token_keys k;
      if (all_low(&m, s, e - s)) {
        uint64_t stem = fnv_from(fnv_offset, p, s, e - 1);
        uint64_t h = (stem ^ p[e - 1]) * fnv_prime;
        k.key = h;
        k.stem = p[e - 1] == 0x73 ? stem : h;
      } else {
        k = hash_token(p, s, e);
      }
      if (!in_list(t, k.key)) out[count++] = k.stem;
    }
  }
  return count;
}

int64_t mend_order_caps(const uint8_t *p, int64_t n, mend_order_cap *caps, int32_t need_opens, mend_order_opening *opening, const mend_word_table *t) {
  return mend_order_caps_path(p, n, caps, need_opens, opening, t, 2);
}

int64_t mend_order_caps_path(const uint8_t *p, int64_t n, mend_order_cap *caps, int32_t need_opens, mend_order_opening *opening, const mend_word_table *t, int32_t path) {
  if (n > MEND_ORDER_MAX_LINE) return MEND_ORDER_FALLBACK;
  line_masks m;
  if (!masks(p, n, &m, path)) return MEND_ORDER_FALLBACK;
  // The first token (for `first`), and with need_opens the first two.
  int64_t first = -1;
  for (int64_t w = 0; w < m.words; w++) {
    if (m.start[w]) {
      first = (w << 6) + __builtin_ctzll(m.start[w]);
      break;
    }
  }
  if (need_opens) {
    opening->tokens = 0;
    if (first >= 0) {
      int64_t e0 = token_end(&m, first);
      token_keys k0 = hash_token(p, first, e0);
      opening->tokens = 1;
      opening->k0 = k0.key;
      int64_t w = e0 >> 6;
      uint64_t x = e0 < n ? m.start[w] & (~0ull << (e0 & 63)) : 0;
      while (x == 0 && ++w < m.words) x = m.start[w];
      if (x) {
        int64_t s1 = (w << 6) + __builtin_ctzll(x);
        int64_t e1 = token_end(&m, s1);
        token_keys k1 = hash_token(p, s1, e1);
        opening->tokens = 2;
        opening->k1 = k1.key;
        opening->s1 = k1.stem;
        uint64_t pair = (k0.full ^ 0x20) * fnv_prime;
        for (int64_t q = s1; q < e1; q++) pair = (pair ^ lower(p[q])) * fnv_prime;
        opening->pair = pair;
      }
    }
  }
  int64_t count = 0;
  int64_t runStart = -1;  // index into caps of the open run's first word
  int64_t runEnd = 0;  // end of the open run's last word
  for (int64_t w = 0; w < m.words; w++) {
    uint64_t starts = m.start[w] & m.upper[w];
    while (starts) {
      int64_t s = (w << 6) + __builtin_ctzll(starts);
      starts &= starts - 1;
      int64_t e = token_end(&m, s);
      // The usual name word: a capital, then lower-case letters (its stem as in
      // mend_order_content_keys, after the folded capital).
      token_keys k;
      int upperCount, letterCount;
      if (e - s >= 2 && all_low(&m, s + 1, e - s - 1)) {
        uint64_t stem = fnv_from((fnv_offset ^ (uint8_t)(p[s] | 0x20)) * fnv_prime, p, s + 1, e - 1);
        uint64_t h = (stem ^ p[e - 1]) * fnv_prime;
        k.key = h;
        k.stem = p[e - 1] == 0x73 ? stem : h;
        upperCount = 1;
        letterCount = (int)(e - s);
      } else {
        k = hash_token(p, s, e);
        upperCount = 0;
        letterCount = 0;
        for (int64_t q = s; q < e; q++) {
          uint8_t c = p[q];
          if ((uint8_t)(c - 0x41) < 26) upperCount++;
          if ((uint8_t)((c | 0x20) - 0x61) < 26) letterCount++;
        }
      }
      if (in_list(t, k.key)) {
        // Not a name word: it closes the open run.
        if (runStart >= 0) {
          if (count - runStart >= 2) {
            for (int64_t r = runStart; r < count; r++) caps[r].in_run = 1;
            caps[count - 1].run_end = 1;
          }
          runStart = -1;
        }
        continue;
      }
      // The run goes on when this is the next token after its last word and only spaces lie
      // between them (any other byte between tokens is a break).
      int goesOn = 0;
      if (runStart >= 0 && !any_in(m.start, runEnd, s)) {
        goesOn = 1;
        for (int64_t q = runEnd; q < s; q++) {
          if (p[q] != 0x20) {
            goesOn = 0;
            break;
          }
        }
      }
      if (!goesOn) {
        if (runStart >= 0 && count - runStart >= 2) {
          for (int64_t r = runStart; r < count; r++) caps[r].in_run = 1;
          caps[count - 1].run_end = 1;
        }
        runStart = count;
      }
      runEnd = e;
      mend_order_cap *c = &caps[count++];
      c->key = k.key;
      c->stem = k.stem;
      c->first = s == first;
      c->in_run = 0;
      c->all_caps = letterCount >= 2 && letterCount == upperCount && letterCount <= 6;
      c->in_parens = s > 0 && p[s - 1] == 0x28 && e < n && p[e] == 0x29;
      c->run_end = 0;
    }
  }
  if (runStart >= 0 && count - runStart >= 2) {
    for (int64_t r = runStart; r < count; r++) caps[r].in_run = 1;
    caps[count - 1].run_end = 1;
  }
  return count;
}
