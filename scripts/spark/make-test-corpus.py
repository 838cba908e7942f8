#!/usr/bin/env python3
"""A small JSONL corpus for testing the Spark job against `mend dedup` + `mend corpus`.

Usage: make-test-corpus.py WIKINEWS_JSONL OUT_JSONL [SEED]
Every Wikinews article once (paragraphs joined by newlines, apostrophes stripped from every third
article so the repair stages have work), plus injected copies at random later positions: exact
copies, and near copies (a paragraph dropped, `said` -> `says`, a word removed). Two footer lines recur
in many articles (boilerplate). One malformed line and one blank line are mixed in; those must be passed through, never dropped.
Every 29th record has no id (so removed records and their originals are named FILE:LINE).
"""
import json
import random
import sys

src, dst = sys.argv[1], sys.argv[2]
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
docs = []
for i, line in enumerate(open(src, encoding="utf-8")):
    a = json.loads(line)
    text = "\n".join(a["paragraphs"])
    if i % 3 == 0:
        text = text.replace("'", "").replace("\u2019", "")
    docs.append({"id": a["id"], "title": a["title"], "text": text})
# Boilerplate: two footer lines, each in about 8 % of the articles (so in more than
# boilerplate_min_docs of them), which both mend dedup and the Spark job must remove from all but
# the first article that has them.
for d in docs:
    for footer in ("Follow us for breaking news, analysis and live updates every day.",
                   "This story was produced with the help of our readers' tips."):
        if rng.random() < 0.08:
            d["text"] += "\n" + footer

out = list(docs)
for k, d in enumerate(docs):
    r = rng.random()
    if r < 0.25:
        copy = dict(d, id=d["id"] + "-exact")
    elif r < 0.5:
        paras = d["text"].split("\n")
        if len(paras) > 6:
            del paras[rng.randrange(len(paras))]
        words = "\n".join(paras).replace(" said ", " says ").split(" ")
        if len(words) > 50:
            del words[rng.randrange(len(words))]
        copy = dict(d, id=d["id"] + "-near", text=" ".join(words))
    else:
        continue
    pos = rng.randrange(out.index(d) + 1, len(out) + 1)
    out.insert(pos, copy)

with open(dst, "w", encoding="utf-8") as f:
    for k, d in enumerate(out):
        if k == 10:
            f.write('{"id": "broken", "text": "no closing brace"\n')
        if k == 20:
            f.write("\n")
        if k % 29 == 5:
            d = {key: v for key, v in d.items() if key != "id"}
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
