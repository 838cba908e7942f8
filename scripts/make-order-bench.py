#!/usr/bin/env python3
"""Build a restore-order throughput input: news-sized documents, one sentence per line, as JSONL
records {"id": ..., "text": ...} from the Wikinews corpus (CC BY 2.5).

Each article is written in order and once shuffled (seeded), repeated until about N MB.
Usage: make-order-bench.py OUT [MB]   (then: mend corpus --field text OUT > /dev/null)
"""
import json, random, sys

out = sys.argv[1]
mb = float(sys.argv[2]) if len(sys.argv) > 2 else 20
corpus = "../shared/corpora/wikinews-en/wikinews.jsonl"
docs = []
for line in open(corpus, encoding="utf-8"):
    a = json.loads(line)
    lines = [s for p in a["paragraphs"] if p.strip() for s in p.replace(". ", ".\n").split("\n")]
    docs.append((a["id"], lines))
rng = random.Random(2022)
target = int(mb * 1_000_000)
size = 0
with open(out, "w", encoding="utf-8") as f:
    while size < target:
        for id_, lines in docs:
            for tag, ls in (("in-order", lines), ("shuffled", rng.sample(lines, len(lines)))):
                rec = json.dumps({"id": f"{id_}-{tag}", "text": "\n".join(ls) + "\n"}) + "\n"
                f.write(rec)
                size += len(rec.encode("utf-8"))
            if size >= target:
                break
