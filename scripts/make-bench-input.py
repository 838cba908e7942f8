#!/usr/bin/env python3
"""Build a benchmark corpus of about N MB from the Wikinews corpus (CC BY 2.5).

JSONL, one article a record ({"id": ..., "text": ...}), articles drawn in a seeded random order
(with replacement) until the size is reached. Each record is its own document, as in a real corpus,
so mend's in-document dedup sees only the article's own repeats.
  make-bench-input.py OUT [MB]               one paragraph a line (as scraped prose usually comes)
  make-bench-input.py OUT [MB] --sentences   one sentence a line (fragmented, as in the example)
"""
import json, random, re, sys

out = sys.argv[1]
mb = float(sys.argv[2]) if len(sys.argv) > 2 and not sys.argv[2].startswith("--") else 50
sentences = "--sentences" in sys.argv
corpus = "../shared/corpora/wikinews-en/wikinews.jsonl"
articles = []
for line in open(corpus, encoding="utf-8"):
    paras = [p for p in json.loads(line)["paragraphs"] if p.strip()]
    if sentences:
        # A crude split (". " before a capital), good enough for a throughput input.
        paras = [s for p in paras for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", p)]
    articles.append("\n".join(paras))
rng = random.Random(2022)
target = int(mb * 1_000_000)
size = 0
n = 0
with open(out, "w", encoding="utf-8") as f:
    while size < target:
        rec = json.dumps({"id": f"doc-{n}", "text": rng.choice(articles)}, ensure_ascii=False)
        f.write(rec + "\n")
        size += len(rec.encode("utf-8")) + 1
        n += 1
