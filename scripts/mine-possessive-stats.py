#!/usr/bin/env python3
"""Mine possessive-versus-plural statistics from the FIT split of the evaluation corpus.

Usage: python3 scripts/mine-possessive-stats.py [corpus.jsonl]
Reads ../shared/corpora/wikinews-en/wikinews.jsonl (CC BY 2.5), uses only the fit split (article
index % 5 != 0, the split mend-eval fits on; the test split is never read), and writes
rules/lexicons/possessive-stats.txt with lines `FEATURE POSS PLAIN`: how often a feature was seen
with a singular possessive X's and with a plain word X+s (a plural or verb that a stripped X's
would look like). Features: `t:WORD` (the stripped form), `n:WORD` / `p:WORD` (next / previous
word), `ns:SHAPE` (next word shape: ed, ing, ly, s, cap, num, other), `total`.
Only features seen at least twice are written.
"""
import collections
import json
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
args = [a for a in sys.argv[1:] if not a.startswith("--")]
# --hold-out-dev: also leave out the dev fold ((index / 5) % 4 == 0), to choose thresholds on it
# with `mend-eval apostrophes --dev`; --out=PATH: write elsewhere.
hold_out_dev = "--hold-out-dev" in sys.argv
out_arg = [a[6:] for a in sys.argv[1:] if a.startswith("--out=")]
src = args[0] if args else os.path.join(root, "..", "shared", "corpora", "wikinews-en", "wikinews.jsonl")
bases = set(open(os.path.join(root, "rules", "lexicons", "possessive-bases.txt"), encoding="utf-8").read().split())
bases_lower = {b.lower() for b in bases}

PRONOUN_S = {"it", "that", "there", "what", "here", "where", "how", "he", "she", "who", "let", "when", "why"}
TOKEN = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)*")


def shape(w):
    if w is None:
        return "punct"
    if w[0].isdigit():
        return "num"
    if w[0].isupper():
        return "cap"
    for suf in ("ed", "ing", "ly", "s"):
        if w.endswith(suf) and len(w) > len(suf) + 2:
            return suf
    return "other"


counts = collections.defaultdict(lambda: [0, 0])
for i, line in enumerate(open(src, encoding="utf-8")):
    if i % 5 == 0:
        continue  # the test split
    if hold_out_dev and (i // 5) % 4 == 0:
        continue
    art = json.loads(line)
    for p in art["paragraphs"]:
        p = p.replace("\u2019", "'").replace('"', " ").replace("\u201c", " ").replace("\u201d", " ")
        toks = [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(p)]
        for k, (t, s, e) in enumerate(toks):
            if t.endswith("'s") and "'" not in t[:-2] and t[:-2].isalpha():
                if t[:-2].lower() in PRONOUN_S:
                    continue
                cls, stripped = 0, t[:-2] + "s"
            elif "'" not in t and t.endswith("s") and not t.endswith("ss") and len(t) >= 3 and t.isalpha():
                x = t[:-1]
                if x not in bases and x.lower() not in bases_lower and not x[0].isupper():
                    continue
                if e < len(p) and p[e] == "'":
                    continue  # a plural possessive
                cls, stripped = 1, t
            else:
                continue
            nxt = toks[k + 1][0] if k + 1 < len(toks) and p[e:toks[k + 1][1]].strip() == "" else None
            prv = toks[k - 1][0] if k > 0 and p[toks[k - 1][2]:s].strip() == "" else None
            feats = ["total", "t:" + stripped.lower(), "ns:" + shape(nxt)]
            feats.append("n:" + (nxt.lower().replace("'", "") if nxt else "<punct>"))
            feats.append("p:" + (prv.lower().replace("'", "") if prv else "<punct>"))
            for f in feats:
                counts[f][cls] += 1

out = out_arg[0] if out_arg else os.path.join(root, "rules", "lexicons", "possessive-stats.txt")
lines = sorted((f"{f} {a} {b}" for f, (a, b) in counts.items() if a + b >= 2), key=lambda s: s.encode())
with open(out, "w", encoding="utf-8") as fh:
    fh.write("".join(l + "\n" for l in lines))
print(f"possessive-stats.txt: {len(lines)} lines; total {counts['total']}")
