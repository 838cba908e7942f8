#!/usr/bin/env python3
"""Build a second evaluation corpus for `mend-eval apostrophes` from Debian's fortunes.

Usage: python3 scripts/make-fortunes-corpus.py [OUT] [FORTUNE_DIR]
(apt-get install fortunes; default OUT bench-data/fortunes-corpus.jsonl, default FORTUNE_DIR
/usr/share/games/fortunes). The corpus is not committed: it is built from the installed package.

Each fortune (the text between two `%` lines of a fortune file) is one article; each block of it
between blank lines is one paragraph, its hard-wrapped lines joined with single spaces. The records
have the fields `mend-eval` reads from the Wikinews corpus: `{id, source_file, paragraphs}`.

Why: the fortunes are text nobody tuned mend on, unlike Wikinews news (quotes, jokes, poems,
chat logs, dialogue; many contractions). `mend-eval apostrophes --corpus OUT --split fit` is for
reading errors; `--split test` (every fifth fortune) is the held-back figure. Their apostrophes
are intact, but some of their authors left apostrophes out (chat logs: `dont`, `thats`); mend's
repairs of those count as false positives and as edits on the undamaged original.
"""
import glob
import json
import os
import re
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "bench-data/fortunes-corpus.jsonl"
src = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/games/fortunes"
files = sorted(f for f in glob.glob(os.path.join(src, "*")) if os.path.isfile(f) and not f.endswith((".dat", ".u8")))
if not files:
    sys.exit(f"make-fortunes-corpus: no fortune files in {src} (apt-get install fortunes)")
os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
n = 0
with open(out, "w", encoding="utf-8") as o:
    for f in files:
        text = open(f, encoding="utf-8", errors="replace").read()
        for fortune in re.split(r"^%\s*$", text, flags=re.M):
            paragraphs = []
            for block in re.split(r"\n\s*\n", fortune):
                p = " ".join(line.strip() for line in block.split("\n") if line.strip())
                if p:
                    paragraphs.append(p)
            if not paragraphs:
                continue
            o.write(json.dumps({"id": f"fortune-{n}", "source_file": os.path.basename(f), "paragraphs": paragraphs}) + "\n")
            n += 1
print(f"{out}: {n} fortunes")
