#!/usr/bin/env python3
"""Build a benchmark input of about N MB from the Wikinews corpus (CC BY 2.5).

One paragraph per line (as scraped text usually comes), paragraphs drawn in a seeded random order
until the size is reached. Usage: make-bench-input.py OUT [MB] [--sentences]
With --sentences the paragraphs are split into one sentence per line (a crude split on '. ',
good enough for a throughput input).
"""
import json, random, sys

out = sys.argv[1]
mb = float(sys.argv[2]) if len(sys.argv) > 2 and not sys.argv[2].startswith("--") else 50
sentences = "--sentences" in sys.argv
corpus = "../shared/corpora/wikinews-en/wikinews.jsonl"
paras = []
for line in open(corpus, encoding="utf-8"):
    paras.extend(p for p in json.loads(line)["paragraphs"] if p.strip())
rng = random.Random(2022)
target = int(mb * 1_000_000)
size = 0
with open(out, "w", encoding="utf-8") as f:
    while size < target:
        p = rng.choice(paras)
        text = p.replace(". ", ".\n") if sentences else p
        f.write(text + "\n")
        size += len(text.encode("utf-8")) + 1
