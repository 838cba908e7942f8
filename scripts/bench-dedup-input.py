#!/usr/bin/env python3
"""Build benchmark inputs for the dedup stages from the wikinews corpus (one paragraph per line).

  repeated.txt  the corpus concatenated until ~50 MB: every line after the first copy is an exact
                repeat, so the dedup stages remove ~97% of the lines (the removal path, worst case).
  tagged.txt    the same, each line ending with a copy tag (", copy 17."): no line repeats, but every
                line has ~35 near-identical candidates that the number veto must reject (the
                candidate path, worst case).
  distinct/     the corpus copies as separate files (one document each), ~50 MB in all: typical
                corpus mode, where duplicates are looked for within each document.

Usage: scripts/bench-dedup-input.py OUTDIR [MB]
"""
import json, os, sys

out = sys.argv[1]
target = int(sys.argv[2]) if len(sys.argv) > 2 else 50
corpus = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpora", "wikinews-en", "wikinews.jsonl")
arts = [json.loads(l) for l in open(corpus, encoding="utf-8")]
lines = [p.replace("\n", " ").strip() for a in arts for p in a["paragraphs"] if p.strip()]
one = "\n".join(lines) + "\n"
copies = max(1, target * 1_000_000 // len(one.encode()))
os.makedirs(os.path.join(out, "distinct"), exist_ok=True)
with open(os.path.join(out, "repeated.txt"), "w", encoding="utf-8") as f:
    for _ in range(copies):
        f.write(one)
with open(os.path.join(out, "tagged.txt"), "w", encoding="utf-8") as f:
    for c in range(copies):
        f.write("".join(l.rstrip(".") + f", copy {c}.\n" for l in lines))
for c in range(copies):
    for i, a in enumerate(arts):
        with open(os.path.join(out, "distinct", f"{c:03d}-{i:04d}.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(p.replace("\n", " ").strip() for p in a["paragraphs"] if p.strip()) + "\n")
print(f"{copies} copies of {len(lines)} lines")
