#!/usr/bin/env python3
"""Assemble benchmark corpora from the real sentences of the wikinews corpus (CC BY 2.5).

  corpus: ~SIZE MB of JSONL documents of 3-40 sentences, recombined with a seed; 5% of the
          documents carry scraper damage (mojibake, HTML entities, no-break spaces) so the
          pipeline has work to do.
  short:  N short documents (2-4 sentences) for dedup, with 5% exact copies (spacing and case
          changed) and 10% near copies (2% of the words, at least one, replaced) of earlier
          documents; each copy names its source in "copy_of" (dedup ignores the field).
Build/data script only; mend itself never runs Python.
"""
import argparse, json, random, re, sys

def sentences(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            for p in json.loads(line)["paragraphs"]:
                for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", p.strip()):
                    if len(s) > 20:
                        out.append(s)
    return out

def damage(text, rng):
    kind = rng.randrange(3)
    if kind == 0:
        return text.replace("’", "â€™").replace("é", "Ã©").replace("'", "â€™", 1)
    if kind == 1:
        return text.replace(" & ", " &amp; ").replace("—", "&mdash;").replace(", ", ", &nbsp;", 1)
    return text.replace(" ", "\u00a0", 3)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wikinews", default="../shared/corpora/wikinews-en/wikinews.jsonl")
    ap.add_argument("--kind", choices=["corpus", "short"], required=True)
    ap.add_argument("--mb", type=float, default=1000)
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    sents = sentences(a.wikinews)
    rng.shuffle(sents)
    n = len(sents)
    with open(a.out, "w", encoding="utf-8") as f:
        if a.kind == "corpus":
            target = int(a.mb * 1e6)
            written = 0
            i = 0
            while written < target:
                k = rng.randint(3, 40)
                start = rng.randrange(n)
                paras = []
                for p in range(0, k, 4):
                    paras.append(" ".join(sents[(start + p + j * 7919) % n] for j in range(min(4, k - p))))
                text = "\n".join(paras)
                if rng.random() < 0.05:
                    text = damage(text, rng)
                line = json.dumps({"id": f"doc-{i:08d}", "url": f"https://example.org/{i}", "lang": "en", "text": text,
                                   "meta": {"seed": a.seed, "n": k}}, ensure_ascii=False) + "\n"
                f.write(line)
                written += len(line.encode("utf-8"))
                i += 1
            print(f"{i} documents, {written / 1e6:.1f} MB", file=sys.stderr)
        else:
            texts = []
            text_ids = []
            kinds = {"exact": 0, "near": 0}
            for i in range(a.docs):
                r = rng.random()
                rec = {"id": i}
                if texts and r < 0.05:
                    src = rng.randrange(max(0, len(texts) - 100000), len(texts))
                    t = "  " + texts[src].upper() + " "
                    rec["copy_of"] = text_ids[src]
                    kinds["exact"] += 1
                elif texts and r < 0.15:
                    src = rng.randrange(max(0, len(texts) - 100000), len(texts))
                    w = texts[src].split(" ")
                    rec["copy_of"] = text_ids[src]
                    for _ in range(max(1, len(w) // 50)):
                        w[rng.randrange(len(w))] = rng.choice(["said", "new", "city", "report"])
                    t = " ".join(w)
                    kinds["near"] += 1
                else:
                    t = " ".join(sents[rng.randrange(n)] for _ in range(rng.randint(2, 4)))
                    texts.append(t)
                    text_ids.append(i)
                rec["text"] = t
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            print(f"{a.docs} documents; injected {kinds}", file=sys.stderr)

main()
