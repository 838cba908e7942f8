#ifndef MEND_ORDER_H
#define MEND_ORDER_H
// restore-order's byte passes over one ASCII line (OrderModel.contentKeys, OrderModel.scanCaps):
// token boundaries from vector compares and bit masks, then only the tokens that matter hashed.
// Plain C types only.
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A word-list table of OrderModel's `WordListFlags` as pointers: `map` one of its 4096-bit maps
/// (64 words), `table`/`flags` its open-addressing slots (`mask` + 1 of them, home slot from
/// (k * 0x9E3779B97F4A7C15) >> `shift`), `zero_flags` the flags of key 0. A key "is in the list"
/// when its flags meet `want`.
typedef struct {
  const uint64_t *map;
  const uint64_t *table;
  const uint16_t *flags;
  int64_t mask;
  uint64_t shift;
  uint16_t zero_flags;
  uint16_t want;
} mend_word_table;

/// The longest line the functions below take (longer lines: they return MEND_ORDER_FALLBACK).
#define MEND_ORDER_MAX_LINE 4096
/// Returned for a line the functions do not take (a byte >= 0x80, or longer than the maximum):
/// the caller runs its own byte loop on it.
#define MEND_ORDER_FALLBACK (-1)

/// OrderModel.contentKeys on one line of n bytes: for each token that does not start with A-Z,
/// is at least 4 bytes long and is not in the list (`want` = function), its stored key (the key
/// without a final "s"; a possessive's key) is written to out, in line order (at most n / 4 of
/// them). Returns their count, or MEND_ORDER_FALLBACK.
int64_t mend_order_content_keys(const uint8_t *p, int64_t n, uint64_t *out, const mend_word_table *t);

/// One capitalised word of OrderModel.scanCaps (its `QuickCap` without the line).
typedef struct {
  uint64_t key;
  uint64_t stem;
  uint8_t first;
  uint8_t in_run;
  uint8_t all_caps;
  uint8_t in_parens;
  /// The last word of a run of two or more.
  uint8_t run_end;
} mend_order_cap;

/// The line's first two tokens (OrderModel.scanCaps' opening test): `tokens` is the token count
/// when below 2 (else 2); k0 the first token's key, k1 and s1 the second's key and stem key, pair
/// the "first second" key of OrderModel.pairKey.
typedef struct {
  int64_t tokens;
  uint64_t k0;
  uint64_t k1;
  uint64_t s1;
  uint64_t pair;
} mend_order_opening;

/// OrderModel.scanCaps on one line of n bytes: its capitalised words that are not in the list
/// (`want` = function | title) in line order, runs marked, written to caps (at most n / 2 + 1 of
/// them); with need_opens, `opening` describes the first two tokens. Returns the count of caps, or
/// MEND_ORDER_FALLBACK.
int64_t mend_order_caps(const uint8_t *p, int64_t n, mend_order_cap *caps, int32_t need_opens, mend_order_opening *opening, const mend_word_table *t);

/// The two functions above by one chosen path of their byte masks (for the tests): 0 the byte
/// loop, 1 SSE2 (the byte loop off x86), 2 the one they use (AVX2 where the CPU has it).
int64_t mend_order_content_keys_path(const uint8_t *p, int64_t n, uint64_t *out, const mend_word_table *t, int32_t path);
int64_t mend_order_caps_path(const uint8_t *p, int64_t n, mend_order_cap *caps, int32_t need_opens, mend_order_opening *opening, const mend_word_table *t, int32_t path);

#ifdef __cplusplus
}
#endif
#endif
