#ifndef MEND_BYTES_H
#define MEND_BYTES_H
// Byte classification of a whole line with vector compares and movemask (which Swift's SIMD types
// do not expose): plain C types only. Used by repair-apostrophes' `lineMasks`.
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// For the n bytes at p, 64 bytes a word ((n + 63) / 64 words in each output; bits from n on 0):
/// bit j of tok[w] is set when byte 64w + j is an ASCII letter or digit or a byte >= 0x80;
/// quote[w] marks the bytes 0x27 ('), high[w] the bytes >= 0x80, lead[w] the bytes 0xE2 and 0xC2.
/// Returns the word count.
/// Uses AVX2 when the CPU has it, else SSE2 (x86), else a byte loop.
int64_t mend_line_classes(const uint8_t *p, int64_t n, uint64_t *tok, uint64_t *quote, uint64_t *high, uint64_t *lead);

/// The same words by one chosen path (for the tests): 0 the byte loop, 1 SSE2, 2 AVX2 (the byte
/// loop where the CPU lacks it), one zero-padded 64-byte block at a time.
int64_t mend_line_classes_portable(const uint8_t *p, int64_t n, uint64_t *tok, uint64_t *quote, uint64_t *high, uint64_t *lead, int32_t path);

/// The dedup scan's masks of a line (DedupText.scanWords): for the n bytes at p, blocks of 64
/// bytes, n / 64 + 1 of them (the last one holds the position n, where a word at the end of the
/// line ends), six words a block at out[6w...]: [0] word bytes (ASCII letters and digits, and
/// the ' ` , . : that join two runs of a word as DedupText.asciiJoins decides), [1] ASCII digits,
/// [2] trigger bytes between words (`.` `!` `?` and bytes < 0x20 that are not word bytes),
/// [3] the joining bytes, [4] bytes >= 0x80, [5] ASCII letters and digits, bytes >= 0x80 and
/// ' ` , . : (every other byte ends a word, whatever comes before it). Bits from n on are 0
/// except triggers. Returns the block count, with MEND_SCAN_IRREGULAR when a joining `.` makes
/// the line irregular (a digit before it, a capital after it) and MEND_SCAN_HIGH when a byte is
/// >= 0x80. AVX2 when the CPU has it, else SSE2 (x86), else a byte loop.
#define MEND_SCAN_IRREGULAR 0x10000000000LL
#define MEND_SCAN_HIGH 0x20000000000LL
int64_t mend_scan_masks(const uint8_t *p, int64_t n, uint64_t *out);

/// The same by one chosen path (for the tests): 0 the byte loop, 1 SSE2, 2 AVX2 (SSE2 where the
/// CPU lacks it; the byte loop off x86).
int64_t mend_scan_masks_path(const uint8_t *p, int64_t n, uint64_t *out, int32_t path);

#ifdef __cplusplus
}
#endif
#endif
