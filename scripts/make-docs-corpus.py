#!/usr/bin/env python3
"""Build a third evaluation corpus for `mend-eval apostrophes`: reference texts of this machine.

Usage: python3 scripts/make-docs-corpus.py [OUT] [DIR ...]
(default OUT bench-data/docs-corpus.jsonl; default DIRs /usr/share/doc and the Python
site-packages directories). Reads README, NEWS, changelog, Markdown, reStructuredText, plain-text
and package METADATA files (gzip too). Not committed: built from the installed packages, so its
figures belong to this machine's package set.

Each file is one article; each block between blank lines is one paragraph, its lines joined with
single spaces, kept when it has at least 8 words and is mostly letters and spaces (85 %), so code,
tables and lists of names mostly stay out. A paragraph seen before (the same licence text in many
packages) is kept once. Records: `{id, source_file, paragraphs}`, as `mend-eval` reads them.

Why: technical English (commands, API names, changelogs) is not news and not the fortunes:
capitalised words at line starts, acronym plurals (APIs, PRs), verbs at the start of a line
(`Returns true if ...`). `--split fit` is for reading errors, `--split test` is the held-back
figure (every fifth file).
"""
import glob
import gzip
import json
import os
import re
import sys
import sysconfig

out = sys.argv[1] if len(sys.argv) > 1 else "bench-data/docs-corpus.jsonl"
dirs = sys.argv[2:] or ["/usr/share/doc"] + sorted(
    {p for p in (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], "/usr/lib/python3/dist-packages") if os.path.isdir(p)}
)
NAMES = re.compile(r"(readme|news|changelog|changes|history|authors|todo|faq|metadata)([._-].*)?$|\.(md|rst|txt)(\.gz)?$", re.I)


def read(path):
    try:
        if path.endswith(".gz"):
            with gzip.open(path, "rb") as f:
                data = f.read(4_000_000)
        else:
            with open(path, "rb") as f:
                data = f.read(4_000_000)
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile):
        return None


files = []
for d in dirs:
    for p in glob.glob(os.path.join(d, "**", "*"), recursive=True):
        if os.path.isfile(p) and not os.path.islink(p) and NAMES.search(os.path.basename(p)):
            files.append(p)
files = sorted(set(files))
seen = set()
n = 0
os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
with open(out, "w", encoding="utf-8") as o:
    for path in files:
        text = read(path)
        if text is None:
            continue
        paragraphs = []
        for block in re.split(r"\n\s*\n", text):
            p = " ".join(line.strip() for line in block.split("\n") if line.strip())
            if len(p.split()) < 8 or sum(c.isalpha() or c == " " for c in p) / len(p) < 0.85 or p in seen:
                continue
            seen.add(p)
            paragraphs.append(p)
        if paragraphs:
            o.write(json.dumps({"id": f"doc-{n}", "source_file": path, "paragraphs": paragraphs}) + "\n")
            n += 1
print(f"{out}: {n} files, {len(seen)} paragraphs")
