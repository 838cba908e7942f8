#!/usr/bin/env python3
"""Build a benchmark corpus of about N MB from the Wikinews corpus (CC BY 2.5).

JSONL, one article a record ({"id": ..., "text": ...}), articles drawn in a seeded random order
(with replacement) until the size is reached. Each record is its own document, as in a real corpus,
so mend's in-document dedup sees only the article's own repeats. The corpus has only ~300
articles, so they recur; every line of a recurring copy has one lower-case word swapped for another
word of the corpus (seeded), so no line repeats verbatim and a cache keyed by a line's text (mend
keeps one per thread for the dedup stages) cannot serve a recurring article for free.
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
vocab = sorted({w for a in articles for w in re.findall(r"\b[a-z]{4,}\b", a)})
word = re.compile(r"\b[a-z]{4,}\b")


def vary(text, rng):
    lines = []
    for line in text.split("\n"):
        spots = list(word.finditer(line))
        if spots:
            m = rng.choice(spots)
            line = line[:m.start()] + rng.choice(vocab) + line[m.end():]
        lines.append(line)
    return "\n".join(lines)


rng = random.Random(2022)
used = set()
target = int(mb * 1_000_000)
size = 0
n = 0
with open(out, "w", encoding="utf-8") as f:
    while size < target:
        k = rng.randrange(len(articles))
        text = vary(articles[k], rng) if k in used else articles[k]
        used.add(k)
        rec = json.dumps({"id": f"doc-{n}", "text": text}, ensure_ascii=False)
        f.write(rec + "\n")
        size += len(rec.encode("utf-8")) + 1
        n += 1
