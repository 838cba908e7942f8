#!/usr/bin/env python3
"""How much of a text is English function words: the figures behind repair-apostrophes'
`english-only` gate (Sources/MendCore/EnglishGate.swift).

Usage: scripts/english-share.py [CHARDET_TESTS_DIR]

- English: the fit split of the Wikinews corpus (articles with index % 5 != 0), every paragraph
  with its apostrophes stripped as the evaluation strips them.
- Other languages: the test pages of the chardet encoding detector (default: the copy that ships
  with the Google Cloud SDK on this machine), each decoded from the encoding its folder names; only
  the Latin-script languages are reported (Spanish, Dutch, German, Hungarian, Czech, Slovak,
  Slovene, Croatian, Polish, Romanian, Turkish).

A word is a run of letters in Latin script (ASCII or U+00C0-U+024F); words in other scripts are
not counted. The list is the stage's default `english-words`.
"""
import collections
import glob
import json
import os
import re
import sys

WORDS = set(
    "the and of that for with this are have from had not but they he she his her we you been has were "
    "which will would there their it be by or an as what when who about said more one all can also its "
    "your our them if just how out up very did because than then into only other some could should "
    "these those why where".split()
)
WORD = re.compile(r"[^\W\d_]+", re.U)
LATIN = re.compile(r"(iso-8859-1|iso-8859-2|iso-8859-9|windows-1250|windows-1252|windows-1254|MacRoman)")


def latin_words(line):
    return [w.lower() for w in WORD.findall(line) if all(c < "\u0250" for c in w)]


def report(name, docs):
    """docs: lists of lines. Prints document shares and first-25-word counts of long lines."""
    shares = []
    first25 = collections.Counter()
    for lines in docs:
        words = english = 0
        for line in lines:
            ws = latin_words(line)
            words += len(ws)
            english += sum(w in WORDS for w in ws)
            if len(ws) >= 25:
                first25[min(5, sum(w in WORDS for w in ws[:25]))] += 1
        if words >= 25:
            shares.append(english / words)
    shares.sort()
    print(f"{name}: {len(shares)} documents of 25+ words; lowest shares {[round(s, 3) for s in shares[:5]]}, "
          f"highest {[round(s, 3) for s in shares[-5:]]}")
    print(f"  lines of 25+ words by function words among their first 25 (5 = 5 or more): {sorted(first25.items())}")


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    corpus = os.path.join(root, "..", "shared", "corpora", "wikinews-en", "wikinews.jsonl")
    articles = [json.loads(line) for line in open(corpus, encoding="utf-8")]
    fit = [a for i, a in enumerate(articles) if i % 5 != 0]
    report("English (Wikinews fit split, apostrophes stripped)",
           [[p.replace("'", "").replace("\u2019", "") for p in a["paragraphs"]] for a in fit])
    tests = sys.argv[1] if len(sys.argv) > 1 else \
        "/usr/lib/google-cloud-sdk/platform/gsutil/third_party/chardet/tests"
    docs = []
    for folder in sorted(glob.glob(os.path.join(tests, "*"))):
        name = os.path.basename(folder)
        if not LATIN.search(name):
            continue
        encoding = re.sub(r"-(croatian|czech|hungarian|polish|slovak|slovene|turkish|romanian)$", "", name)
        for path in sorted(glob.glob(os.path.join(folder, "*"))):
            try:
                docs.append(open(path, encoding=encoding).read().split("\n"))
            except (UnicodeDecodeError, LookupError):
                pass
    report("Other Latin-script languages (chardet test pages)", docs)


if __name__ == "__main__":
    main()
