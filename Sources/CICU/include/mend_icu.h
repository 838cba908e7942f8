#ifndef MEND_ICU_H
#define MEND_ICU_H
// Stable C wrappers over the system ICU. Plain C types only: Swift code must never see ICU's own
// headers (ICU's names are version-renaming macros, and Foundation on Linux ships a clashing copy).
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// ICU's version as "major.minor" written into buf (at least 16 bytes).
void mend_icu_version(char *buf, int32_t cap);

/// Normalisation forms understood by the wrappers below.
enum { MEND_NFC = 0, MEND_NFKC = 1, MEND_NFD = 2, MEND_NFKD = 3 };

/// 1 when the UTF-8 text is already in `form`, 0 when not, negative on an ICU error.
int32_t mend_is_normalized(const char *utf8, int32_t len, int32_t form);

/// 1 when valid UTF-8 text is surely NFC by the quick check of UAX #15 (section 9): every code
/// point has NFC_Quick_Check = Yes and no non-zero combining class follows a larger one; also
/// accepted: a Maybe character without a decomposition right after a Yes starter without one,
/// when ICU's composePair says the two do not compose (a nukta after most Devanagari consonants;
/// argued in mend_icu.c). 0 means "ask ICU's full check". Per-code-point data come from ICU
/// (filled lazily, 256 code points at a time, thread-safe).
int32_t mend_nfc_quick_yes(const uint8_t *utf8, int32_t len);

/// Normalise UTF-8 text into a newly malloc'ed UTF-8 buffer (free it with mend_free).
/// Returns the output length in bytes, or a negative value on an ICU error.
int32_t mend_normalize(const char *utf8, int32_t len, int32_t form, char **out);

void mend_free(void *p);

/// An opaque sentence-break iterator for a locale such as "en@ss=standard". NULL on error.
void *mend_sentence_iterator_open(const char *locale);
/// A copy of an iterator, for use on another thread.
void *mend_sentence_iterator_clone(void *iter);
void mend_sentence_iterator_close(void *iter);

/// Sentence boundaries of UTF-8 text as byte offsets (after 0, up to and including len).
/// Returns how many were found; when that exceeds cap only cap are written. Negative on error.
int32_t mend_sentence_breaks(void *iter, const char *utf8, int32_t len, int32_t *breaks, int32_t cap);

/// The same through a UTF-16 copy (faster for ICU); offsets are still UTF-8 byte offsets.
int32_t mend_sentence_breaks16(void *iter, const char *utf8, int32_t len, int32_t *breaks, int32_t cap);

/// The Unicode Sentence_Break property of a code point (ICU's UCHAR_SENTENCE_BREAK values:
/// 0 Other, 1 ATerm, 2 Close, 3 Format, 4 Lower, 5 Numeric, 6 OLetter, 7 Sep, 8 Sp, 9 STerm,
/// 10 Upper, 11 CR, 12 Extend, 13 LF, 14 SContinue).
int32_t mend_sentence_break_property(uint32_t c);

/// The break suppressions ICU applies for a locale with `@ss=standard` (CLDR's list, e.g. "Mr."),
/// written into buf as UTF-8, each followed by a newline. Returns the byte count (when it is more
/// than cap, only the entries that fit were written: call again with a larger buf), 0 when the locale has no suppressions
/// (no `ss=standard` keyword, or no list in ICU's data), negative on an ICU error.
int32_t mend_sentence_suppressions(const char *locale, char *buf, int32_t cap);

/// The base name of a locale (language, script, region, variant; no keywords) into buf.
/// Returns its length, or a negative value on an ICU error.
int32_t mend_locale_base_name(const char *locale, char *buf, int32_t cap);

/// Encode UTF-8 text into a legacy charset (e.g. "windows-1252", "ISO-8859-1") with ICU's converters.
/// Returns the byte count written to out, -1 when a character has no mapping in the charset,
/// -2 when out is too small, other negatives on ICU errors.
int32_t mend_encode_legacy(const char *charset, const char *utf8, int32_t len, char *out, int32_t cap);

#ifdef __cplusplus
}
#endif
#endif
