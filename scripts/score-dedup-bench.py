#!/usr/bin/env python3
"""Score `mend dedup` on the labelled short-document corpus of make-bench-corpus.py:
precision/recall against the injected copies ("copy_of"), recall split by the true word 5-gram
Jaccard of a sample of copies, and the true Jaccard of a sample of removed documents that were
not injected (chance overlaps of the recombined sentences). Tokens as mend's: runs of ASCII
letters/digits or non-ASCII bytes, ASCII lower-cased.
  scripts/score-dedup-bench.py CORPUS.jsonl REMOVED.jsonl"""
import json, random, re, sys

corpus, removed_path = sys.argv[1], sys.argv[2]
removed = {}
for l in open(removed_path, encoding="utf-8"):
    r = json.loads(l)
    if r["kind"] != "boilerplate":
        removed[r["id"]] = (r["duplicate_of"], "copy_of" in r["record"])
texts, copies = {}, []
for l in open(corpus, encoding="utf-8"):
    r = json.loads(l)
    texts[r["id"]] = r["text"]
    if "copy_of" in r:
        copies.append((r["id"], r["copy_of"]))
tp = sum(1 for v in removed.values() if v[1])
print(f"removed {len(removed)}, injected {len(copies)}: precision {tp / max(1, len(removed)):.3f}, recall {tp / max(1, len(copies)):.3f} (against the labels)")

def words(s):
    return [w.lower() for w in re.findall(rb"[0-9A-Za-z\x80-\xff]+", s.encode())]

def jac(a, b, n=5):
    def sh(w):
        return {b" ".join(w)} if len(w) < n else {b" ".join(w[i:i + n]) for i in range(len(w) - n + 1)}
    x, y = sh(words(a)), sh(words(b))
    return len(x & y) / max(1, len(x | y))

rng = random.Random(1)
above, below = [0, 0], [0, 0]
for cid, src in rng.sample(copies, min(5000, len(copies))):
    j, hit = jac(texts[cid], texts[src]), cid in removed
    t = above if j >= 0.7 else below
    t[0] += 1
    t[1] += hit
print(f"sample of copies: true J >= 0.7: {above[0]}, recall {above[1] / max(1, above[0]):.3f}; "
      f"true J < 0.7: {below[0]}, removed {below[1] / max(1, below[0]):.3f}")
others = [(k, v[0]) for k, v in removed.items() if not v[1]]
js = sorted(jac(texts[k], texts[d]) for k, d in rng.sample(others, min(2000, len(others))))
if js:
    print(f"removed documents that are not injected copies: {len(others)}; sample true J median {js[len(js) // 2]:.2f}, "
          f">= 0.7: {sum(j >= 0.7 for j in js) / len(js):.3f}, >= 0.6: {sum(j >= 0.6 for j in js) / len(js):.3f}")
