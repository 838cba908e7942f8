#!/usr/bin/env python3
"""Build noun-or-verb word classes from word bigram counts (symspellpy's bigram dictionary).

Usage: python3 scripts/build-word-classes.py [--from=DIR]
Downloads the symspellpy 6.10.1 wheel (PyPI, MIT) with `pip download` into a temporary directory
(or reads an unpacked wheel from DIR) and uses its `frequency_bigramdictionary_en_243_342.txt`
(243 k lower-case word bigrams with counts, derived from Google Books Ngram data, CC BY 3.0, and
SCOWL). Writes rules/lexicons/word-classes.txt, lines `WORD CLASS`, sorted (byte order), unique.

For a lower-case word w that SCOWL lists (english-words.txt), D = the bigram counts of w after a
determiner (the a an his her their our my your its this every each) and V = its counts after a
word that a verb follows (to will would can could should may might must not they we i you who did
does). CLASS is a bucket of D / (D + V):
  n9 >= 0.9 (noun-like: surface, lawyer, website), n6 >= 0.6, m >= 0.2, v < 0.2 (verb-like: said,
  announced). A word with D + V = 0 is left out.
repair-apostrophes (option `word-classes`) treats an n9 word after a name or acronym + s as a
word that a possessive is followed by (`the Courts decision`, `KSRTCs cooperative`): WordNet's
noun class holds only nouns with no verb sense, the bigram counts say how a word is mostly used.
"""
import glob
import os
import subprocess
import sys
import tempfile
import zipfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
lex = os.path.join(root, "rules", "lexicons")
DET = "the a an his her their our my your its this every each".split()
VERBY = "to will would can could should may might must not they we i you who did does".split()
NAME = "frequency_bigramdictionary_en_243_342.txt"


def bigram_path(tmp):
    src = [a[7:] for a in sys.argv[1:] if a.startswith("--from=")]
    if src:
        hits = glob.glob(os.path.join(src[0], "**", NAME), recursive=True)
        if hits:
            return hits[0]
        sys.exit(f"{NAME} not found under {src[0]}")
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                    "-d", tmp, "symspellpy==6.10.1"], check=True)
    wheel = glob.glob(os.path.join(tmp, "symspellpy-6.10.1-*.whl"))[0]
    with zipfile.ZipFile(wheel) as z:
        z.extract("symspellpy/" + NAME, tmp)
    return os.path.join(tmp, "symspellpy", NAME)


def bucket(d, v):
    r = d / (d + v)
    if r >= 0.9:
        return "n9"
    if r >= 0.6:
        return "n6"
    if r >= 0.2:
        return "m"
    return "v"


def main():
    words = set(open(os.path.join(lex, "english-words.txt"), encoding="utf-8").read().split())
    det, verby = set(DET), set(VERBY)
    d, v = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for line in open(bigram_path(tmp), encoding="utf-8"):
            parts = line.split()
            if len(parts) != 3:
                continue
            a, b, c = parts
            if b not in words or not b.isascii() or not b.isalpha() or not b.islower():
                continue
            if a in det:
                d[b] = d.get(b, 0) + int(c)
            elif a in verby:
                v[b] = v.get(b, 0) + int(c)
    out = sorted((f"{w} {bucket(d.get(w, 0), v.get(w, 0))}" for w in set(d) | set(v)), key=lambda s: s.encode())
    path = os.path.join(lex, "word-classes.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")
    counts = {}
    for s in out:
        counts[s.split()[1]] = counts.get(s.split()[1], 0) + 1
    print(f"word-classes.txt: {len(out)} lines; {counts}")


main()
