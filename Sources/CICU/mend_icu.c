#include "mend_icu.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/udata.h>
#include <unicode/uloc.h>
#include <unicode/ures.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/uclean.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/uversion.h>

void mend_icu_version(char *buf, int32_t cap) {
  UVersionInfo v;
  char tmp[U_MAX_VERSION_STRING_LENGTH];
  u_getVersion(v);
  u_versionToString(v, tmp);
  strncpy(buf, tmp, (size_t)cap - 1);
  buf[cap - 1] = 0;
}

static const UNormalizer2 *normalizer(int32_t form, UErrorCode *status) {
  switch (form) {
  case MEND_NFKC: return unorm2_getNFKCInstance(status);
  case MEND_NFD: return unorm2_getNFDInstance(status);
  case MEND_NFKD: return unorm2_getNFKDInstance(status);
  default: return unorm2_getNFCInstance(status);
  }
}

/// UTF-8 -> UTF-16 into a malloc'ed buffer. Returns length or negative.
static int32_t to_utf16(const char *utf8, int32_t len, UChar **out) {
  UErrorCode status = U_ZERO_ERROR;
  int32_t n = 0;
  u_strFromUTF8(NULL, 0, &n, utf8, len, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return -100 - status;
  status = U_ZERO_ERROR;
  UChar *buf = (UChar *)malloc(sizeof(UChar) * (size_t)(n + 1));
  if (!buf) return -99;
  u_strFromUTF8(buf, n + 1, NULL, utf8, len, &status);
  if (U_FAILURE(status)) { free(buf); return -100 - status; }
  *out = buf;
  return n;
}

static int32_t to_utf8(const UChar *s, int32_t len, char **out) {
  UErrorCode status = U_ZERO_ERROR;
  int32_t n = 0;
  u_strToUTF8(NULL, 0, &n, s, len, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return -100 - status;
  status = U_ZERO_ERROR;
  char *buf = (char *)malloc((size_t)n + 1);
  if (!buf) return -99;
  u_strToUTF8(buf, n + 1, NULL, s, len, &status);
  if (U_FAILURE(status)) { free(buf); return -100 - status; }
  *out = buf;
  return n;
}

int32_t mend_is_normalized(const char *utf8, int32_t len, int32_t form) {
  UErrorCode status = U_ZERO_ERROR;
  const UNormalizer2 *n2 = normalizer(form, &status);
  if (U_FAILURE(status)) return -1;
  // UTF-16 never has more units than UTF-8 has bytes: one conversion into a buffer of len + 1
  // units (on the stack for a usual line), no length pass first.
  UChar stackBuf[1024];
  UChar *s = stackBuf;
  if (len + 1 > (int32_t)(sizeof stackBuf / sizeof stackBuf[0])) {
    s = (UChar *)malloc(sizeof(UChar) * ((size_t)len + 1));
    if (!s) return -99;
  }
  int32_t n = 0;
  u_strFromUTF8(s, len + 1, &n, utf8, len, &status);
  if (U_FAILURE(status)) {
    if (s != stackBuf) free(s);
    return -100 - status;
  }
  UBool ok = unorm2_isNormalized(n2, s, n, &status);
  if (s != stackBuf) free(s);
  if (U_FAILURE(status)) return -1;
  return ok ? 1 : 0;
}

// NFC quick-check data per BMP code point: its canonical combining class when NFC_Quick_Check is
// Yes and it has no canonical decomposition; MEND_NFC_YES_DECOMPOSES for a Yes starter that has
// one (é); MEND_NFC_MAYBE for a Maybe character without a decomposition (a nukta, a Hangul
// vowel); else MEND_NFC_ASK (No, or Maybe with a decomposition). Classes go up to 240. Filled
// from ICU one 256-code-point block at a time, on first need; a block is published with a
// compare-and-swap (a thread that loses frees its copy).
#define MEND_NFC_YES_DECOMPOSES 0xFD
#define MEND_NFC_MAYBE 0xFE
#define MEND_NFC_ASK 0xFF
static _Atomic(uint8_t *) nfcBlocks[256];

static uint8_t nfcEntry(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  const UNormalizer2 *nfc = unorm2_getNFCInstance(&status);
  if (U_FAILURE(status)) return MEND_NFC_ASK;
  UChar d[8];
  UErrorCode ds = U_ZERO_ERROR;
  int decomposes = unorm2_getRawDecomposition(nfc, c, d, 8, &ds) >= 0 || ds == U_BUFFER_OVERFLOW_ERROR;
  int32_t qc = u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK);
  if (qc == UNORM_MAYBE) return decomposes ? MEND_NFC_ASK : MEND_NFC_MAYBE;
  if (qc != UNORM_YES) return MEND_NFC_ASK;
  uint8_t cc = (uint8_t)u_getCombiningClass(c);
  if (!decomposes) return cc;
  return cc == 0 ? MEND_NFC_YES_DECOMPOSES : MEND_NFC_ASK;
}

static const uint8_t *nfcBlock(uint32_t hi) {
  uint8_t *b = atomic_load_explicit(&nfcBlocks[hi], memory_order_acquire);
  if (b) return b;
  uint8_t *fresh = (uint8_t *)malloc(256);
  if (!fresh) return NULL;
  for (uint32_t lo = 0; lo < 256; lo++) fresh[lo] = nfcEntry((UChar32)(hi << 8 | lo));
  uint8_t *expected = NULL;
  if (atomic_compare_exchange_strong_explicit(&nfcBlocks[hi], &expected, fresh, memory_order_acq_rel, memory_order_acquire)) {
    return fresh;
  }
  free(fresh);
  return expected;
}

// Why YES means NFC (NFC(x) = Compose(NFD(x)), UAX #15):
// - Characters that are Yes never compose as the second of a pair, and when every character is
//   Yes and the classes are in canonical order the text is NFC (the standard's quick check).
// - One more case is decided here without ICU: a Maybe character m without a decomposition right
//   after a starter s that is Yes and has no decomposition (a nukta after a Devanagari consonant).
//   In NFD(x) s is still a starter right before m, so s is the last starter m can compose with,
//   nothing blocks them, and s was not itself composed with an earlier character (it is Yes, so
//   never a second of a pair). m stays unless s + m has a primary composite, which
//   `unorm2_composePair` answers (it excludes composition exclusions, as NFC does: क + ़ stays,
//   न + ़ becomes ऩ). Marks after m that are Yes never compose; any other Maybe character, or one
//   not right after such a starter, makes the answer "ask ICU".
int32_t mend_nfc_quick_yes(const uint8_t *p, int32_t len) {
  uint8_t last = 0;
  UChar32 prev = 0;
  int prevPlainStarter = 0;
  int32_t i = 0;
  while (i < len) {
    uint8_t b = p[i];
    if (b < 0x80) {  // ASCII: Yes, class 0, no decomposition
      // A run of ASCII (eight bytes a step): each byte leaves the same state as the one-byte
      // step would, so only the run's last byte matters.
      int32_t j = i + 1;
      while (j + 8 <= len) {
        uint64_t w;
        memcpy(&w, p + j, 8);
        if (w & 0x8080808080808080ULL) break;
        j += 8;
      }
      while (j < len && p[j] < 0x80) j++;
      last = 0;
      prev = p[j - 1];
      prevPlainStarter = 1;
      i = j;
      continue;
    }
    UChar32 c;
    if (b < 0xE0) {
      if (i + 1 >= len) return 0;
      c = (UChar32)(b & 0x1F) << 6 | (p[i + 1] & 0x3F);
      i += 2;
    } else if (b < 0xF0) {
      if (i + 2 >= len) return 0;
      c = (UChar32)(b & 0x0F) << 12 | (UChar32)(p[i + 1] & 0x3F) << 6 | (p[i + 2] & 0x3F);
      i += 3;
    } else {
      if (i + 3 >= len) return 0;
      c = (UChar32)(b & 0x07) << 18 | (UChar32)(p[i + 1] & 0x3F) << 12 | (UChar32)(p[i + 2] & 0x3F) << 6 | (p[i + 3] & 0x3F);
      i += 4;
    }
    uint8_t e;
    if (c < 0x10000) {
      const uint8_t *blk = nfcBlock((uint32_t)c >> 8);
      if (!blk) return 0;
      e = blk[c & 0xFF];
    } else {
      e = nfcEntry(c);  // outside the BMP (emoji, rare scripts): ask ICU directly
    }
    if (e == MEND_NFC_ASK) return 0;
    uint8_t cc;
    int plainStarter = 0;
    if (e == MEND_NFC_MAYBE) {
      if (!prevPlainStarter) return 0;
      UErrorCode status = U_ZERO_ERROR;
      const UNormalizer2 *nfc = unorm2_getNFCInstance(&status);
      if (U_FAILURE(status) || unorm2_composePair(nfc, prev, c) >= 0) return 0;
      cc = (uint8_t)u_getCombiningClass(c);
    } else if (e == MEND_NFC_YES_DECOMPOSES) {
      cc = 0;
    } else {
      cc = e;
      plainStarter = cc == 0;
    }
    if (cc != 0 && last > cc) return 0;  // marks out of canonical order: not NFC
    last = cc;
    prev = c;
    prevPlainStarter = plainStarter;
  }
  return 1;
}

int32_t mend_normalize(const char *utf8, int32_t len, int32_t form, char **out) {
  UErrorCode status = U_ZERO_ERROR;
  const UNormalizer2 *n2 = normalizer(form, &status);
  if (U_FAILURE(status)) return -1;
  UChar *s = NULL;
  int32_t n = to_utf16(utf8, len, &s);
  if (n < 0) return n;
  int32_t cap = n * 3 + 16; // NFKC can expand; retry below if not enough
  UChar *dst = (UChar *)malloc(sizeof(UChar) * (size_t)cap);
  if (!dst) { free(s); return -99; }
  int32_t m = unorm2_normalize(n2, s, n, dst, cap, &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) {
    status = U_ZERO_ERROR;
    free(dst);
    cap = m + 1;
    dst = (UChar *)malloc(sizeof(UChar) * (size_t)cap);
    if (!dst) { free(s); return -99; }
    m = unorm2_normalize(n2, s, n, dst, cap, &status);
  }
  free(s);
  if (U_FAILURE(status)) { free(dst); return -1; }
  int32_t r = to_utf8(dst, m, out);
  free(dst);
  return r;
}

void mend_free(void *p) { free(p); }

void *mend_sentence_iterator_open(const char *locale) {
  UErrorCode status = U_ZERO_ERROR;
  UBreakIterator *bi = ubrk_open(UBRK_SENTENCE, locale, NULL, 0, &status);
  if (U_FAILURE(status)) return NULL;
  return bi;
}

void *mend_sentence_iterator_clone(void *iter) {
  UErrorCode status = U_ZERO_ERROR;
  UBreakIterator *bi = ubrk_clone((const UBreakIterator *)iter, &status);
  if (U_FAILURE(status)) return NULL;
  return bi;
}

void mend_sentence_iterator_close(void *iter) {
  if (iter) ubrk_close((UBreakIterator *)iter);
}

int32_t mend_sentence_breaks(void *iter, const char *utf8, int32_t len, int32_t *breaks, int32_t cap) {
  UErrorCode status = U_ZERO_ERROR;
  UText *ut = utext_openUTF8(NULL, utf8, len, &status);
  if (U_FAILURE(status)) return -1;
  UBreakIterator *bi = (UBreakIterator *)iter;
  ubrk_setUText(bi, ut, &status);
  if (U_FAILURE(status)) { utext_close(ut); return -2; }
  int32_t count = 0;
  ubrk_first(bi);
  for (int32_t p = ubrk_next(bi); p != UBRK_DONE; p = ubrk_next(bi)) {
    if (count < cap) breaks[count] = p;
    count++;
  }
  utext_close(ut);
  return count;
}

int32_t mend_sentence_breaks16(void *iter, const char *utf8, int32_t len, int32_t *breaks, int32_t cap) {
  // UTF-16 is ICU's native form: converting once and mapping offsets back is faster than
  // iterating a UTF-8 UText through its access callbacks.
  static __thread UChar *buf = NULL;
  static __thread int32_t bufCap = 0;
  UErrorCode status = U_ZERO_ERROR;
  if (bufCap < len + 1) {
    free(buf);
    bufCap = len + 1 > 4096 ? len + 1 : 4096;
    buf = (UChar *)malloc(sizeof(UChar) * (size_t)bufCap);
    if (!buf) { bufCap = 0; return -3; }
  }
  int32_t n16 = 0;
  u_strFromUTF8(buf, bufCap, &n16, utf8, len, &status);
  if (U_FAILURE(status)) return -1;
  UBreakIterator *bi = (UBreakIterator *)iter;
  ubrk_setText(bi, buf, n16, &status);
  if (U_FAILURE(status)) return -2;
  int32_t count = 0;
  int32_t i8 = 0, i16 = 0;
  ubrk_first(bi);
  for (int32_t p = ubrk_next(bi); p != UBRK_DONE; p = ubrk_next(bi)) {
    // Advance the UTF-8 offset to UTF-16 offset p.
    while (i16 < p && i8 < len) {
      unsigned char c = (unsigned char)utf8[i8];
      if (c < 0x80) { i8 += 1; i16 += 1; }
      else if (c < 0xE0) { i8 += 2; i16 += 1; }
      else if (c < 0xF0) { i8 += 3; i16 += 1; }
      else { i8 += 4; i16 += 2; }
    }
    if (count < cap) breaks[count] = i8;
    count++;
  }
  // Do not keep a pointer to the thread's buffer inside the iterator.
  ubrk_setText(bi, NULL, 0, &status);
  return count;
}

int32_t mend_sentence_break_property(uint32_t c) {
  return u_getIntPropertyValue((UChar32)c, UCHAR_SENTENCE_BREAK);
}

int32_t mend_locale_base_name(const char *locale, char *buf, int32_t cap) {
  UErrorCode status = U_ZERO_ERROR;
  int32_t n = uloc_getBaseName(locale, buf, cap, &status);
  if (U_FAILURE(status) || status == U_STRING_NOT_TERMINATED_WARNING) return -1;
  return n;
}

int32_t mend_sentence_suppressions(const char *locale, char *buf, int32_t cap) {
  // The same lookup as ICU's FilteredBreakIteratorBuilder (filteredbrk.cpp), which ubrk_open
  // uses for a sentence iterator whose locale has the keyword ss=standard.
  UErrorCode status = U_ZERO_ERROR;
  char value[32];
  int32_t kl = uloc_getKeywordValue(locale, "ss", value, (int32_t)sizeof value, &status);
  if (U_FAILURE(status) || kl <= 0 || strcmp(value, "standard") != 0) return 0;
  char base[ULOC_FULLNAME_CAPACITY];
  status = U_ZERO_ERROR;
  uloc_getBaseName(locale, base, (int32_t)sizeof base, &status);
  if (U_FAILURE(status)) return -1;
  UResourceBundle *b = ures_open(U_ICUDATA_NAME U_TREE_SEPARATOR_STRING "brkitr", base, &status);
  if (U_FAILURE(status) || status == U_USING_DEFAULT_WARNING) { ures_close(b); return 0; }
  status = U_ZERO_ERROR;
  UResourceBundle *ex = ures_getByKey(b, "exceptions", NULL, &status);
  if (U_FAILURE(status) || status == U_USING_DEFAULT_WARNING) { ures_close(ex); ures_close(b); return 0; }
  status = U_ZERO_ERROR;
  UResourceBundle *sb = ures_getByKey(ex, "SentenceBreak", NULL, &status);
  if (U_FAILURE(status) || status == U_USING_DEFAULT_WARNING) {
    ures_close(sb); ures_close(ex); ures_close(b);
    return 0;
  }
  int32_t total = 0;
  int32_t size = ures_getSize(sb);
  for (int32_t i = 0; i < size; i++) {
    status = U_ZERO_ERROR;
    int32_t len = 0;
    const UChar *s = ures_getStringByIndex(sb, i, &len, &status);
    if (U_FAILURE(status)) { total = -2; break; }
    int32_t n8 = 0;
    char tmp[256];
    u_strToUTF8(tmp, (int32_t)sizeof tmp, &n8, s, len, &status);
    if (U_FAILURE(status) || n8 >= (int32_t)sizeof tmp) { total = -3; break; }
    if (total + n8 + 1 <= cap) {
      memcpy(buf + total, tmp, (size_t)n8);
      buf[total + n8] = '\n';
    }
    total += n8 + 1;
  }
  ures_close(sb);
  ures_close(ex);
  ures_close(b);
  return total;
}

int32_t mend_encode_legacy(const char *charset, const char *utf8, int32_t len, char *out, int32_t cap) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter *cnv = ucnv_open(charset, &status);
  if (U_FAILURE(status)) return -3;
  // Fail on any unmappable character instead of writing a substitute.
  ucnv_setFromUCallBack(cnv, UCNV_FROM_U_CALLBACK_STOP, NULL, NULL, NULL, &status);
  UChar *s = NULL;
  int32_t n = to_utf16(utf8, len, &s);
  if (n < 0) { ucnv_close(cnv); return -4; }
  int32_t m = ucnv_fromUChars(cnv, out, cap, s, n, &status);
  free(s);
  ucnv_close(cnv);
  if (status == U_BUFFER_OVERFLOW_ERROR) return -2;
  if (status == U_INVALID_CHAR_FOUND || status == U_ILLEGAL_CHAR_FOUND) return -1;
  if (U_FAILURE(status)) return -5;
  return m;
}
